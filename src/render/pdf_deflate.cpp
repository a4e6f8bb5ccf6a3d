#include "render/pdf_deflate.h"

#include <dlfcn.h>
#include <zlib.h>

namespace sanfang::render {
namespace {

// No level chosen on this thread: a call passes through as it came.
constexpr int kNotChosen = -2;
thread_local int chosen_level = kNotChosen;

}  // namespace

ScopedDeflate::ScopedDeflate(Deflate deflate) : m_previous(chosen_level) {
  chosen_level = deflate == Deflate::Fast ? Z_BEST_SPEED : Z_DEFAULT_COMPRESSION;
}

ScopedDeflate::~ScopedDeflate() { chosen_level = m_previous; }

// The level a stream asking for zlib's default gets on this thread.
static int level_for_default() { return chosen_level == kNotChosen ? Z_DEFAULT_COMPRESSION : chosen_level; }

}  // namespace sanfang::render

// zlib.h's deflateInit is a macro for this function; cairo calls it for every stream it writes.
extern "C" int deflateInit_(z_streamp stream, int level, const char* version, int stream_size) {
  using Init = int (*)(z_streamp, int, const char*, int);
  static const Init zlib_init = reinterpret_cast<Init>(dlsym(RTLD_NEXT, "deflateInit_"));
  if (!zlib_init) return Z_STREAM_ERROR;  // cannot happen while zlib is linked; cairo reports it
  if (level == Z_DEFAULT_COMPRESSION) level = sanfang::render::level_for_default();
  return zlib_init(stream, level, version, stream_size);
}
