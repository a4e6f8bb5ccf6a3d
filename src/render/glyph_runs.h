// Glyph runs: what the "shape and break lines" stage hands on, as plain data — every glyph of a
// fitted text with its font and position, and the text each run stands for. Read once from a
// laid-out PangoLayout (wrapped, justified, aligned); drawn any number of times (once per copy)
// with cairo alone, from any thread: a cairo scaled font is immutable to its users and
// reference-counted, and nothing here points back into Pango.
//
// The text and its clusters go to the PDF with the glyphs (cairo_show_text_glyphs), as
// pango_cairo_show_layout does for a surface that supports it, so the PDF's text can be copied,
// searched and read aloud, ideographs and thin spaces included.
// Trade-off: a copy of the glyph positions and text per fitted text (a few kilobytes for the
// longest term paragraph) in exchange for stages that share nothing mutable.
#pragma once

#include "render/handles.h"

#include <cairo.h>
#include <pango/pango.h>

#include <string>
#include <vector>

namespace sanfang::render {

struct GlyphRun {
  ScaledFontPtr font;
  std::vector<cairo_glyph_t> glyphs;  // positions relative to the text's top-left corner, points
  std::string text;                   // the UTF-8 the glyphs stand for
  std::vector<cairo_text_cluster_t> clusters;
  bool backward = false;  // right-to-left clusters
};

// One line of a laid-out text: a byte range of the text.
struct TextLine {
  int start = 0;
  int length = 0;
};

struct LaidOutText {
  std::vector<GlyphRun> runs;
  std::vector<TextLine> lines;
};

// The runs and lines of `layout`. Glyphs Pango leaves empty (zero-width characters) are not
// drawn; a text whose fonts miss a glyph never gets here (Composer refuses it).
LaidOutText read_glyph_runs(PangoLayout* layout);

// Draws `runs` with their top-left corner at (x, y) in the current source.
void draw_glyph_runs(cairo_t* cr, const std::vector<GlyphRun>& runs, double x, double y);

}  // namespace sanfang::render
