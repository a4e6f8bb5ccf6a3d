// pdf_deflate.h: cairo's streams deflated by libdeflate at the level a stream's options choose —
// Fast for a document someone waits for, Small for a print file — and zlib unchanged outside.
#include "pdf_probe.h"

#include "render/pdf_deflate.h"
#include "render/renderer.h"

#include <libdeflate.h>
#include <zlib.h>

#include <catch2/catch.hpp>

#include <algorithm>
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

// `kText` deflated by a stream that `init` makes, fed as cairo-deflate-stream.c feeds it: 16 KB
// pieces with Z_NO_FLUSH into a buffer of `out_piece` bytes emptied whenever full, then Z_FINISH
// until Z_STREAM_END. Empty if refused. No test macros: it also runs on a thread of its own.
struct Deflated {
  std::string bytes;
  int finish_calls = 0;
  uLong total_in = 0;
};

template <typename Init>
Deflated deflated(Init init, std::size_t out_piece = 16384) {
  constexpr std::size_t kInPiece = 16384;
  Deflated out;
  z_stream stream{};
  if (init(stream) != Z_OK) return {};
  std::string buffer(out_piece, '\0');
  auto drain = [&] {
    out.bytes.append(buffer.data(), out_piece - stream.avail_out);
    stream.next_out = reinterpret_cast<Bytef*>(buffer.data());
    stream.avail_out = static_cast<uInt>(out_piece);
  };
  stream.next_out = reinterpret_cast<Bytef*>(buffer.data());
  stream.avail_out = static_cast<uInt>(out_piece);
  bool failed = false;
  for (std::size_t at = 0; at < kText.size() && !failed; at += kInPiece) {
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(kText.data() + at));
    stream.avail_in = static_cast<uInt>(std::min(kInPiece, kText.size() - at));
    while (stream.avail_in > 0 && !failed) {
      failed = deflate(&stream, Z_NO_FLUSH) != Z_OK;
      if (stream.avail_out == 0) drain();
    }
  }
  int status = Z_OK;
  while (!failed && status != Z_STREAM_END) {
    status = deflate(&stream, Z_FINISH);
    ++out.finish_calls;
    failed = status != Z_OK && status != Z_STREAM_END;
    drain();
  }
  out.total_in = stream.total_in;
  const bool sizes_agree = stream.total_out == out.bytes.size();
  deflateEnd(&stream);
  if (failed || !sizes_agree) return {};
  return out;
}

// Made as cairo makes its streams: deflateInit at zlib's default level.
std::string deflated_as_cairo_asks() {
  return deflated([](z_stream& stream) { return deflateInit(&stream, Z_DEFAULT_COMPRESSION); }).bytes;
}

// Made by zlib itself at `level` (deflateInit2 is not redirected).
std::string deflated_at(int level) {
  return deflated([level](z_stream& stream) {
           return deflateInit2(&stream, level, Z_DEFLATED, MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
         }).bytes;
}

// `kText` deflated by libdeflate itself, in one call, at `level`.
std::string libdeflate_at(int level) {
  libdeflate_compressor* compressor = libdeflate_alloc_compressor(level);
  std::string out(libdeflate_zlib_compress_bound(compressor, kText.size()), '\0');
  out.resize(libdeflate_zlib_compress(compressor, kText.data(), kText.size(), out.data(), out.size()));
  libdeflate_free_compressor(compressor);
  return out;
}

std::string inflated(const std::string& bytes) {
  std::string out(kText.size() * 2, '\0');
  uLongf size = out.size();
  if (uncompress(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(bytes.data()), bytes.size()) != Z_OK)
    return {};
  out.resize(size);
  return out;
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

TEST_CASE("outside any scope a stream made as cairo makes it is zlib's own", "[renderer][deflate]") {
  REQUIRE_FALSE(deflated_at(Z_DEFAULT_COMPRESSION).empty());
  CHECK(deflated_as_cairo_asks() == deflated_at(Z_DEFAULT_COMPRESSION));
}

TEST_CASE("inside a scope a stream made at zlib's default level is libdeflate's at the scope's level, on that thread only",
          "[renderer][deflate]") {
  const std::string fast_bytes = libdeflate_at(render::libdeflate_level(render::Deflate::Fast));
  const std::string small_bytes = libdeflate_at(render::libdeflate_level(render::Deflate::Small));
  REQUIRE(fast_bytes != small_bytes);
  REQUIRE(fast_bytes != deflated_at(Z_BEST_SPEED));
  {
    const render::ScopedDeflate fast(render::Deflate::Fast);
    CHECK(deflated_as_cairo_asks() == fast_bytes);
    {
      const render::ScopedDeflate small(render::Deflate::Small);
      CHECK(deflated_as_cairo_asks() == small_bytes);
    }
    CHECK(deflated_as_cairo_asks() == fast_bytes);
    std::string elsewhere;
    std::thread([&elsewhere] { elsewhere = deflated_as_cairo_asks(); }).join();
    CHECK(elsewhere == deflated_at(Z_DEFAULT_COMPRESSION));
  }
  CHECK(deflated_as_cairo_asks() == deflated_at(Z_DEFAULT_COMPRESSION));
  CHECK(inflated(fast_bytes) == kText);
  CHECK(inflated(small_bytes) == kText);
}

TEST_CASE("inside a scope a stream asking for a level of its own is zlib's", "[renderer][deflate]") {
  const render::ScopedDeflate fast(render::Deflate::Fast);
  const auto own_level = deflated([](z_stream& stream) { return deflateInit(&stream, 9); });
  CHECK(own_level.bytes == deflated_at(9));
}

TEST_CASE("a whole stream hands out its deflated bytes over as many Z_FINISH calls as the output buffer needs",
          "[renderer][deflate]") {
  const render::ScopedDeflate small(render::Deflate::Small);
  const auto roomy = deflated([](z_stream& stream) { return deflateInit(&stream, Z_DEFAULT_COMPRESSION); });
  const auto cramped = deflated([](z_stream& stream) { return deflateInit(&stream, Z_DEFAULT_COMPRESSION); }, 100);
  REQUIRE_FALSE(roomy.bytes.empty());
  CHECK(roomy.finish_calls == 1);
  CHECK(cramped.bytes == roomy.bytes);
  CHECK(cramped.finish_calls == static_cast<int>((roomy.bytes.size() + 99) / 100));
  CHECK(cramped.total_in == kText.size());
}

TEST_CASE("a whole stream refuses what cairo never asks of it, and its end frees it", "[renderer][deflate]") {
  const render::ScopedDeflate fast(render::Deflate::Fast);
  z_stream stream{};
  REQUIRE(deflateInit(&stream, Z_DEFAULT_COMPRESSION) == Z_OK);
  std::string out(1024, '\0');
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(kText.data()));
  stream.avail_in = 10;
  CHECK(deflate(&stream, Z_SYNC_FLUSH) == Z_STREAM_ERROR);
  CHECK(stream.avail_in == 10);  // nothing taken
  REQUIRE(deflate(&stream, Z_NO_FLUSH) == Z_OK);
  REQUIRE(deflate(&stream, Z_FINISH) == Z_STREAM_END);
  stream.avail_in = 10;
  CHECK(deflate(&stream, Z_FINISH) == Z_STREAM_ERROR);  // input after the end
  stream.avail_in = 0;
  CHECK(deflate(&stream, Z_FINISH) == Z_STREAM_END);  // asking again for the end is harmless
  out.resize(stream.total_out);
  CHECK(deflateEnd(&stream) == Z_OK);
  std::string text(10, '\0');
  uLongf size = text.size();
  REQUIRE(uncompress(reinterpret_cast<Bytef*>(text.data()), &size, reinterpret_cast<const Bytef*>(out.data()), out.size()) == Z_OK);
  CHECK(text == kText.substr(0, 10));
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
