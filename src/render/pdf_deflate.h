// How hard zlib works on a PDF's streams. cairo 1.16 deflates every stream it writes (page
// contents, forms, images, font programs) at zlib's default level — cairo-deflate-stream.c calls
// deflateInit(..., Z_DEFAULT_COMPRESSION) — and has no setting for it. This module defines
// zlib's deflateInit_ in the executable (exported to the dynamic symbol table, so cairo's calls
// resolve here first) and passes a call with the default level on at the level chosen for the
// current thread, or unchanged when none is chosen: other zlib users, and cairo outside a
// ScopedDeflate, see zlib as it is.
//
// Trade-off (samples/typical.json, one agreement): Fast (Z_BEST_SPEED) takes ~17 % less time
// than zlib's default and writes ~2 % more bytes (122.9 vs 120.4 KB) — deflate is nearly half of
// one agreement's time, most of it on the font programs, which compress by under 20 % at any
// level. In a print job deflate is a smaller share (Fast: ~4 % less time, ~1.4 % more bytes for
// thousands of agreements kept on disk), so print jobs keep zlib's default.
#pragma once

namespace sanfang::render {

enum class Deflate {
  Fast,   // Z_BEST_SPEED: documents someone is waiting for (downloads, previews)
  Small,  // zlib's default level: print jobs
};

// While alive, the streams cairo opens on this thread are deflated as `deflate` says. Scopes
// nest; each restores what was chosen before it.
class ScopedDeflate {
 public:
  explicit ScopedDeflate(Deflate deflate);
  ~ScopedDeflate();
  ScopedDeflate(const ScopedDeflate&) = delete;
  ScopedDeflate& operator=(const ScopedDeflate&) = delete;

 private:
  int m_previous;
};

}  // namespace sanfang::render
