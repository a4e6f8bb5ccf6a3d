#include "pdf_probe.h"

#include "render/compose.h"

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

// Code points starting each line of a laid-out text.
std::vector<gunichar> line_starts(PangoLayout* layout) {
  std::vector<gunichar> starts;
  const char* text = pango_layout_get_text(layout);
  for (GSList* l = pango_layout_get_lines_readonly(layout); l; l = l->next) {
    auto* line = static_cast<PangoLayoutLine*>(l->data);
    starts.push_back(g_utf8_get_char(text + line->start_index));
  }
  return starts;
}

}  // namespace

TEST_CASE("a value that fits is set at the style size on one line", "[compose]") {
  ComposeFixture f;
  auto fitted = f.composer.fit("张三", {0, 0, 100, 20}, "body", Align::Left, Fit::Line, true, "student.name");
  REQUIRE(fitted);
  CHECK(fitted->size == 10);
  CHECK(pango_layout_get_line_count(fitted->layout.get()) == 1);
}

TEST_CASE("a value slightly too wide shrinks but stays on one line", "[compose]") {
  ComposeFixture f;
  // 12 ideographs at 10 pt need 120 pt; the box gives 100 pt.
  auto fitted = f.composer.fit("中华人民共和国教育部监制", {0, 0, 100, 14}, "body", Align::Left, Fit::Line, true, "x");
  REQUIRE(fitted);
  CHECK(fitted->size < 10);
  CHECK(fitted->size >= 7);
  CHECK(pango_layout_get_line_count(fitted->layout.get()) == 1);
  PangoRectangle logical;
  pango_layout_get_extents(fitted->layout.get(), nullptr, &logical);
  CHECK(logical.width / double(PANGO_SCALE) <= 100.01);
}

TEST_CASE("a value too wide even at the floor size wraps at the floor size", "[compose]") {
  ComposeFixture f;
  auto fitted = f.composer.fit("中华人民共和国教育部监制中华人民共和国教育部监制", {0, 0, 100, 40}, "body", Align::Left,
                               Fit::Line, true, "employer.name");
  REQUIRE(fitted);
  CHECK(fitted->size == 7);
  CHECK(pango_layout_get_line_count(fitted->layout.get()) >= 2);
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
    for (gunichar start : line_starts(fitted->layout.get())) {
      INFO("width " << width);
      CHECK(closing.find(static_cast<char32_t>(start)) == std::u32string::npos);
    }
    // The last character of each line (but the last) is not opening punctuation.
    const char* raw = pango_layout_get_text(fitted->layout.get());
    for (GSList* l = pango_layout_get_lines_readonly(fitted->layout.get()); l && l->next; l = l->next) {
      auto* line = static_cast<PangoLayoutLine*>(l->data);
      const char* end = raw + line->start_index + line->length;
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
  PangoLayout* layout = fitted->layout.get();
  REQUIRE(pango_layout_get_line_count(layout) >= 2);
  const char* laid_out = pango_layout_get_text(layout);
  const char* space = std::strstr(laid_out, "\u2009");
  REQUIRE(space != nullptr);  // the ASCII space was made unexpandable
  PangoRectangle pos;
  pango_layout_index_to_pos(layout, static_cast<int>(space - laid_out), &pos);
  CHECK(pos.width / double(PANGO_SCALE) < 5.0);  // a thin space stays thin: under half an em
}

TEST_CASE("characters of GB 2312 come from the small common face and a rarer one from the full face",
          "[compose]") {
  ComposeFixture f;
  CHECK(f.fonts.fonts().common_family_for("Noto Serif CJK SC") == "Noto Serif CJK SC Common");
  // 堃 (U+5803) is a name character outside GB 2312: the common face lacks it, the full face has it.
  auto fitted = f.composer.fit("王堃", {0, 0, 100, 20}, "body", Align::Left, Fit::Line, true, "student.name");
  REQUIRE(fitted);
  std::vector<std::string> families;
  PangoLayoutIter* iter = pango_layout_get_iter(fitted->layout.get());
  do {
    if (PangoLayoutRun* run = pango_layout_iter_get_run_readonly(iter)) {
      PangoFontDescription* described = pango_font_describe(run->item->analysis.font);
      families.emplace_back(pango_font_description_get_family(described));
      pango_font_description_free(described);
    }
  } while (pango_layout_iter_next_run(iter));
  pango_layout_iter_free(iter);
  CHECK(families == std::vector<std::string>{"Noto Serif CJK SC Common", "Noto Serif CJK SC"});
}
