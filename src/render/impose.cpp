#include "render/impose.h"

namespace sanfang::render {

namespace {

bool on_panel(const DynamicText& d, int panel) { return d.panel == panel || d.panel == 0; }

// cairo tag attributes are single-quoted; escape quote and backslash (tech-notes §2.3).
std::string tag_uri(const std::string& url) {
  std::string escaped;
  for (char c : url) {
    if (c == '\'' || c == '\\') escaped += '\\';
    escaped += c;
  }
  return "uri='" + escaped + "'";
}

}  // namespace

Imposer::Imposer(const LayoutSpec& layout, const LayoutPlan& plan, const StaticArt& art)
    : m_layout(layout), m_plan(plan), m_art(art) {}

void Imposer::remember_shared_values(const ComposedAgreement& composed) {
  for (const auto& panel : m_layout.panels) {
    std::vector<std::string> values;
    for (std::size_t i = 0; i < m_plan.texts.size(); ++i) {
      const DynamicText& d = m_plan.texts[i];
      if (on_panel(d, panel.number) && is_shared_text(m_layout, d)) values.push_back(composed.shared_text[i]);
    }
    PanelValues& recorded = m_shared_values[panel.number];
    if (recorded.recording && recorded.values == values) continue;
    recorded.recording = record_panel_values(composed, panel.number);
    recorded.values = std::move(values);
  }
}

SurfacePtr Imposer::record_panel_values(const ComposedAgreement& composed, int panel) const {
  cairo_rectangle_t extents{0, 0, m_layout.panel_width, m_layout.panel_height};
  SurfacePtr surface(cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &extents));
  CairoPtr recorder(cairo_create(surface.get()));
  for (std::size_t i = 0; i < m_plan.texts.size(); ++i) {
    const DynamicText& d = m_plan.texts[i];
    if (!on_panel(d, panel) || !is_shared_text(m_layout, d) || !composed.texts[i][0]) continue;
    draw_fitted(recorder.get(), *composed.texts[i][0], m_layout.styles.at(d.style).color.rgb);
  }
  return surface;
}

void Imposer::draw_panel(cairo_t* cr, const ComposedAgreement& composed, std::size_t copy_index, int panel,
                         const FaceOptions& options) const {
  const CopySpec& copy = m_layout.copies[copy_index];
  m_art.paint_panel(cr, copy_index, panel);
  cairo_set_source_surface(cr, m_shared_values.at(panel).recording.get(), 0, 0);
  cairo_paint(cr);
  for (std::size_t i = 0; i < m_plan.texts.size(); ++i) {
    const DynamicText& d = m_plan.texts[i];
    if (!on_panel(d, panel) || is_shared_text(m_layout, d)) continue;
    const FittedText* fitted = composed.texts[i][d.per_copy ? copy_index : 0].get();
    if (fitted) draw_fitted(cr, *fitted, resolve_color(m_layout.styles.at(d.style).color, copy));
  }
  const auto& symbols = composed.qr_by_copy[copy_index];
  for (std::size_t q = 0; q < m_plan.qrs.size() && q < symbols.size(); ++q) {
    const DynamicQr& qr = m_plan.qrs[q];
    if (qr.panel != panel) continue;
    // The QR is also a link, for whoever holds the PDF rather than the paper.
    if (options.links) cairo_tag_begin(cr, CAIRO_TAG_LINK, tag_uri(composed.url_by_copy[copy_index]).c_str());
    draw_qr(cr, symbols[q], qr.box.x, qr.box.y, qr.box.w);
    if (options.links) cairo_tag_end(cr, CAIRO_TAG_LINK);
  }
}

void Imposer::draw_face(cairo_t* cr, const ComposedAgreement& composed, std::size_t copy_index,
                        const std::vector<int>& face, const FaceOptions& options) const {
  for (std::size_t slot = 0; slot < face.size(); ++slot) {
    cairo_save(cr);
    cairo_translate(cr, slot * m_layout.panel_width, 0);
    cairo_rectangle(cr, 0, 0, m_layout.panel_width, m_layout.panel_height);
    cairo_clip(cr);
    draw_panel(cr, composed, copy_index, face[slot], options);
    cairo_restore(cr);
  }
  if (options.preview) {
    cairo_set_source_surface(cr, m_art.watermark(), 0, 0);
    cairo_paint(cr);
  }
  cairo_set_source_surface(cr, m_art.marks(), 0, 0);
  cairo_paint(cr);
}

}  // namespace sanfang::render
