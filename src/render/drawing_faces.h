// Drawing faces: the faces cairo draws glyphs with, twins of the faces Pango shapes with.
//
// For every glyph new to a PDF, cairo 1.16 looks up the character the glyph stands for in the
// face's (3,1) cmap (cairo-scaled-font-subsets.c _cairo_sub_font_glyph_lookup_unicode →
// cairo-truetype-subset.c _cairo_truetype_index_to_ucs4): it copies the whole subtable (35 KB and
// 3,695 segments for a common face) and scans it linearly — a third of the instructions of one
// agreement. The character only names the glyph in the PDF's ToUnicode map, and the renderer
// gives cairo every run's text and clusters (cairo_show_text_glyphs), which cairo takes when the
// lookup finds nothing. So glyphs are drawn with a twin of each face that has no cmap: the same
// file, mapped copy-on-write, with the cmap's entry removed from its table directory (only the
// directory's page is copied). Glyph ids, outlines and metrics are those Pango shaped with.
//
// A side effect: with no character known, cairo no longer splits a face's Latin glyphs into a
// separate 8-bit font, so a PDF embeds one font per face (smaller, fewer objects).
// Trade-offs: one FreeType face and library per face file per thread (parsed tables, a few
// hundred KB for a full face, made the first time a thread draws with it), the file mapped once
// more (its pages count twice in the resident size), and a reference to every scaled font drawn
// (one per face and size); a glyph new at a size is loaded by FreeType twice, for Pango's extents
// and for drawing. A glyph drawn without text would reach the PDF without a Unicode value (the
// renderer draws none).
#pragma once

#include "render/handles.h"

#include <pango/pango.h>

#include <map>
#include <string>
#include <unordered_map>
#include <utility>

namespace sanfang::render {

class DrawingFaces {
 public:
  DrawingFaces() = default;
  DrawingFaces(const DrawingFaces&) = delete;
  DrawingFaces& operator=(const DrawingFaces&) = delete;

  // The scaled font to draw `font`'s glyphs with: the twin face at the same size and options,
  // or Pango's own scaled font where there is no twin (a collection file, a synthesised style, a
  // file that cannot be mapped). Not thread-safe: one DrawingFaces per thread (FontContext).
  ScaledFontPtr scaled_font_for(PangoFont* font);

 private:
  // The twin of face `index` of `file`; null when there is none.
  cairo_font_face_t* twin(const std::string& file, int index);

  std::map<std::pair<std::string, int>, FontFacePtr> m_twins;
  // Pango's scaled font → the twin at its size; each key is kept referenced by its entry's first.
  std::unordered_map<cairo_scaled_font_t*, std::pair<ScaledFontPtr, ScaledFontPtr>> m_scaled;
};

}  // namespace sanfang::render
