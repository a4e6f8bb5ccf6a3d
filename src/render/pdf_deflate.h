// How a PDF's streams are deflated. cairo 1.16 deflates every stream it writes (page contents,
// forms, images, font programs) through zlib — cairo-deflate-stream.c: deflateInit(...,
// Z_DEFAULT_COMPRESSION), then deflate(Z_NO_FLUSH) per 16 KB and deflate(Z_FINISH), then
// deflateEnd — and has no setting for it. This module defines those three zlib functions in the
// executable (exported to the dynamic symbol table, so cairo's calls resolve here first). A stream
// made at zlib's default level on a thread inside a ScopedDeflate is deflated by libdeflate, whole,
// when it finishes, at the level the scope chose; every other stream — other zlib users, cairo
// outside a scope, a stream asking for a level of its own — goes to zlib as it came.
//
// Why libdeflate: deflate was a third of one agreement's time even at zlib's fastest level, most
// of it on the font programs, which compress by under 20 % at any level. libdeflate compresses a
// whole buffer in one pass, 2–3× faster than zlib's streaming and a little smaller. Measured on
// samples/typical.json (callgrind instructions, and `sanfang bench` medians): one agreement
// −17 % instructions, 122.9 → 121.7 KB; per agreement in a print file −8 %, 11.6 → 11.5 KB.
//
// Trade-offs:
// - Memory: a stream is held whole until it finishes — the input, then its deflated bytes. The
//   largest is a file's font program, a few hundred KB, which cairo holds whole anyway; a print
//   file's pages are separate streams, so this does not grow with the job.
// - Only what cairo does is supported on these streams: Z_NO_FLUSH and Z_FINISH (any other flush
//   is Z_STREAM_ERROR), no dictionary, no parameter changes. A failure to allocate ends the
//   process, as cairo could not report it (its deflate stream ignores zlib's errors).
// - Output is reproducible: the same input gives the same bytes (libdeflate is deterministic).
//
// Levels: Fast (libdeflate 1) for documents someone is waiting for; Small (libdeflate 6) for print
// files kept on disk by the thousand. One agreement: Fast 121.7 KB, Small 120.0 KB.
#pragma once

namespace sanfang::render {

enum class Deflate {
  Fast,   // documents someone is waiting for (downloads, previews)
  Small,  // print jobs
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

// The libdeflate level of each choice, for tests that compare against libdeflate itself.
int libdeflate_level(Deflate deflate);

}  // namespace sanfang::render
