#include "render/layout_spec.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <set>

namespace sanfang::render {

namespace {

using nlohmann::json;

constexpr double kPointsPerMm = 72.0 / 25.4;

Error layout_error(const std::string& path, const std::string& message) {
  return Error::make(ErrorKind::InvalidInput, "layout: " + message, path);
}

// Reads one JSON object, remembering which keys were consumed so that a misspelt key is an
// error rather than a silently ignored setting.
class ObjectReader {
 public:
  ObjectReader(const json& object, std::string path) : m_object(object), m_path(std::move(path)) {}

  bool has(const char* key) const { return m_object.contains(key); }
  std::string path(const std::string& key) const { return m_path + "." + key; }

  Result<const json*> get(const char* key, json::value_t type, bool required) {
    m_seen.insert(key);
    auto it = m_object.find(key);
    if (it == m_object.end()) {
      if (required) return layout_error(path(key), "missing");
      return static_cast<const json*>(nullptr);
    }
    bool matches = it->type() == type ||
                   (type == json::value_t::number_float && it->is_number());
    if (!matches) return layout_error(path(key), "wrong type");
    return &*it;
  }
  Result<std::string> string(const char* key, bool required = true, std::string fallback = {}) {
    const json* v = TRY(get(key, json::value_t::string, required));
    return v ? v->get<std::string>() : fallback;
  }
  Result<double> number(const char* key, bool required = true, double fallback = 0) {
    const json* v = TRY(get(key, json::value_t::number_float, required));
    return v ? v->get<double>() : fallback;
  }
  Result<double> mm(const char* key, bool required = true, double fallback_mm = 0) {
    return TRY(number(key, required, fallback_mm)) * kPointsPerMm;
  }
  Result<bool> boolean(const char* key, bool fallback) {
    const json* v = TRY(get(key, json::value_t::boolean, false));
    return v ? v->get<bool>() : fallback;
  }
  Result<const json*> array(const char* key, bool required = true) {
    return get(key, json::value_t::array, required);
  }
  Result<const json*> object(const char* key, bool required = true) {
    return get(key, json::value_t::object, required);
  }
  Status finish() const {
    for (auto it = m_object.begin(); it != m_object.end(); ++it) {
      if (!m_seen.count(it.key())) return layout_error(path(it.key()), "unknown key");
    }
    return {};
  }

 private:
  const json& m_object;
  std::string m_path;
  std::set<std::string> m_seen;
};

Result<ObjectReader> reader_for(const json& value, const std::string& path) {
  if (!value.is_object()) return layout_error(path, "must be an object");
  return ObjectReader(value, path);
}

Result<Rgb> parse_hex(const std::string& text, const std::string& path) {
  if (text.size() != 7 || text[0] != '#' ||
      text.find_first_not_of("0123456789abcdefABCDEF", 1) != std::string::npos) {
    return layout_error(path, "colour must be #RRGGBB");
  }
  auto channel = [&](int i) { return std::stoi(text.substr(1 + 2 * i, 2), nullptr, 16) / 255.0; };
  return Rgb{channel(0), channel(1), channel(2)};
}

// "#RRGGBB", "accent" or "accent:0.85" (0.85 of the way to white).
Result<ColorRef> parse_color(const std::string& text, const std::string& path) {
  ColorRef color;
  if (text.rfind("accent", 0) == 0) {
    color.accent = true;
    if (text.size() > 6) {
      if (text[6] != ':') return layout_error(path, "colour must be accent or accent:TINT");
      try {
        color.tint = std::stod(text.substr(7));
      } catch (const std::exception&) {
        return layout_error(path, "tint must be a number");
      }
      if (color.tint < 0 || color.tint > 1) return layout_error(path, "tint must be in [0, 1]");
    }
    return color;
  }
  color.rgb = TRY(parse_hex(text, path));
  return color;
}

Result<std::optional<ColorRef>> optional_color(ObjectReader& r, const char* key) {
  auto text = TRY(r.string(key, false));
  if (text.empty()) return std::optional<ColorRef>();
  return std::optional<ColorRef>(TRY(parse_color(text, r.path(key))));
}

Result<Align> parse_align(const std::string& text, const std::string& path) {
  if (text.empty() || text == "left") return Align::Left;
  if (text == "center") return Align::Center;
  if (text == "right") return Align::Right;
  if (text == "justify") return Align::Justify;
  return layout_error(path, "align must be left, center, right or justify");
}

Result<Fit> parse_fit(const std::string& text, const std::string& path) {
  if (text.empty() || text == "line") return Fit::Line;
  if (text == "wrap") return Fit::Wrap;
  return layout_error(path, "fit must be line or wrap");
}

Result<Box> parse_box(ObjectReader& r) {
  Box box;
  box.x = TRY(r.mm("x"));
  box.y = TRY(r.mm("y"));
  box.w = TRY(r.mm("w"));
  box.h = TRY(r.mm("h"));
  if (box.w <= 0 || box.h <= 0) return layout_error(r.path("w"), "box must have a positive size");
  return box;
}

Result<std::vector<std::string>> string_array(const json& array, const std::string& path) {
  std::vector<std::string> out;
  for (size_t i = 0; i < array.size(); ++i) {
    if (!array[i].is_string()) return layout_error(path + "[" + std::to_string(i) + "]", "must be a string");
    out.push_back(array[i].get<std::string>());
  }
  return out;
}

Result<GridBlock> parse_grid(ObjectReader& r) {
  GridBlock grid;
  grid.x = TRY(r.mm("x"));
  grid.y = TRY(r.mm("y"));
  grid.label_style = TRY(r.string("label_style"));
  grid.value_style = TRY(r.string("value_style"));
  grid.section_style = TRY(r.string("section_style"));
  grid.padding = TRY(r.mm("padding", false, 1.5));
  grid.rule_width = TRY(r.number("rule_width", false, 0.5));
  grid.rule_color = TRY(parse_color(TRY(r.string("rule_color", false, "#000000")), r.path("rule_color")));
  grid.label_fill = TRY(optional_color(r, "label_fill"));
  grid.section_fill = TRY(optional_color(r, "section_fill"));
  const json* columns = TRY(r.array("columns"));
  for (const auto& c : *columns) {
    if (!c.is_number() || c.get<double>() <= 0) return layout_error(r.path("columns"), "widths must be positive numbers");
    grid.columns.push_back(c.get<double>() * kPointsPerMm);
  }
  const json* rows = TRY(r.array("rows"));
  for (size_t i = 0; i < rows->size(); ++i) {
    const std::string row_path = r.path("rows") + "[" + std::to_string(i) + "]";
    auto row_reader = TRY(reader_for((*rows)[i], row_path));
    GridRow row;
    row.height = TRY(row_reader.mm("h"));
    row.section = TRY(row_reader.string("section", false));
    const json* cells = TRY(row_reader.array("cells", row.section.empty()));
    int spanned = 0;
    if (cells) {
      for (size_t j = 0; j < cells->size(); ++j) {
        const std::string cell_path = row_path + ".cells[" + std::to_string(j) + "]";
        auto cr = TRY(reader_for((*cells)[j], cell_path));
        GridCell cell;
        cell.span = static_cast<int>(TRY(cr.number("span", false, 1)));
        cell.label = TRY(cr.string("label", false));
        cell.value = TRY(cr.string("value", false));
        cell.style = TRY(cr.string("style", false));
        // Labels read best centred in their cells; values start at the left.
        const std::string align = TRY(cr.string("align", false, cell.label.empty() ? "left" : "center"));
        cell.align = TRY(parse_align(align, cr.path("align")));
        cell.fit = TRY(parse_fit(TRY(cr.string("fit", false)), cr.path("fit")));
        TRY(cr.finish());
        if (cell.span < 1) return layout_error(cell_path, "span must be at least 1");
        if (!cell.label.empty() && !cell.value.empty()) return layout_error(cell_path, "a cell has a label or a value, not both");
        spanned += cell.span;
        row.cells.push_back(std::move(cell));
      }
      if (spanned != static_cast<int>(grid.columns.size())) {
        return layout_error(row_path, "cells span " + std::to_string(spanned) + " columns, grid has " +
                                          std::to_string(grid.columns.size()));
      }
    }
    TRY(row_reader.finish());
    grid.rows.push_back(std::move(row));
  }
  return grid;
}

Result<Block> parse_block(const json& value, const std::string& path) {
  auto r = TRY(reader_for(value, path));
  const std::string type = TRY(r.string("type"));
  Block block;
  if (type == "text") {
    block.kind = Block::Kind::Text;
    block.text.box = TRY(parse_box(r));
    block.text.style = TRY(r.string("style"));
    block.text.text = TRY(r.string("text"));
    block.text.label = TRY(r.string("label", false));
    block.text.align = TRY(parse_align(TRY(r.string("align", false)), r.path("align")));
    block.text.fit = TRY(parse_fit(TRY(r.string("fit", false)), r.path("fit")));
    block.text.vcenter = TRY(r.boolean("vcenter", true));
  } else if (type == "paragraphs") {
    block.kind = Block::Kind::Paragraphs;
    block.paragraphs.box = TRY(parse_box(r));
    block.paragraphs.style = TRY(r.string("style"));
    block.paragraphs.gap = TRY(r.mm("gap", false, 0));
    block.paragraphs.items = TRY(string_array(*TRY(r.array("items")), r.path("items")));
  } else if (type == "line") {
    block.kind = Block::Kind::Line;
    block.line.x1 = TRY(r.mm("x1"));
    block.line.y1 = TRY(r.mm("y1"));
    block.line.x2 = TRY(r.mm("x2"));
    block.line.y2 = TRY(r.mm("y2"));
    block.line.width = TRY(r.number("width", false, 0.5));
    block.line.color = TRY(parse_color(TRY(r.string("color", false, "#000000")), r.path("color")));
  } else if (type == "rect") {
    block.kind = Block::Kind::Rect;
    block.rect.box = TRY(parse_box(r));
    block.rect.width = TRY(r.number("width", false, 0.5));
    block.rect.stroke = TRY(optional_color(r, "stroke"));
    block.rect.fill = TRY(optional_color(r, "fill"));
  } else if (type == "grid") {
    block.kind = Block::Kind::Grid;
    block.grid = TRY(parse_grid(r));
  } else if (type == "qr") {
    block.kind = Block::Kind::Qr;
    block.qr.box = TRY(parse_box(r));
  } else {
    return layout_error(r.path("type"), "unknown block type \"" + type + "\"");
  }
  TRY(r.finish());
  return block;
}

Result<std::vector<Block>> parse_blocks(const json& array, const std::string& path) {
  std::vector<Block> blocks;
  for (size_t i = 0; i < array.size(); ++i) {
    blocks.push_back(TRY(parse_block(array[i], path + "[" + std::to_string(i) + "]")));
  }
  return blocks;
}

Result<TextStyle> parse_style(const json& value, const std::string& path) {
  auto r = TRY(reader_for(value, path));
  TextStyle style;
  style.family = TRY(r.string("family"));
  style.bold = TRY(r.boolean("bold", false));
  style.size = TRY(r.number("size"));
  style.min_size = TRY(r.number("min_size", false, style.size));
  style.line_spacing = TRY(r.number("line_spacing", false, 1.0));
  style.color = TRY(parse_color(TRY(r.string("color", false, "#000000")), r.path("color")));
  TRY(r.finish());
  if (style.size <= 0 || style.min_size <= 0 || style.min_size > style.size) {
    return layout_error(path, "size and min_size must be positive, min_size <= size");
  }
  return style;
}

Result<std::vector<int>> face(const json& array, const std::string& path) {
  std::vector<int> panels;
  for (const auto& p : array) {
    if (!p.is_number_integer()) return layout_error(path, "panel numbers must be integers");
    panels.push_back(p.get<int>());
  }
  if (panels.size() != 2) return layout_error(path, "a face holds two panels");
  return panels;
}

// Style names used by a block, for checking they exist.
void collect_styles(const Block& b, std::vector<std::string>& out) {
  switch (b.kind) {
    case Block::Kind::Text: out.push_back(b.text.style); break;
    case Block::Kind::Paragraphs: out.push_back(b.paragraphs.style); break;
    case Block::Kind::Grid:
      out.insert(out.end(), {b.grid.label_style, b.grid.value_style, b.grid.section_style});
      for (const auto& row : b.grid.rows)
        for (const auto& cell : row.cells)
          if (!cell.style.empty()) out.push_back(cell.style);
      break;
    default: break;
  }
}

Box extent(const Block& b) {
  switch (b.kind) {
    case Block::Kind::Text: return b.text.box;
    case Block::Kind::Paragraphs: return b.paragraphs.box;
    case Block::Kind::Rect: return b.rect.box;
    case Block::Kind::Qr: return b.qr.box;
    case Block::Kind::Line:
      return {std::min(b.line.x1, b.line.x2), std::min(b.line.y1, b.line.y2),
              std::abs(b.line.x2 - b.line.x1), std::abs(b.line.y2 - b.line.y1)};
    case Block::Kind::Grid: {
      double w = 0, h = 0;
      for (double c : b.grid.columns) w += c;
      for (const auto& row : b.grid.rows) h += row.height;
      return {b.grid.x, b.grid.y, w, h};
    }
  }
  return {};
}

Status check_blocks(const LayoutSpec& spec, const std::vector<Block>& blocks, const std::string& path,
                    int panel_number) {
  // Which edge of this panel meets the fold: panels on the right of a face have it on the left.
  bool fold_on_left = (spec.outside_face[1] == panel_number || spec.inside_face[1] == panel_number);
  for (size_t i = 0; i < blocks.size(); ++i) {
    const std::string block_path = path + "[" + std::to_string(i) + "]";
    std::vector<std::string> styles;
    collect_styles(blocks[i], styles);
    for (const auto& s : styles) {
      if (!spec.styles.count(s)) return layout_error(block_path, "unknown style \"" + s + "\"");
    }
    Box e = extent(blocks[i]);
    constexpr double kTolerance = 0.01;
    if (e.x < -kTolerance || e.y < -kTolerance || e.x + e.w > spec.panel_width + kTolerance ||
        e.y + e.h > spec.panel_height + kTolerance) {
      return layout_error(block_path, "lies outside the panel");
    }
    // Furniture drawn on every panel (panel 0) meets the fold on both sides.
    const bool left_near = e.x < spec.safe_fold_margin - kTolerance;
    const bool right_near = e.x + e.w > spec.panel_width - spec.safe_fold_margin + kTolerance;
    const bool near_fold = panel_number == 0 ? (left_near || right_near) : (fold_on_left ? left_near : right_near);
    if (near_fold) return layout_error(block_path, "lies within the fold margin");
  }
  return {};
}

}  // namespace

const Panel* LayoutSpec::panel(int number) const {
  for (const auto& p : panels)
    if (p.number == number) return &p;
  return nullptr;
}

Result<LayoutSpec> load_layout(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return Error::make(ErrorKind::Io, "layout file not found: " + file.string());
  json root = json::parse(in, nullptr, false, /*ignore_comments=*/true);
  if (root.is_discarded()) return Error::make(ErrorKind::InvalidInput, "layout is not valid JSON: " + file.string());

  auto r = TRY(reader_for(root, "$"));
  LayoutSpec spec;
  spec.name = TRY(r.string("name"));
  spec.version = TRY(r.string("version"));
  spec.title = TRY(r.string("title"));
  TRY(r.string("description", false));

  auto sheet = TRY(reader_for(*TRY(r.object("sheet")), "$.sheet"));
  spec.sheet_width = TRY(sheet.mm("width"));
  spec.sheet_height = TRY(sheet.mm("height"));
  spec.panel_width = TRY(sheet.mm("panel_width"));
  spec.panel_height = TRY(sheet.mm("panel_height"));
  spec.safe_fold_margin = TRY(sheet.mm("fold_margin"));
  spec.outside_face = TRY(face(*TRY(sheet.array("outside_face")), "$.sheet.outside_face"));
  spec.inside_face = TRY(face(*TRY(sheet.array("inside_face")), "$.sheet.inside_face"));
  TRY(sheet.finish());
  if (std::abs(spec.panel_width * 2 - spec.sheet_width) > 0.5 || std::abs(spec.panel_height - spec.sheet_height) > 0.5) {
    return layout_error("$.sheet", "two panels side by side must fill the sheet");
  }

  const json* styles = TRY(r.object("styles"));
  for (auto it = styles->begin(); it != styles->end(); ++it) {
    spec.styles[it.key()] = TRY(parse_style(it.value(), "$.styles." + it.key()));
  }

  const json* parties = TRY(r.object("parties"));
  for (auto it = parties->begin(); it != parties->end(); ++it) {
    if (!it.value().is_string()) return layout_error("$.parties." + it.key(), "must be a string");
    spec.parties[it.key()] = it.value().get<std::string>();
  }

  const json* copies = TRY(r.array("copies"));
  for (size_t i = 0; i < copies->size(); ++i) {
    const std::string path = "$.copies[" + std::to_string(i) + "]";
    auto cr = TRY(reader_for((*copies)[i], path));
    CopySpec copy;
    copy.number = static_cast<int>(TRY(cr.number("number")));
    copy.label = TRY(cr.string("label"));
    copy.accent = TRY(parse_hex(TRY(cr.string("accent")), path + ".accent"));
    TRY(cr.finish());
    if (copy.number != static_cast<int>(i) + 1) return layout_error(path + ".number", "copies are numbered 1, 2, 3, ... in order");
    spec.copies.push_back(std::move(copy));
  }
  if (spec.copies.empty() || spec.copies.size() > 9) return layout_error("$.copies", "between 1 and 9 copies");

  const json* panels = TRY(r.object("panels"));
  for (auto it = panels->begin(); it != panels->end(); ++it) {
    Panel panel;
    try {
      panel.number = std::stoi(it.key());
    } catch (const std::exception&) {
      return layout_error("$.panels." + it.key(), "panel keys are numbers");
    }
    if (!it.value().is_array()) return layout_error("$.panels." + it.key(), "must be an array of blocks");
    panel.blocks = TRY(parse_blocks(it.value(), "$.panels." + it.key()));
    spec.panels.push_back(std::move(panel));
  }
  for (int n : {spec.outside_face[0], spec.outside_face[1], spec.inside_face[0], spec.inside_face[1]}) {
    if (!spec.panel(n)) return layout_error("$.panels", "panel " + std::to_string(n) + " is imposed but not defined");
  }
  if (spec.panels.size() != 4) return layout_error("$.panels", "a folded A3 sheet has exactly four panels");

  spec.every_panel = TRY(parse_blocks(*TRY(r.array("every_panel")), "$.every_panel"));

  auto wm = TRY(reader_for(*TRY(r.object("watermark")), "$.watermark"));
  spec.watermark.text = TRY(wm.string("text"));
  spec.watermark.style = TRY(wm.string("style"));
  spec.watermark.angle_degrees = TRY(wm.number("angle"));
  spec.watermark.color = TRY(parse_hex(TRY(wm.string("color")), "$.watermark.color"));
  spec.watermark.opacity = TRY(wm.number("opacity"));
  TRY(wm.finish());
  if (!spec.styles.count(spec.watermark.style)) return layout_error("$.watermark.style", "unknown style");

  auto marks = TRY(reader_for(*TRY(r.object("marks")), "$.marks"));
  spec.marks.inset = TRY(marks.mm("inset"));
  spec.marks.length = TRY(marks.mm("length"));
  spec.marks.width = TRY(marks.number("width", false, 0.25));
  TRY(marks.finish());
  TRY(r.finish());

  for (const auto& panel : spec.panels) {
    TRY(check_blocks(spec, panel.blocks, "$.panels." + std::to_string(panel.number), panel.number));
  }
  TRY(check_blocks(spec, spec.every_panel, "$.every_panel", 0));
  return spec;
}

}  // namespace sanfang::render
