// pdf_numbers.h: inside a ScopedPdfNumbers, the conversions cairo hands to __snprintf_chk are
// done without glibc's printf, and give exactly glibc's bytes and return values.
#include "render/pdf_numbers.h"

#include <cairo-pdf.h>
#include <cairo.h>

#include <catch2/catch.hpp>

#include <climits>
#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <string>
#include <thread>

extern "C" int __snprintf_chk(char* s, std::size_t maxlen, int flag, std::size_t slen, const char* format, ...) noexcept;

using namespace sanfang;

namespace {

// What the call writes into a 512-byte buffer (cairo's size) and returns, as one string.
template <typename... Args>
std::string formatted(const char* format, Args... args) {
  char buffer[512];
  const int length = __snprintf_chk(buffer, sizeof buffer, 1, sizeof buffer, format, args...);
  return std::to_string(length) + ":" + buffer;
}

// The same call with no scope on this thread: glibc's own answer.
template <typename... Args>
std::string glibc_formatted(const char* format, Args... args) {
  std::string out;
  std::thread([&] { out = formatted(format, args...); }).join();
  return out;
}

template <typename... Args>
void check_same_as_glibc(const char* format, Args... args) {
  const std::string glibc = glibc_formatted(format, args...);
  const std::string here = formatted(format, args...);
  INFO(format);
  CHECK(here == glibc);
}

// Doubles as cairo meets them: coordinates, advances and scales of every magnitude, both signs.
std::vector<double> sample_doubles(std::size_t count) {
  std::mt19937_64 random(20261205);
  std::uniform_real_distribution<double> exponent(-12, 12);
  std::vector<double> values;
  values.reserve(count + 64);
  for (std::size_t i = 0; i < count; ++i) {
    const double magnitude = std::pow(10.0, exponent(random));
    values.push_back(i % 2 ? -magnitude : magnitude);
  }
  // Exact binary ties at the last printed digit, which printf rounds to even.
  for (int k = 1; k <= 24; ++k) {
    values.push_back(std::ldexp(1.0, -k));
    values.push_back(std::ldexp(3.0, -k));
    values.push_back(-std::ldexp(5.0, -k));
  }
  for (double v : {0.0, -0.0, 0.5, 1.5, 2.5, 1e22, 1e300, -1e300, 4.9e-324, 0.1, 0.7, 841.89, 1190.55,
                   std::numeric_limits<double>::max()})
    values.push_back(v);
  return values;
}

// Everything glibc writes for `values` with `format`, in one string (compared once: a failure
// shows the first difference, not a million checks).
std::string all_formatted(const char* format, const std::vector<double>& values, int precision = -1) {
  std::string out;
  for (double v : values) out += (precision < 0 ? formatted(format, v) : formatted(format, precision, v)) + "\n";
  return out;
}

std::string glibc_all_formatted(const char* format, const std::vector<double>& values, int precision = -1) {
  std::string out;
  std::thread([&] { out = all_formatted(format, values, precision); }).join();
  return out;
}

}  // namespace

TEST_CASE("cairo's double conversions inside a scope are glibc's, byte for byte, ties rounded to even",
          "[renderer][pdf-numbers]") {
  const auto values = sample_doubles(200000);
  const render::ScopedPdfNumbers numbers;
  CHECK(all_formatted("%f", values) == glibc_all_formatted("%f", values));
  CHECK(all_formatted("%.18f", values) == glibc_all_formatted("%.18f", values));
  for (int precision : {0, 1, 3, 7, 12, 17}) {
    INFO("%.*f with " << precision);
    CHECK(all_formatted("%.*f", values, precision) == glibc_all_formatted("%.*f", values, precision));
  }
  CHECK(formatted("%.3f", 2.0005) == glibc_formatted("%.3f", 2.0005));
  CHECK(formatted("%.*f", -4, 0.25) == "8:0.250000");  // a negative precision is the default's
}

TEST_CASE("cairo's integer conversions inside a scope are glibc's", "[renderer][pdf-numbers]") {
  const render::ScopedPdfNumbers numbers;
  for (int v : {0, 1, -1, -5, 42, 0x1a2b, 65535, INT_MAX, INT_MIN}) {
    check_same_as_glibc("%d", v);
    check_same_as_glibc("%u", static_cast<unsigned>(v));
    check_same_as_glibc("%x", static_cast<unsigned>(v));
    check_same_as_glibc("%X", static_cast<unsigned>(v));
    check_same_as_glibc("%04x", static_cast<unsigned>(v));  // glyph ids of a two-byte font
    check_same_as_glibc("%04X", static_cast<unsigned>(v));
    check_same_as_glibc("%05d", v);
    check_same_as_glibc("%012d", v);
    for (int width : {0, 1, 2, 4, 6, 11})
      check_same_as_glibc("%0*x", width, static_cast<unsigned>(v));  // glyph ids, as wide as the font needs
  }
  for (long v : {0L, -1L, 17L, 1234567890123L, LONG_MAX, LONG_MIN}) {
    check_same_as_glibc("%ld", v);
    check_same_as_glibc("%lu", static_cast<unsigned long>(v));
    check_same_as_glibc("%lx", static_cast<unsigned long>(v));
    check_same_as_glibc("%010ld", v);  // cross-reference offsets
  }
  CHECK(formatted("%d", -7) == "2:-7");
  CHECK(formatted("%05d", -7) == "5:-0007");
  CHECK(formatted("%0*x", 4, 0x2au) == "4:002a");
  CHECK(formatted("%010ld", 12345L) == "10:0000012345");
}

TEST_CASE("formats other than one plain conversion, and numbers that are not finite, are left to glibc",
          "[renderer][pdf-numbers]") {
  const render::ScopedPdfNumbers numbers;
  check_same_as_glibc("%5d", 42);
  check_same_as_glibc("%*d", 6, 42);
  check_same_as_glibc("%0*d", -6, 42);  // a negative width left-justifies
  check_same_as_glibc("%099d", 42);
  check_same_as_glibc("%08f", 1.5);
  check_same_as_glibc("%.3d", 7);
  check_same_as_glibc("%-4u|", 7u);
  check_same_as_glibc("%+f", 1.5);
  check_same_as_glibc("%e", 1.5);
  check_same_as_glibc("%g", 0.0001);
  check_same_as_glibc("%lf", 2.25);
  check_same_as_glibc("%f %f", 1.0, 2.0);
  check_same_as_glibc("x%d", 3);
  check_same_as_glibc("%s", "text");
  check_same_as_glibc("%%");
  check_same_as_glibc("%f", std::numeric_limits<double>::infinity());
  check_same_as_glibc("%f", -std::numeric_limits<double>::quiet_NaN());
  CHECK(formatted("%5d", 42) == "5:   42");
  CHECK(formatted("%f", -std::numeric_limits<double>::infinity()) == "4:-inf");
}

TEST_CASE("a short destination gets glibc's truncation and the full length back", "[renderer][pdf-numbers]") {
  const render::ScopedPdfNumbers numbers;
  for (std::size_t size : {0, 1, 2, 4, 9}) {
    char here[16] = "untouched";
    char glibc[16] = "untouched";
    const int here_length = __snprintf_chk(here, size, 1, sizeof here, "%f", -123.25);
    int glibc_length = 0;
    std::thread([&] { glibc_length = __snprintf_chk(glibc, size, 1, sizeof glibc, "%f", -123.25); }).join();
    INFO("size " << size);
    CHECK(here_length == 11);
    CHECK(here_length == glibc_length);
    CHECK(std::string(here, sizeof here) == std::string(glibc, sizeof glibc));
  }
}

TEST_CASE("cairo writes the same PDF with the scope as without it", "[renderer][pdf-numbers]") {
  // Paths and text at awkward coordinates: every number cairo writes goes through the conversions.
  auto draw = [] {
    std::string pdf;
    cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(
        [](void* closure, const unsigned char* data, unsigned int length) {
          static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
          return CAIRO_STATUS_SUCCESS;
        },
        &pdf, 841.89, 1190.55);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, "2026-12-05T00:00:00");
    cairo_t* cr = cairo_create(surface);
    std::mt19937 random(7);
    std::uniform_real_distribution<double> coordinate(-0.2, 900.0);
    for (int i = 0; i < 400; ++i) {
      cairo_move_to(cr, coordinate(random), coordinate(random));
      cairo_line_to(cr, coordinate(random) / 1000, coordinate(random));
      cairo_curve_to(cr, coordinate(random), coordinate(random), coordinate(random), coordinate(random),
                     coordinate(random), coordinate(random) / 7);
      cairo_set_source_rgba(cr, coordinate(random) / 900, 0.3, 0.123456789, 0.5);
      cairo_set_line_width(cr, coordinate(random) / 3000);
      cairo_stroke(cr);
    }
    cairo_move_to(cr, 100.3333, 200.6667);
    cairo_set_font_size(cr, 10.5);
    cairo_show_text(cr, "tripartite agreement 1073120260000011");
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    cairo_surface_destroy(surface);
    return pdf;
  };
  std::string without;
  std::thread([&] { without = draw(); }).join();
  const render::ScopedPdfNumbers numbers;
  const std::string with = draw();
  REQUIRE(without.size() > 10000);
  CHECK(with == without);
}
