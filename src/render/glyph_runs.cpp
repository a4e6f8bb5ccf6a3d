#include "render/glyph_runs.h"

#include <pango/pangocairo.h>

#include <algorithm>

namespace sanfang::render {

namespace {

// One run's glyphs and clusters, as pangocairo's renderer draws a glyph item (pango 1.50,
// pangocairo-render.c draw_glyph_item / show_text_glyphs): positions accumulate the glyphs'
// advances from the run's origin; every cluster counts the glyphs actually drawn.
GlyphRun read_run(PangoLayoutRun* run, const char* text, int origin_x, int baseline) {
  GlyphRun out;
  out.font.reset(cairo_scaled_font_reference(pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(run->item->analysis.font))));
  const PangoGlyphString* glyphs = run->glyphs;
  out.glyphs.reserve(static_cast<std::size_t>(glyphs->num_glyphs));
  int x_position = 0;
  for (int i = 0; i < glyphs->num_glyphs; ++i) {
    const PangoGlyphInfo& glyph = glyphs->glyphs[i];
    if (glyph.glyph != PANGO_GLYPH_EMPTY && !(glyph.glyph & PANGO_GLYPH_UNKNOWN_FLAG)) {
      out.glyphs.push_back({glyph.glyph, (origin_x + x_position + glyph.geometry.x_offset) / double(PANGO_SCALE),
                            (baseline + glyph.geometry.y_offset) / double(PANGO_SCALE)});
    }
    x_position += glyph.geometry.width;
  }

  out.text.assign(text + run->item->offset, static_cast<std::size_t>(run->item->length));
  out.backward = run->item->analysis.level & 1;
  PangoGlyphItemIter iter;
  for (gboolean more = pango_glyph_item_iter_init_start(&iter, run, text); more;
       more = pango_glyph_item_iter_next_cluster(&iter)) {
    int drawn = out.backward ? iter.start_glyph - iter.end_glyph : iter.end_glyph - iter.start_glyph;
    for (int i = std::min(iter.start_glyph, iter.end_glyph + 1); i < std::max(iter.start_glyph + 1, iter.end_glyph); ++i) {
      const PangoGlyph glyph = glyphs->glyphs[i].glyph;
      if (glyph == PANGO_GLYPH_EMPTY || (glyph & PANGO_GLYPH_UNKNOWN_FLAG)) --drawn;
    }
    out.clusters.push_back({iter.end_index - iter.start_index, drawn});
  }
  return out;
}

}  // namespace

LaidOutText read_glyph_runs(PangoLayout* layout) {
  LaidOutText out;
  const char* text = pango_layout_get_text(layout);
  for (GSList* l = pango_layout_get_lines_readonly(layout); l; l = l->next) {
    const auto* line = static_cast<const PangoLayoutLine*>(l->data);
    out.lines.push_back({line->start_index, line->length});
  }
  PangoLayoutIter* iter = pango_layout_get_iter(layout);
  do {
    PangoLayoutRun* run = pango_layout_iter_get_run_readonly(iter);
    if (!run) continue;  // the end of a line
    PangoRectangle logical;
    pango_layout_iter_get_run_extents(iter, nullptr, &logical);
    out.runs.push_back(read_run(run, text, logical.x, pango_layout_iter_get_baseline(iter)));
  } while (pango_layout_iter_next_run(iter));
  pango_layout_iter_free(iter);
  return out;
}

void draw_glyph_runs(cairo_t* cr, const std::vector<GlyphRun>& runs, double x, double y) {
  std::vector<cairo_glyph_t> placed;
  for (const GlyphRun& run : runs) {
    if (run.glyphs.empty()) continue;
    placed.resize(run.glyphs.size());
    for (std::size_t i = 0; i < run.glyphs.size(); ++i)
      placed[i] = {run.glyphs[i].index, x + run.glyphs[i].x, y + run.glyphs[i].y};
    cairo_set_scaled_font(cr, run.font.get());
    cairo_show_text_glyphs(cr, run.text.data(), static_cast<int>(run.text.size()), placed.data(),
                           static_cast<int>(placed.size()), run.clusters.data(), static_cast<int>(run.clusters.size()),
                           run.backward ? CAIRO_TEXT_CLUSTER_FLAG_BACKWARD : cairo_text_cluster_flags_t(0));
  }
}

}  // namespace sanfang::render
