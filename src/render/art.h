// Static art: everything of a layout that is the same for every agreement — frames, grid rules
// and labels, headings, terms, signature boxes, copy labels — recorded once per copy and panel
// into cairo recording surfaces. Painted onto a PDF page, each becomes one Form XObject that
// cairo writes once per file however many agreements use it (tech-notes §2.4). This is what
// makes a batch cost a few kilobytes per agreement instead of tens.
#pragma once

#include "core/result.h"
#include "render/compose.h"
#include "render/handles.h"
#include "render/layout_spec.h"

#include <vector>

namespace sanfang::render {

Rgb resolve_color(const ColorRef& color, const CopySpec& copy);

class StaticArt {
 public:
  // Lays out and records every static block; a static text that does not fit is an error naming
  // its layout path, found once here rather than on every render.
  static Result<StaticArt> record(Composer& composer, const LayoutSpec& layout);

  // Paints a panel's static art for one copy at the current origin.
  void paint_panel(cairo_t* cr, std::size_t copy_index, int panel_number) const;
  cairo_surface_t* watermark() const { return m_watermark.get(); }  // one sheet, preview only
  cairo_surface_t* marks() const { return m_marks.get(); }          // one sheet: fold and crop marks

 private:
  std::size_t panel_index(int panel_number) const;

  const LayoutSpec* m_layout = nullptr;
  std::vector<SurfacePtr> m_shared;                     // [index into layout.panels]
  std::vector<std::vector<SurfacePtr>> m_copy_layers;  // [copy][index into layout.panels]
  SurfacePtr m_watermark;
  SurfacePtr m_marks;
};

}  // namespace sanfang::render
