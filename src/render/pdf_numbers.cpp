#include "render/pdf_numbers.h"

#include <charconv>
#include <clocale>
#include <cmath>
#include <cstdarg>
#include <cstddef>
#include <cstring>
#include <optional>

// glibc's fortified vsnprintf (debug/vsnprintf_chk.c): what every call not converted here goes to.
extern "C" int __vsnprintf_chk(char* s, std::size_t maxlen, int flag, std::size_t slen, const char* format,
                               va_list ap) noexcept;

namespace sanfang::render {
namespace {

thread_local int scope_depth = 0;
// Whether this thread's outermost scope began with '.' as the decimal point (see below).
thread_local bool decimal_point_is_dot = false;

// The largest precision and width converted here: cairo asks for at most 18 digits, 10 wide.
constexpr int kMaxPrecision = 40;
constexpr int kMaxWidth = 40;

// One conversion and nothing else, as cairo's printf hands them over: "%d", "%lu", "%04x",
// "%0*x", "%010ld", "%f", "%.3f", "%.*f", ...
struct Conversion {
  char type = 0;         // d, u, x, X or f
  bool is_long = false;  // l
  bool zero_pad = false;  // 0: pad with zeros (after the sign) up to the width
  int width = -1;         // -1 when not given
  bool star_width = false;
  int precision = -1;  // digits after '.', -1 when not given
  bool star_precision = false;
};

// Reads digits or '*' at `p` into `value` (or `star`); false when there are too many.
bool read_number(const char*& p, int& value, bool& star, int limit) {
  if (*p == '*') {
    star = true;
    ++p;
    return true;
  }
  if (*p < '0' || *p > '9') return true;
  value = 0;
  while (*p >= '0' && *p <= '9') {
    value = value * 10 + (*p - '0');
    if (value > limit) return false;
    ++p;
  }
  return true;
}

std::optional<Conversion> plain_conversion(const char* format) {
  if (format[0] != '%') return std::nullopt;
  Conversion c;
  const char* p = format + 1;
  if (*p == '0') {
    c.zero_pad = true;
    ++p;
  }
  if (!read_number(p, c.width, c.star_width, kMaxWidth)) return std::nullopt;
  if (*p == '.') {
    ++p;
    if (*p != '*' && (*p < '0' || *p > '9')) return std::nullopt;  // "%.f": rare, glibc's
    if (!read_number(p, c.precision, c.star_precision, kMaxPrecision)) return std::nullopt;
  }
  if (*p == 'l') {
    c.is_long = true;
    ++p;
  }
  c.type = *p;
  if (c.type == '\0' || p[1] != '\0') return std::nullopt;
  const bool has_width = c.star_width || c.width >= 0;
  const bool has_precision = c.star_precision || c.precision >= 0;
  // A width pads with spaces unless it says '0'; padding with spaces is glibc's.
  if (has_width != c.zero_pad) return std::nullopt;
  switch (c.type) {
    case 'd':
    case 'u':
    case 'x':
    case 'X': return has_precision ? std::nullopt : std::optional(c);  // "%.3d" pads differently
    case 'f': return c.is_long || has_width ? std::nullopt : std::optional(c);
    default: return std::nullopt;
  }
}

// printf's "%f" writes the locale's decimal point; std::to_chars always writes '.'. Checked when a
// scope begins (a renderer does not change locales while it draws).
bool locale_decimal_point_is_dot() {
  const char* point = std::localeconv()->decimal_point;
  return point[0] == '.' && point[1] == '\0';
}

// snprintf's result: `text` truncated to fit `maxlen` with its terminating NUL, and its length.
int deliver(char* s, std::size_t maxlen, const char* text, std::size_t length) {
  if (maxlen > 0) {
    const std::size_t copied = length < maxlen ? length : maxlen - 1;
    std::memcpy(s, text, copied);
    s[copied] = '\0';
  }
  return static_cast<int>(length);
}

// An integer in `base` into [out, end), zero-padded after its sign to `width` characters.
template <typename Integer>
std::to_chars_result integer_chars(char* out, char* end, Integer value, int base, int width) {
  std::to_chars_result written = std::to_chars(out, end, value, base);
  if (written.ec != std::errc() || written.ptr - out >= width) return written;
  const std::ptrdiff_t length = written.ptr - out;
  if (width > end - out) return {end, std::errc::value_too_large};
  char* digits = out + (*out == '-' ? 1 : 0);
  const std::ptrdiff_t zeros = width - length;
  std::memmove(digits + zeros, digits, static_cast<std::size_t>(written.ptr - digits));
  std::memset(digits, '0', static_cast<std::size_t>(zeros));
  return {out + width, std::errc()};
}

// Converts what `c` asks for, read from `args`, into `out`; its length, or nothing when glibc
// must do it.
std::optional<std::size_t> convert(const Conversion& c, va_list args, char* out, std::size_t size) {
  char* const end = out + size;
  std::to_chars_result written{};
  if (c.type == 'f') {
    int precision = c.star_precision ? va_arg(args, int) : c.precision;
    if (precision < 0) precision = 6;  // a negative '*' precision is taken as omitted (C11 7.21.6.1)
    const double value = va_arg(args, double);
    if (precision > kMaxPrecision || !std::isfinite(value) || !decimal_point_is_dot) return std::nullopt;
    written = std::to_chars(out, end, value, std::chars_format::fixed, precision);
  } else {
    const int width = c.star_width ? va_arg(args, int) : c.width;
    if (width > kMaxWidth || (c.star_width && width < 0)) return std::nullopt;  // negative: left-justified
    const int base = c.type == 'd' || c.type == 'u' ? 10 : 16;
    if (c.type == 'd')
      written = c.is_long ? integer_chars(out, end, va_arg(args, long), base, width)
                          : integer_chars(out, end, va_arg(args, int), base, width);
    else
      written = c.is_long ? integer_chars(out, end, va_arg(args, unsigned long), base, width)
                          : integer_chars(out, end, va_arg(args, unsigned), base, width);
    if (c.type == 'X')
      for (char* p = out; p < written.ptr; ++p)
        if (*p >= 'a' && *p <= 'f') *p = static_cast<char>(*p - 'a' + 'A');
  }
  if (written.ec != std::errc()) return std::nullopt;
  return static_cast<std::size_t>(written.ptr - out);
}

}  // namespace

ScopedPdfNumbers::ScopedPdfNumbers() {
  if (scope_depth++ == 0) decimal_point_is_dot = locale_decimal_point_is_dot();
}
ScopedPdfNumbers::~ScopedPdfNumbers() { --scope_depth; }

}  // namespace sanfang::render

// The fortified snprintf cairo calls (glibc debug/snprintf_chk.c): `slen` is the destination's
// size as the compiler knew it, and a `maxlen` beyond it is an overflow glibc reports and aborts
// on, so such a call always goes to glibc.
extern "C" int __snprintf_chk(char* s, std::size_t maxlen, int flag, std::size_t slen, const char* format,
                              ...) noexcept {
  using namespace sanfang::render;
  va_list ap;
  va_start(ap, format);
  if (scope_depth > 0 && maxlen <= slen) {
    if (const auto conversion = plain_conversion(format)) {
      // The longest fixed-point double: 309 integer digits, a sign, a point and the precision.
      char text[320 + kMaxPrecision];
      va_list args;
      va_copy(args, ap);
      const auto length = convert(*conversion, args, text, sizeof text);
      va_end(args);
      if (length) {
        va_end(ap);
        return deliver(s, maxlen, text, *length);
      }
    }
  }
  const int result = __vsnprintf_chk(s, maxlen, flag, slen, format, ap);
  va_end(ap);
  return result;
}
