// How the numbers of a PDF are written. cairo 1.16 writes every number of a PDF — coordinates,
// glyph positions and advances, object numbers, lengths, font data — through its own printf
// (cairo-output-stream.c, _cairo_output_stream_vprintf and _cairo_dtostr), which hands each
// single conversion to the C library: snprintf(buffer, size, "%d", n), "%f" for a double (then
// "%.18f" and "%.*f" for one under 0.1), and so on. cairo is built fortified, so these calls are
// glibc's __snprintf_chk, whose general printf machinery costs ~750 instructions for an integer
// and ~2,300 for a double: 15 % of all instructions drawing agreements.
//
// This module defines __snprintf_chk in the executable (exported to the dynamic symbol table, so
// cairo's calls resolve here first). On a thread inside a ScopedPdfNumbers, a format that is one
// of cairo's plain conversions — an integer (d u x X, l or not, zero-padded to a width or not:
// "%d", "%0*x" for glyph ids, "%010ld" for cross-reference offsets) or a fixed-point double ("%f",
// "%.18f", "%.*f") — is converted with std::to_chars, which C++ ([charconv.to.chars]) defines as
// printf's conversion in the "C" locale with the same precision: the same bytes, correctly
// rounded. Everything else — another thread, no scope, other flags, space padding, another
// conversion, a number that is not finite, a decimal point that is not "." (another LC_NUMERIC
// locale), a destination the fortify check refuses — goes to glibc's __vsnprintf_chk as it came.
//
// Trade-offs:
// - A C library entry point is replaced process-wide; the scope keeps the fast path to cairo's PDF
//   output on render threads, and the tests compare it with glibc on 200,000 doubles in each
//   double format and on the integer formats' edge values.
// - Reproducibility is unchanged: the bytes are the ones glibc would write.
#pragma once

namespace sanfang::render {

// While alive, cairo's number conversions on this thread take the fast path. Scopes nest.
class ScopedPdfNumbers {
 public:
  ScopedPdfNumbers();
  ~ScopedPdfNumbers();
  ScopedPdfNumbers(const ScopedPdfNumbers&) = delete;
  ScopedPdfNumbers& operator=(const ScopedPdfNumbers&) = delete;
};

}  // namespace sanfang::render
