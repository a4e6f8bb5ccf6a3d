// pdf_deflate.h: cairo's streams deflated at the level a stream's options choose — Fast for a
// document someone waits for, zlib's default for a print file — and zlib unchanged outside.
#include "pdf_probe.h"

#include "render/pdf_deflate.h"
#include "render/renderer.h"

#include <zlib.h>

#include <catch2/catch.hpp>

#include <string>
#include <thread>

using namespace sanfang;
using sanfang::testing::PdfProbe;
using sanfang::testing::RenderFixture;

namespace {

const std::string kText = [] {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "BT /f-0-0 1 Tf <" + std::to_string(i * 7919 % 10007) + "> Tj ET\n";
  return text;
}();

// `kText` deflated by a stream that `init` makes; empty if zlib refuses. No test macros: it also
// runs on a thread of its own.
template <typename Init>
std::string deflated(Init init) {
  z_stream stream{};
  if (init(stream) != Z_OK) return {};
  std::string out(deflateBound(&stream, kText.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(kText.data()));
  stream.avail_in = static_cast<uInt>(kText.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const bool finished = deflate(&stream, Z_FINISH) == Z_STREAM_END;
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return finished ? out : std::string();
}

// Made as cairo makes its streams: deflateInit at zlib's default level.
std::string deflated_as_cairo_asks() {
  return deflated([](z_stream& stream) { return deflateInit(&stream, Z_DEFAULT_COMPRESSION); });
}

// Made by zlib itself at `level` (deflateInit2 is not redirected).
std::string deflated_at(int level) {
  return deflated([level](z_stream& stream) {
    return deflateInit2(&stream, level, Z_DEFLATED, MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  });
}

std::string render_typical(render::Renderer& renderer, render::Deflate deflate) {
  render::StreamOptions options;
  options.deflate = deflate;
  std::string pdf;
  const auto doc = RenderFixture::get().sample("typical");
  REQUIRE(renderer.render(
      std::span(&doc, 1),
      [&pdf](std::string_view bytes) {
        pdf.append(bytes);
        return true;
      },
      options));
  return pdf;
}

}  // namespace

TEST_CASE("a stream asking for zlib's default level gets the level of the scope it is made in, and zlib's default outside",
          "[renderer][deflate]") {
  REQUIRE_FALSE(deflated_at(Z_BEST_SPEED).empty());
  REQUIRE(deflated_at(Z_BEST_SPEED) != deflated_at(Z_DEFAULT_COMPRESSION));
  CHECK(deflated_as_cairo_asks() == deflated_at(Z_DEFAULT_COMPRESSION));
  {
    const render::ScopedDeflate fast(render::Deflate::Fast);
    CHECK(deflated_as_cairo_asks() == deflated_at(Z_BEST_SPEED));
    {
      const render::ScopedDeflate small(render::Deflate::Small);
      CHECK(deflated_as_cairo_asks() == deflated_at(Z_DEFAULT_COMPRESSION));
    }
    CHECK(deflated_as_cairo_asks() == deflated_at(Z_BEST_SPEED));
    // The choice is this thread's: another thread's streams keep zlib's default.
    std::string elsewhere;
    std::thread([&elsewhere] { elsewhere = deflated_as_cairo_asks(); }).join();
    CHECK(elsewhere == deflated_at(Z_DEFAULT_COMPRESSION));
  }
  CHECK(deflated_as_cairo_asks() == deflated_at(Z_DEFAULT_COMPRESSION));
}

TEST_CASE("a fast document holds the same pages as a small one in a few more bytes, and leaves later files as they were",
          "[renderer][deflate]") {
  auto renderer = RenderFixture::get().renderer();
  const std::string small_before = render_typical(*renderer, render::Deflate::Small);
  const std::string fast = render_typical(*renderer, render::Deflate::Fast);
  const std::string small_after = render_typical(*renderer, render::Deflate::Small);

  CHECK(small_after == small_before);
  CHECK(fast.size() > small_before.size());
  CHECK(fast.size() < small_before.size() * 105 / 100);
  CHECK(render_typical(*renderer, render::Deflate::Fast) == fast);  // reproducible too

  const PdfProbe fast_probe(fast), small_probe(small_before);
  REQUIRE(fast_probe.valid());
  REQUIRE(fast_probe.pages() == small_probe.pages());
  for (int page = 1; page <= fast_probe.pages(); ++page) {
    CHECK(fast_probe.text(page) == small_probe.text(page));
    CHECK(fast_probe.dark_fraction(page, 128) == small_probe.dark_fraction(page, 128));
  }
  const auto check = testing::qpdf_check(fast);
  INFO(check.output);
  CHECK(check.exit_status == 0);
}
