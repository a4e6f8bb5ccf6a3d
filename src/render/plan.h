// Plan: the "collect" stage. Splits a layout into what is the same for every agreement (static
// art, recorded once per copy and panel) and what each agreement fills in (values, serial, QR).
// Built once per layout; plain data.
#pragma once

#include "core/result.h"
#include "render/layout_spec.h"

#include <string>
#include <string_view>
#include <vector>

namespace sanfang::render {

// A text drawn per agreement: its template names at least one document value.
struct DynamicText {
  int panel = 0;  // 0: drawn on every panel
  Box box;
  std::string style;
  std::string text;  // template
  Align align = Align::Left;
  Fit fit = Fit::Line;
  bool vcenter = true;
  bool per_copy = false;  // also names a copy property, so it is composed once per copy
  std::string field;      // named in errors: the label, or the first document placeholder
};

struct DynamicQr {
  int panel = 0;
  Box box;
};

struct GridCellBox {
  Box box;  // the cell's rectangle
  const GridCell* cell = nullptr;
  const GridRow* row = nullptr;
};

struct LayoutPlan {
  std::vector<DynamicText> texts;
  std::vector<DynamicQr> qrs;
};

// Cell rectangles of a grid, row by row (section rows give one full-width cell with no GridCell).
std::vector<GridCellBox> grid_cells(const GridBlock& grid);

// The placeholder for a copy's reprint mark ("补打（第 2 次）", empty on a first print).
inline constexpr std::string_view kReprintPlaceholder = "copy.reprint";

// True when a template only names copy and party properties ({copy.label}, {party.student}).
bool is_static_template(const std::vector<std::string>& placeholders);

// Collects the dynamic parts; a placeholder that is neither a copy/party property nor a
// document value is an error naming its layout path.
Result<LayoutPlan> make_plan(const LayoutSpec& layout);

}  // namespace sanfang::render
