#include "render/art.h"

#include "render/plan.h"
#include "render/text_template.h"


#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>

namespace sanfang::render {

namespace {

std::optional<std::string> copy_property(std::string_view name, const LayoutSpec& layout, const CopySpec& copy) {
  if (name == "copy.label") return copy.label;
  if (name == "copy.number") return std::to_string(copy.number);
  if (name.rfind("party.", 0) == 0) {
    auto it = layout.parties.find(std::string(name.substr(6)));
    if (it != layout.parties.end()) return it->second;
  }
  return std::nullopt;
}

SurfacePtr new_recording(double width, double height) {
  cairo_rectangle_t extents{0, 0, width, height};
  return SurfacePtr(cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &extents));
}

void set_color(cairo_t* cr, const Rgb& c) { cairo_set_source_rgb(cr, c.r, c.g, c.b); }

// Rules are filled outlines, not strokes: a PDF fill and a butt-capped, mitred stroke of the same
// outline print the same, but cairo's PDF surface works out a stroke's exact extents by turning
// it into a polygon every time a page that paints the static art is analysed (once per page),
// while a fill's extents are its path's bounds (9 % fewer instructions drawing a batch). Paths go
// with the nonzero rule, so frames and lines that overlap stay solid. The cost: viewers snap
// strokes, not fills, to whole pixels, so on screen at low zoom a 0.5 pt rule can look lighter
// (as TeX's rules, also fills, do); on paper nothing changes.

using Span = std::pair<long long, long long>;  // from, to: thousandths of a point

// Cells that meet share an edge exactly only up to rounding: edges are compared in thousandths.
long long thousandths(double points) { return std::llround(points * 1000); }

// The spans along one line, merged where they touch or overlap.
std::vector<Span> merged(std::vector<Span> spans) {
  std::sort(spans.begin(), spans.end());
  std::vector<Span> out;
  for (const Span& span : spans) {
    if (!out.empty() && span.first <= out.back().second) out.back().second = std::max(out.back().second, span.second);
    else out.push_back(span);
  }
  return out;
}

// What stroking the outline of every box with a mitred line `width` wide paints, as one strip per
// run of collinear edges, each reaching width/2 past its ends (the corners the joins cover). A
// table's full-width rule is one rectangle instead of a side of every cell it bounds, so the path
// is smaller than the cells' outlines.
void add_outline_rules_path(cairo_t* cr, const std::vector<Box>& boxes, double width) {
  std::map<long long, std::vector<Span>> across, down;  // by y: spans of x; by x: spans of y
  for (const Box& box : boxes) {
    const long long x1 = thousandths(box.x), x2 = thousandths(box.x + box.w);
    const long long y1 = thousandths(box.y), y2 = thousandths(box.y + box.h);
    across[y1].push_back({x1, x2});
    across[y2].push_back({x1, x2});
    down[x1].push_back({y1, y2});
    down[x2].push_back({y1, y2});
  }
  const double h = width / 2;
  for (const auto& [y, spans] : across) {
    for (const auto& [from, to] : merged(spans)) cairo_rectangle(cr, from / 1000.0 - h, y / 1000.0 - h, (to - from) / 1000.0 + width, width);
  }
  for (const auto& [x, spans] : down) {
    for (const auto& [from, to] : merged(spans)) cairo_rectangle(cr, x / 1000.0 - h, from / 1000.0 - h, width, (to - from) / 1000.0 + width);
  }
}

// The quadrilateral a butt-capped stroke of `width` along the segment paints.
void add_line_path(cairo_t* cr, double x1, double y1, double x2, double y2, double width) {
  const double length = std::hypot(x2 - x1, y2 - y1);
  if (length == 0) return;
  const double nx = -(y2 - y1) / length * width / 2, ny = (x2 - x1) / length * width / 2;
  cairo_move_to(cr, x1 + nx, y1 + ny);
  cairo_line_to(cr, x2 + nx, y2 + ny);
  cairo_line_to(cr, x2 - nx, y2 - ny);
  cairo_line_to(cr, x1 - nx, y1 - ny);
  cairo_close_path(cr);
}

// Static art is recorded in two layers so that the three copies share what they have in
// common: the shared layer (black text, grid labels, terms — most of the ink, recorded once per
// panel) and the copy layer (anything in the copy's accent colour or naming {copy.*}, recorded
// per copy). A one-agreement PDF then embeds the terms once instead of three times.
enum class Layer { Shared, Copy };

bool names_copy(const std::string& text) {
  auto names = template_placeholders(text);
  return names && std::any_of(names->begin(), names->end(), [](const std::string& n) { return n.rfind("copy.", 0) == 0; });
}

class PanelRecorder {
 public:
  PanelRecorder(Composer& composer, const LayoutSpec& layout, const CopySpec& copy, Layer layer, cairo_t* cr)
      : m_composer(composer), m_layout(layout), m_copy(copy), m_layer(layer), m_cr(cr) {}

  Status draw(const std::vector<Block>& blocks, const std::string& path) {
    for (std::size_t i = 0; i < blocks.size(); ++i) {
      TRY(draw(blocks[i], path + "[" + std::to_string(i) + "]"));
    }
    return {};
  }

 private:
  Result<std::string> expand(const std::string& text, const std::string& path) {
    auto expanded = expand_template(text, [&](std::string_view name) { return copy_property(name, m_layout, m_copy); });
    if (!expanded) return Error::invalid(path, "layout: " + expanded.error().describe());
    return expanded;
  }

  bool in_layer(const ColorRef& color) const { return color.accent == (m_layer == Layer::Copy); }
  bool in_layer(const ColorRef& color, const std::string& text) const {
    return (color.accent || names_copy(text)) == (m_layer == Layer::Copy);
  }

  Status text(const std::string& raw, const Box& box, const std::string& style, Align align, Fit fit, bool vcenter,
              const std::string& path) {
    auto names = TRY(template_placeholders(raw));
    if (!is_static_template(names)) return {};  // drawn per agreement
    if (!in_layer(m_layout.styles.at(style).color, raw)) return {};
    const std::string text = TRY(expand(raw, path));
    auto fitted = m_composer.fit(text, box, style, align, fit, vcenter, path);
    if (!fitted) return Error::invalid(path, "layout: static text does not fit: " + fitted.error().message);
    draw_fitted(m_cr, *fitted, resolve_color(m_layout.styles.at(style).color, m_copy));
    return {};
  }

  Status paragraphs(const ParagraphsBlock& block, const std::string& path) {
    const TextStyle& style = m_layout.styles.at(block.style);
    bool any_copy = std::any_of(block.items.begin(), block.items.end(), names_copy);
    if ((style.color.accent || any_copy) != (m_layer == Layer::Copy)) return {};
    // Lay every item out with unbounded height, then stack; too tall in total is a layout error.
    Box unbounded{block.box.x, 0, block.box.w, 1e6};
    double y = block.box.y;
    for (const auto& item : block.items) {
      const std::string text = TRY(expand(item, path));
      auto fitted = TRY(m_composer.fit(text, unbounded, block.style, Align::Justify, Fit::Wrap, false, path));
      fitted.y = y;
      y += fitted.height + block.gap;
      if (y - block.gap > block.box.y + block.box.h) {
        return Error::invalid(path, "layout: paragraphs overflow their box");
      }
      draw_fitted(m_cr, fitted, resolve_color(style.color, m_copy));
    }
    return {};
  }

  Status grid(const GridBlock& g, const std::string& path) {
    const auto cells = grid_cells(g);
    for (const auto& c : cells) {
      std::optional<ColorRef> fill = !c.cell ? g.section_fill : (!c.cell->label.empty() ? g.label_fill : std::nullopt);
      if (fill && in_layer(*fill)) {
        cairo_rectangle(m_cr, c.box.x, c.box.y, c.box.w, c.box.h);
        set_color(m_cr, resolve_color(*fill, m_copy));
        cairo_fill(m_cr);
      }
    }
    if (in_layer(g.rule_color)) {
      std::vector<Box> boxes;
      for (const auto& c : cells) boxes.push_back(c.box);
      add_outline_rules_path(m_cr, boxes, g.rule_width);
      set_color(m_cr, resolve_color(g.rule_color, m_copy));
      cairo_fill(m_cr);
    }
    for (const auto& c : cells) {
      const double pad = g.padding;
      Box inner{c.box.x + pad, c.box.y + pad / 2, c.box.w - 2 * pad, c.box.h - pad};
      if (!c.cell) {
        TRY(text(c.row->section, inner, g.section_style, Align::Left, Fit::Line, true, path));
      } else if (!c.cell->label.empty()) {
        const std::string& style = c.cell->style.empty() ? g.label_style : c.cell->style;
        TRY(text(c.cell->label, inner, style, c.cell->align, c.cell->fit, true, path));
      }
    }
    return {};
  }

  Status draw(const Block& b, const std::string& path) {
    switch (b.kind) {
      case Block::Kind::Text:
        return text(b.text.text, b.text.box, b.text.style, b.text.align, b.text.fit, b.text.vcenter, path);
      case Block::Kind::Paragraphs: return paragraphs(b.paragraphs, path);
      case Block::Kind::Grid: return grid(b.grid, path);
      case Block::Kind::Line:
        if (!in_layer(b.line.color)) return {};
        add_line_path(m_cr, b.line.x1, b.line.y1, b.line.x2, b.line.y2, b.line.width);
        set_color(m_cr, resolve_color(b.line.color, m_copy));
        cairo_fill(m_cr);
        return {};
      case Block::Kind::Rect:
        if (b.rect.fill && in_layer(*b.rect.fill)) {
          cairo_rectangle(m_cr, b.rect.box.x, b.rect.box.y, b.rect.box.w, b.rect.box.h);
          set_color(m_cr, resolve_color(*b.rect.fill, m_copy));
          cairo_fill(m_cr);
        }
        if (b.rect.stroke && in_layer(*b.rect.stroke)) {
          add_outline_rules_path(m_cr, {b.rect.box}, b.rect.width);
          set_color(m_cr, resolve_color(*b.rect.stroke, m_copy));
          cairo_fill(m_cr);
        }
        return {};
      case Block::Kind::Qr: return {};  // per agreement
    }
    return {};
  }

  Composer& m_composer;
  const LayoutSpec& m_layout;
  const CopySpec& m_copy;
  Layer m_layer;
  cairo_t* m_cr;
};

Result<SurfacePtr> record_panel(Composer& composer, const LayoutSpec& layout, const CopySpec& copy, Layer layer,
                                const Panel& panel) {
  SurfacePtr surface = new_recording(layout.panel_width, layout.panel_height);
  CairoPtr cr(cairo_create(surface.get()));
  // The copy layer is the first thing painted on its panel, and starts with the paper's white over
  // the whole panel: nothing changes on paper or on screen, but cairo's PDF surface, which analyses
  // every page by adding each operation's extents to a region (cairo-analysis-surface.c,
  // _add_operation), then finds every later operation on the panel inside a region that is one
  // rectangle, at no cost. Without it the region grows by a rectangle per text and each addition
  // walks it: 3 % of the instructions drawing agreements.
  if (layer == Layer::Copy) {
    cairo_rectangle(cr.get(), 0, 0, layout.panel_width, layout.panel_height);
    cairo_set_source_rgb(cr.get(), 1, 1, 1);
    cairo_fill(cr.get());
  }
  PanelRecorder recorder(composer, layout, copy, layer, cr.get());
  TRY(recorder.draw(panel.blocks, "$.panels." + std::to_string(panel.number)));
  TRY(recorder.draw(layout.every_panel, "$.every_panel"));
  if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) {
    return Error::make(ErrorKind::Render, std::string("recording static art: ") + cairo_status_to_string(cairo_status(cr.get())));
  }
  return surface;
}

Result<SurfacePtr> record_watermark(Composer& composer, const LayoutSpec& layout) {
  SurfacePtr surface = new_recording(layout.sheet_width, layout.sheet_height);
  CairoPtr cr(cairo_create(surface.get()));
  const Watermark& wm = layout.watermark;
  Box unbounded{0, 0, 1e6, 1e6};
  auto fitted = TRY(composer.fit(wm.text, unbounded, wm.style, Align::Left, Fit::Line, false, "$.watermark"));
  // Constant opacity is a PDF graphics-state alpha, not a transparency group: no rasterised
  // fallback regions.
  cairo_set_source_rgba(cr.get(), wm.color.r, wm.color.g, wm.color.b, wm.opacity);
  for (int slot = 0; slot < 2; ++slot) {
    cairo_save(cr.get());
    cairo_translate(cr.get(), (slot + 0.5) * layout.panel_width, layout.panel_height / 2);
    cairo_rotate(cr.get(), wm.angle_degrees * std::numbers::pi / 180);
    draw_glyph_runs(cr.get(), fitted.runs, -fitted.width / 2, -fitted.height / 2);
    cairo_restore(cr.get());
  }
  return surface;
}

SurfacePtr record_marks(const LayoutSpec& layout) {
  SurfacePtr surface = new_recording(layout.sheet_width, layout.sheet_height);
  CairoPtr cr(cairo_create(surface.get()));
  const Marks& m = layout.marks;
  const double w = layout.sheet_width, h = layout.sheet_height, in = m.inset;
  cairo_set_source_rgb(cr.get(), 0, 0, 0);
  // Crop marks: the trim box is the sheet inset by `inset`; at each corner two marks continue
  // its edges outwards, `length` long and ending at the sheet edge, so nothing is drawn inside
  // the trim.
  for (double corner_x : {in, w - in}) {
    for (double corner_y : {in, h - in}) {
      const double out_x = corner_x < w / 2 ? -1 : 1, out_y = corner_y < h / 2 ? -1 : 1;
      add_line_path(cr.get(), corner_x + out_x * (in - m.length), corner_y, corner_x + out_x * in, corner_y, m.width);  // horizontal mark
      add_line_path(cr.get(), corner_x, corner_y + out_y * (in - m.length), corner_x, corner_y + out_y * in, m.width);  // vertical mark
    }
  }
  // Fold marks: dashed ticks (2 pt on, 2 pt off) on the centre line, top and bottom margins.
  for (double top : {0.0, h - in}) {
    for (double y = top; y < top + in; y += 4.0) add_line_path(cr.get(), w / 2, y, w / 2, std::min(y + 2.0, top + in), m.width);
  }
  cairo_fill(cr.get());
  return surface;
}

}  // namespace

Rgb resolve_color(const ColorRef& color, const CopySpec& copy) {
  if (!color.accent) return color.rgb;
  auto lighten = [&](double c) { return c + (1 - c) * color.tint; };
  return {lighten(copy.accent.r), lighten(copy.accent.g), lighten(copy.accent.b)};
}

Result<StaticArt> StaticArt::record(Composer& composer, const LayoutSpec& layout) {
  StaticArt art;
  art.m_layout = &layout;
  for (const auto& panel : layout.panels) {
    // The shared layer holds nothing copy-specific, so any copy can stand in for recording it.
    art.m_shared.push_back(TRY(record_panel(composer, layout, layout.copies.front(), Layer::Shared, panel)));
  }
  for (const auto& copy : layout.copies) {
    std::vector<SurfacePtr> panels;
    for (const auto& panel : layout.panels) {
      panels.push_back(TRY(record_panel(composer, layout, copy, Layer::Copy, panel)));
    }
    art.m_copy_layers.push_back(std::move(panels));
  }
  art.m_watermark = TRY(record_watermark(composer, layout));
  art.m_marks = record_marks(layout);
  return art;
}

std::size_t StaticArt::panel_index(int panel_number) const {
  for (std::size_t i = 0; i < m_layout->panels.size(); ++i) {
    if (m_layout->panels[i].number == panel_number) return i;
  }
  return 0;
}

void StaticArt::paint_panel(cairo_t* cr, std::size_t copy_index, int panel_number) const {
  const std::size_t i = panel_index(panel_number);
  // Copy layer first: it holds the tinted fills the shared labels sit on.
  cairo_set_source_surface(cr, m_copy_layers[copy_index][i].get(), 0, 0);
  cairo_paint(cr);
  cairo_set_source_surface(cr, m_shared[i].get(), 0, 0);
  cairo_paint(cr);
}

}  // namespace sanfang::render
