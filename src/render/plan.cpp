#include "render/plan.h"

#include "render/document.h"
#include "render/text_template.h"

#include <algorithm>

namespace sanfang::render {

namespace {

// Per-copy properties: {copy.label}, {copy.number}, {party.student}, and {copy.reprint}, the
// 补打 mark — the only one that depends on the agreement (how often that copy was printed).
bool is_per_copy(std::string_view name) {
  return name.rfind("copy.", 0) == 0 || name.rfind("party.", 0) == 0;
}

bool is_copy_or_party(std::string_view name) { return is_per_copy(name) && name != kReprintPlaceholder; }

Status check_placeholders(const std::vector<std::string>& names, const std::string& path) {
  for (const auto& name : names) {
    if (!is_per_copy(name) && !is_document_path(name)) {
      return Error::invalid(path, "layout: unknown placeholder {" + name + "}");
    }
  }
  return {};
}

Status collect(const std::vector<Block>& blocks, int panel, const std::string& path, LayoutPlan& plan) {
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const Block& block = blocks[i];
    const std::string block_path = path + "[" + std::to_string(i) + "]";
    auto add_text = [&](const Box& box, const std::string& style, const std::string& text, Align align, Fit fit,
                        bool vcenter, const std::string& label) -> Status {
      auto names = TRY(template_placeholders(text));
      TRY(check_placeholders(names, block_path));
      if (is_static_template(names)) return {};
      DynamicText d{panel, box, style, text, align, fit, vcenter};
      d.per_copy = std::any_of(names.begin(), names.end(), is_per_copy);
      d.field = label;
      if (d.field.empty()) d.field = *std::find_if_not(names.begin(), names.end(), is_copy_or_party);
      plan.texts.push_back(std::move(d));
      return {};
    };
    switch (block.kind) {
      case Block::Kind::Text:
        TRY(add_text(block.text.box, block.text.style, block.text.text, block.text.align, block.text.fit,
                     block.text.vcenter, block.text.label));
        break;
      case Block::Kind::Paragraphs:
        for (const auto& item : block.paragraphs.items) {
          auto names = TRY(template_placeholders(item));
          if (!is_static_template(names)) return Error::invalid(block_path, "layout: paragraphs are static text");
        }
        break;
      case Block::Kind::Grid:
        for (const auto& cell : grid_cells(block.grid)) {
          // Labels and section headings are static art: only copy and party properties.
          const std::string& fixed_text = !cell.cell ? cell.row->section : cell.cell->label;
          auto fixed_names = TRY(template_placeholders(fixed_text));
          if (!is_static_template(fixed_names)) {
            return Error::invalid(block_path, "layout: grid labels and sections may name only {copy.*} and {party.*}");
          }
          if (!cell.cell || cell.cell->value.empty()) continue;
          const double pad = block.grid.padding;
          Box inner{cell.box.x + pad, cell.box.y + pad / 2, cell.box.w - 2 * pad, cell.box.h - pad};
          const std::string& style = cell.cell->style.empty() ? block.grid.value_style : cell.cell->style;
          TRY(add_text(inner, style, cell.cell->value, cell.cell->align, cell.cell->fit, true, {}));
        }
        break;
      case Block::Kind::Qr: plan.qrs.push_back({panel, block.qr.box}); break;
      case Block::Kind::Line:
      case Block::Kind::Rect: break;
    }
  }
  return {};
}

}  // namespace

std::vector<GridCellBox> grid_cells(const GridBlock& grid) {
  std::vector<GridCellBox> cells;
  double total_width = 0;
  for (double w : grid.columns) total_width += w;
  double y = grid.y;
  for (const auto& row : grid.rows) {
    if (!row.section.empty()) {
      cells.push_back({{grid.x, y, total_width, row.height}, nullptr, &row});
    } else {
      double x = grid.x;
      std::size_t column = 0;
      for (const auto& cell : row.cells) {
        double w = 0;
        for (int s = 0; s < cell.span; ++s) w += grid.columns[column++];
        cells.push_back({{x, y, w, row.height}, &cell, &row});
        x += w;
      }
    }
    y += row.height;
  }
  return cells;
}

bool is_static_template(const std::vector<std::string>& placeholders) {
  return std::all_of(placeholders.begin(), placeholders.end(), is_copy_or_party);
}

Result<LayoutPlan> make_plan(const LayoutSpec& layout) {
  LayoutPlan plan;
  for (const auto& panel : layout.panels) {
    TRY(collect(panel.blocks, panel.number, "$.panels." + std::to_string(panel.number), plan));
  }
  TRY(collect(layout.every_panel, 0, "$.every_panel", plan));
  return plan;
}

}  // namespace sanfang::render
