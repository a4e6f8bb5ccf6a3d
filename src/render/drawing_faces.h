// Drawing faces: the FreeType faces cairo reads the project's fonts through, whose cmap maps
// nothing.
//
// For every glyph new to a PDF, cairo 1.16 looks up the character the glyph stands for in the
// face's (3,1) cmap (cairo-scaled-font-subsets.c _cairo_sub_font_glyph_lookup_unicode ->
// cairo-truetype-subset.c _cairo_truetype_index_to_ucs4): it copies the whole subtable (35 KB and
// 3,695 segments for a common face) and scans it linearly, a third of the instructions of one
// agreement. The character only names the glyph in the PDF's ToUnicode map, and the renderer
// gives cairo every run's text and clusters (cairo_show_text_glyphs), which cairo takes when the
// lookup finds nothing. So cairo reads each font file through a drawing face: the same file,
// mapped copy-on-write, its cmap overwritten in place by an empty one (only those pages are
// copied). FontSet puts the drawing face into the file's fontconfig patterns (FC_FT_FACE), which
// cairo_ft_font_face_create_for_pattern uses instead of opening the file; Pango shapes and checks
// coverage with HarfBuzz faces of its own over the file, with the real cmap. Glyph ids, outlines
// and metrics are the file's.
//
// Trade-offs: the faces live as long as the process (cairo keeps fonts beyond any FontSet and
// finds its unscaled fonts by the FT_Face pointer, so a face must never be freed and its address
// reused); one face per file, shared by every thread behind cairo's per-face lock, as cairo
// shares a face it opens itself. A glyph drawn without text would reach the PDF without a Unicode
// value (the renderer draws none).
#pragma once

#include <ft2build.h>
#include FT_FREETYPE_H

#include <string>

namespace sanfang::render {

// The drawing face of face `index` of `file`, made on first use; null when there is none (a
// collection file, a file that cannot be mapped or opened): cairo then opens the file itself.
// Thread-safe.
FT_Face drawing_face(const std::string& file, int index);

}  // namespace sanfang::render
