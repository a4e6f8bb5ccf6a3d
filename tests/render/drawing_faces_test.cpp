#include "pdf_probe.h"

#include "render/compose.h"

#include <cairo-ft.h>
#include <cairo-pdf.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <glib.h>

#include <catch2/catch.hpp>

#include <cstring>
#include <string>

using namespace sanfang;
using namespace sanfang::render;
using sanfang::testing::FileFace;
using sanfang::testing::RenderFixture;

namespace {

// The project face file with the twin's PostScript name and glyph count.
std::string file_of(FT_Face twin) {
  for (const FontFace& candidate : RenderFixture::get().fonts->faces()) {
    FileFace file(candidate.file.string());
    const char* name = FT_Get_Postscript_Name(file.face);
    if (file.face->num_glyphs == twin->num_glyphs && name && std::strcmp(name, FT_Get_Postscript_Name(twin)) == 0)
      return candidate.file.string();
  }
  FAIL("no project face matches the drawing face " << FT_Get_Postscript_Name(twin));
  return {};
}

// A composer over one body style, as the layout's values are fitted.
struct BodyComposer {
  FontContext fonts{RenderFixture::get().fonts};
  LayoutSpec layout;
  Composer composer{fonts, layout};
  explicit BodyComposer(double size) {
    TextStyle body;
    body.family = "Noto Serif CJK SC";
    body.size = size;
    body.min_size = 7;
    layout.styles["body"] = body;
  }
};

}  // namespace

TEST_CASE("glyphs are drawn with twins of the shaping faces that map no characters, outlines unchanged",
          "[compose][fonts]") {
  BodyComposer body(10);
  // 王 from the common face, 堃 (outside GB 2312) from the full face: both kinds of file.
  auto fitted = body.composer.fit("王堃", {0, 0, 100, 20}, "body", Align::Left, Fit::Line, true, "student.name");
  REQUIRE(fitted);
  REQUIRE(fitted->runs.size() == 2);

  for (const GlyphRun& run : fitted->runs) {
    REQUIRE(run.glyphs.size() == 1);
    const gunichar character = g_utf8_get_char(run.text.c_str());
    FT_Face twin = cairo_ft_scaled_font_lock_face(run.font.get());
    REQUIRE(twin);
    FileFace file(file_of(twin));
    INFO("U+" << std::hex << character);

    // The twin maps no character (cairo's reverse lookup ends at once); the file maps this one
    // to the glyph drawn.
    FT_UInt first = 1;
    FT_Get_First_Char(twin, &first);
    CHECK(first == 0);
    CHECK(FT_Get_Char_Index(twin, character) == 0);
    CHECK(FT_Get_Char_Index(file.face, character) == run.glyphs[0].index);

    // The same glyph program: advance and outline box in font units.
    REQUIRE(FT_Load_Glyph(twin, run.glyphs[0].index, FT_LOAD_NO_SCALE) == 0);
    const FT_Glyph_Metrics drawn = twin->glyph->metrics;
    REQUIRE(FT_Load_Glyph(file.face, run.glyphs[0].index, FT_LOAD_NO_SCALE) == 0);
    const FT_Glyph_Metrics shaped = file.face->glyph->metrics;
    CHECK(drawn.horiAdvance == shaped.horiAdvance);
    CHECK(drawn.width == shaped.width);
    CHECK(drawn.height == shaped.height);
    CHECK(drawn.horiBearingX == shaped.horiBearingX);
    CHECK(drawn.horiBearingY == shaped.horiBearingY);
    cairo_ft_scaled_font_unlock_face(run.font.get());
  }
}

TEST_CASE("a PDF names every glyph drawn with a twin face by the text it was drawn for", "[renderer][fonts]") {
  BodyComposer body(12);
  const std::string text = "王堃 签约 ABC 2026";
  auto fitted = body.composer.fit(text, {0, 0, 400, 30}, "body", Align::Left, Fit::Line, true, "student.name");
  REQUIRE(fitted);

  std::string pdf;
  {
    SurfacePtr surface(cairo_pdf_surface_create_for_stream(
        [](void* closure, const unsigned char* data, unsigned int length) {
          static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
          return CAIRO_STATUS_SUCCESS;
        },
        &pdf, 420, 60));
    CairoPtr cr(cairo_create(surface.get()));
    draw_glyph_runs(cr.get(), fitted->runs, 10, 10);
    cairo_show_page(cr.get());
    cairo_surface_finish(surface.get());
  }
  testing::PdfProbe probe(pdf);
  CHECK(probe.text(1) == testing::strip_whitespace(text));
}
