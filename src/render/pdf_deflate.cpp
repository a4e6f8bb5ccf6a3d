#include "render/pdf_deflate.h"

#include <dlfcn.h>
#include <libdeflate.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <new>
#include <string>

namespace sanfang::render {
namespace {

constexpr int kFastLevel = 1;
constexpr int kSmallLevel = 6;
// No scope on this thread: every stream goes to zlib as it came.
constexpr int kNotChosen = -1;
thread_local int chosen_level = kNotChosen;

// cairo asks for zlib's default level; a scope on this thread takes such a stream over.
bool takes_whole_stream(int zlib_level) { return zlib_level == Z_DEFAULT_COMPRESSION && chosen_level != kNotChosen; }

// One stream deflated here. zlib never sees it; if a caller hands it to a zlib function that is
// not redirected, zlib's own state check fails on the leading null (it expects a pointer back to
// the z_stream there) and refuses it.
struct WholeStream {
  const void* not_zlib_state = nullptr;
  int level = kFastLevel;
  std::string input;
  std::string output;
  std::size_t sent = 0;
  bool finishing = false;
};

// zlib fills in its own allocator when a stream has none, so no zlib stream ever carries this
// function: it marks the streams made here.
voidpf whole_stream_marker(voidpf, uInt, uInt) { return Z_NULL; }

bool is_whole_stream(z_streamp stream) { return stream && stream->zalloc == &whole_stream_marker; }

WholeStream& whole_stream(z_streamp stream) { return *reinterpret_cast<WholeStream*>(stream->state); }

// libdeflate's compressors are costly to make (their tables) and not thread-safe: one per level
// and thread, kept for the thread's life.
libdeflate_compressor* compressor(int level) {
  struct Free {
    void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
  };
  thread_local std::array<std::unique_ptr<libdeflate_compressor, Free>, 13> compressors;
  auto& slot = compressors.at(static_cast<std::size_t>(level));
  if (!slot) slot.reset(libdeflate_alloc_compressor(level));
  if (!slot) throw std::bad_alloc();
  return slot.get();
}

int start_whole_stream(z_streamp stream) noexcept {
  auto* state = new WholeStream;
  state->level = chosen_level;
  stream->zalloc = &whole_stream_marker;
  stream->state = reinterpret_cast<internal_state*>(state);
  stream->total_in = stream->total_out = 0;
  stream->msg = Z_NULL;
  return Z_OK;
}

// zlib's contract for the two flushes cairo uses: all input is taken at once; Z_FINISH hands out
// the deflated bytes as far as avail_out allows, Z_OK while some are left, Z_STREAM_END after the last.
int deflate_whole_stream(z_streamp stream, int flush) noexcept {
  WholeStream& state = whole_stream(stream);
  if ((flush != Z_NO_FLUSH && flush != Z_FINISH) || (state.finishing && (stream->avail_in > 0 || flush != Z_FINISH))) {
    return Z_STREAM_ERROR;
  }
  if (stream->avail_in > 0) {
    state.input.append(reinterpret_cast<const char*>(stream->next_in), stream->avail_in);
    stream->next_in += stream->avail_in;
    stream->total_in += stream->avail_in;
    stream->avail_in = 0;
  }
  if (flush == Z_NO_FLUSH) return Z_OK;
  if (!state.finishing) {
    libdeflate_compressor* deflater = compressor(state.level);
    state.output.resize(libdeflate_zlib_compress_bound(deflater, state.input.size()));
    // Cannot come back 0: the output has room for the worst case.
    state.output.resize(
        libdeflate_zlib_compress(deflater, state.input.data(), state.input.size(), state.output.data(), state.output.size()));
    std::string().swap(state.input);
    state.finishing = true;
  }
  const std::size_t n = std::min<std::size_t>(stream->avail_out, state.output.size() - state.sent);
  if (n > 0) std::memcpy(stream->next_out, state.output.data() + state.sent, n);
  stream->next_out += n;
  stream->avail_out -= static_cast<uInt>(n);
  stream->total_out += n;
  state.sent += n;
  return state.sent == state.output.size() ? Z_STREAM_END : Z_OK;
}

int end_whole_stream(z_streamp stream) noexcept {
  delete &whole_stream(stream);
  stream->state = Z_NULL;
  stream->zalloc = Z_NULL;
  return Z_OK;
}

// zlib's own function `name`, the next definition after this executable's.
template <typename Function>
Function zlib_function(const char* name) {
  return reinterpret_cast<Function>(dlsym(RTLD_NEXT, name));
}

}  // namespace

int libdeflate_level(Deflate deflate) { return deflate == Deflate::Fast ? kFastLevel : kSmallLevel; }

ScopedDeflate::ScopedDeflate(Deflate deflate) : m_previous(chosen_level) { chosen_level = libdeflate_level(deflate); }

ScopedDeflate::~ScopedDeflate() { chosen_level = m_previous; }

}  // namespace sanfang::render

// zlib.h's deflateInit is a macro for this function; cairo calls it for every stream it writes.
extern "C" int deflateInit_(z_streamp stream, int level, const char* version, int stream_size) {
  using Init = int (*)(z_streamp, int, const char*, int);
  static const Init zlib_init = sanfang::render::zlib_function<Init>("deflateInit_");
  if (sanfang::render::takes_whole_stream(level) && stream && stream_size == static_cast<int>(sizeof(z_stream))) {
    return sanfang::render::start_whole_stream(stream);
  }
  if (!zlib_init) return Z_STREAM_ERROR;  // cannot happen while zlib is linked; cairo reports it
  return zlib_init(stream, level, version, stream_size);
}

extern "C" int deflate(z_streamp stream, int flush) {
  using Step = int (*)(z_streamp, int);
  static const Step zlib_deflate = sanfang::render::zlib_function<Step>("deflate");
  if (sanfang::render::is_whole_stream(stream)) return sanfang::render::deflate_whole_stream(stream, flush);
  return zlib_deflate ? zlib_deflate(stream, flush) : Z_STREAM_ERROR;
}

extern "C" int deflateEnd(z_streamp stream) {
  using End = int (*)(z_streamp);
  static const End zlib_end = sanfang::render::zlib_function<End>("deflateEnd");
  if (sanfang::render::is_whole_stream(stream)) return sanfang::render::end_whole_stream(stream);
  return zlib_end ? zlib_end(stream) : Z_STREAM_ERROR;
}
