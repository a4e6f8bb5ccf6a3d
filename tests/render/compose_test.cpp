#include "pdf_probe.h"

#include "render/compose.h"

#include <cairo-ft.h>
#include <pango/pango.h>

#include <catch2/catch.hpp>

#include <cstring>

using namespace sanfang;
using namespace sanfang::render;
using sanfang::testing::RenderFixture;

namespace {

struct ComposeFixture {
  FontContext fonts{RenderFixture::get().fonts};
  LayoutSpec layout;
  Composer composer{fonts, layout};
  ComposeFixture() {
    TextStyle body;
    body.family = "Noto Serif CJK SC";
    body.size = 10;
    body.min_size = 7;
    layout.styles["body"] = body;
  }
};

// Code points starting each line of a fitted text.
std::vector<gunichar> line_starts(const FittedText& fitted) {
  std::vector<gunichar> starts;
  for (const TextLine& line : fitted.lines) starts.push_back(g_utf8_get_char(fitted.text.c_str() + line.start));
  return starts;
}

// The advance of the glyph drawn for the character at byte `index` of the fitted text: how far
// the next glyph of its run starts after it.
double advance_at(const FittedText& fitted, std::size_t index) {
  std::size_t run_start = 0;
  for (const GlyphRun& run : fitted.runs) {
    const std::size_t at = fitted.text.find(run.text, run_start);
    REQUIRE(at != std::string::npos);
    run_start = at + run.text.size();
    if (index < at || index >= run_start) continue;
    std::size_t byte = at;
    int glyph = 0;
    for (const cairo_text_cluster_t& cluster : run.clusters) {
      if (index < byte + static_cast<std::size_t>(cluster.num_bytes)) {
        REQUIRE(glyph + 1 < static_cast<int>(run.glyphs.size()));
        return run.glyphs[glyph + 1].x - run.glyphs[glyph].x;
      }
      byte += static_cast<std::size_t>(cluster.num_bytes);
      glyph += cluster.num_glyphs;
    }
  }
  FAIL("no glyph for byte " << index);
  return 0;
}

// How many glyphs the face of each run's font has: the common face (the family name is the full
// face's in its file; fontconfig gives it its own) holds a fraction of the full face's.
std::vector<long> run_face_sizes(const FittedText& fitted) {
  std::vector<long> sizes;
  for (const GlyphRun& run : fitted.runs) {
    FT_Face face = cairo_ft_scaled_font_lock_face(run.font.get());
    REQUIRE(face);
    sizes.push_back(face->num_glyphs);
    cairo_ft_scaled_font_unlock_face(run.font.get());
  }
  return sizes;
}

}  // namespace

TEST_CASE("a value that fits is set at the style size on one line", "[compose]") {
  ComposeFixture f;
  auto fitted = f.composer.fit("张三", {0, 0, 100, 20}, "body", Align::Left, Fit::Line, true, "student.name");
  REQUIRE(fitted);
  CHECK(fitted->size == 10);
  CHECK(fitted->lines.size() == 1);
}

TEST_CASE("a value slightly too wide shrinks but stays on one line", "[compose]") {
  ComposeFixture f;
  // 12 ideographs at 10 pt need 120 pt; the box gives 100 pt.
  auto fitted = f.composer.fit("中华人民共和国教育部监制", {0, 0, 100, 14}, "body", Align::Left, Fit::Line, true, "x");
  REQUIRE(fitted);
  CHECK(fitted->size < 10);
  CHECK(fitted->size >= 7);
  CHECK(fitted->lines.size() == 1);
  CHECK(fitted->width <= 100.01);
}

TEST_CASE("a value too wide even at the floor size wraps at the floor size", "[compose]") {
  ComposeFixture f;
  auto fitted = f.composer.fit("中华人民共和国教育部监制中华人民共和国教育部监制", {0, 0, 100, 40}, "body", Align::Left,
                               Fit::Line, true, "employer.name");
  REQUIRE(fitted);
  CHECK(fitted->size == 7);
  CHECK(fitted->lines.size() >= 2);
}

TEST_CASE("a value that cannot fit even shrunk and wrapped is an overflow naming the field", "[compose]") {
  ComposeFixture f;
  std::string text;
  for (int i = 0; i < 40; ++i) text += "中华人民共和国";
  auto fitted = f.composer.fit(text, {0, 0, 100, 20}, "body", Align::Left, Fit::Line, true, "employer.name");
  REQUIRE_FALSE(fitted);
  CHECK(fitted.error().kind == ErrorKind::Overflow);
  CHECK(fitted.error().field == "employer.name");
}

TEST_CASE("no wrapped line starts with closing punctuation", "[compose][cjk]") {
  ComposeFixture f;
  // Commas and full stops land at every possible line start as the box narrows.
  const std::string text = "甲方应如实介绍本单位情况，乙方应如实介绍本人情况。三方协商一致（见备注）。丙方审核后生效，复印无效。";
  const std::u32string closing = U"，。、；：？！）」』》";
  const std::u32string opening = U"（「『《";
  for (double width = 60; width <= 160; width += 3) {
    auto fitted = f.composer.fit(text, {0, 0, width, 1000}, "body", Align::Justify, Fit::Wrap, false, "x");
    REQUIRE(fitted);
    for (gunichar start : line_starts(*fitted)) {
      INFO("width " << width);
      CHECK(closing.find(static_cast<char32_t>(start)) == std::u32string::npos);
    }
    // The last character of each line (but the last) is not opening punctuation.
    for (std::size_t l = 0; l + 1 < fitted->lines.size(); ++l) {
      const TextLine& line = fitted->lines[l];
      const char* end = fitted->text.c_str() + line.start + line.length;
      gunichar last = g_utf8_get_char(g_utf8_prev_char(end));
      CHECK(opening.find(static_cast<char32_t>(last)) == std::u32string::npos);
    }
  }
}

TEST_CASE("justified CJK text does not pour the line's slack into one ASCII space", "[compose][cjk]") {
  ComposeFixture f;
  const std::string text = "本协议自2026 年签署之日起生效，甲乙丙三方各执一份，具有同等法律效力，复印无效。";
  auto fitted = f.composer.fit(text, {0, 0, 155, 1000}, "body", Align::Justify, Fit::Wrap, false, "x");
  REQUIRE(fitted);
  REQUIRE(fitted->lines.size() >= 2);
  const std::size_t space = fitted->text.find("\u2009");
  REQUIRE(space != std::string::npos);  // the ASCII space was made unexpandable
  CHECK(advance_at(*fitted, space) < 5.0);  // a thin space stays thin: under half an em
}

TEST_CASE("characters of GB 2312 come from the small common face and a rarer one from the full face",
          "[compose]") {
  ComposeFixture f;
  CHECK(f.fonts.fonts().common_family_for("Noto Serif CJK SC") == "Noto Serif CJK SC Common");
  // 堃 (U+5803) is a name character outside GB 2312: the common face lacks it, the full face has it.
  auto fitted = f.composer.fit("王堃", {0, 0, 100, 20}, "body", Align::Left, Fit::Line, true, "student.name");
  REQUIRE(fitted);
  const std::vector<long> sizes = run_face_sizes(*fitted);
  REQUIRE(sizes.size() == 2);
  CHECK(sizes[0] < 20000);     // 王 from the common face (GB 2312 and what the layout prints)
  CHECK(sizes[1] > 40000);     // 堃 from the full face
}
