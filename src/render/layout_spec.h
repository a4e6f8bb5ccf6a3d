// LayoutSpec: a layout file (layouts/*.json) as plain data. The renderer is generic over it: a
// school changes wording, positions, copies, colours and party letters without recompiling.
// The file format is documented in layouts/README.md. All lengths here are in PDF points
// (converted from the file's millimetres at load), origin at a panel's top-left corner.
#pragma once

#include "core/result.h"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sanfang::render {

struct Rgb {
  double r = 0, g = 0, b = 0;
};

// A colour reference: a fixed colour, or the copy's accent colour (optionally lightened
// towards white by `tint`, 0 = the accent itself).
struct ColorRef {
  bool accent = false;
  double tint = 0;
  Rgb rgb;
};

struct TextStyle {
  std::string family;  // must be a family of fonts/fonts.json
  bool bold = false;
  double size = 10.5;       // points
  double min_size = 0;      // floor for shrinking values; 0 = the style's size (no shrinking)
  double line_spacing = 1.0;  // multiple of the font's natural line height
  ColorRef color;
};

enum class Align { Left, Center, Right, Justify };
enum class Fit {
  Line,  // one line, shrunk down to the floor size, then wrapped at the floor size
  Wrap,  // wrapped at the style size, shrunk towards the floor size until it fits
};

struct Box {
  double x = 0, y = 0, w = 0, h = 0;
};

// Text whose `{...}` placeholders name copy/party properties ({copy.label}, {copy.number},
// {party.student}) — static per copy — or document values ({serial}, {student.name}) — drawn
// per agreement. `field` is set when the text is exactly one document value.
struct TextBlock {
  Box box;
  std::string style;
  std::string text;
  Align align = Align::Left;
  bool vcenter = true;
  Fit fit = Fit::Line;
  std::string label;  // for error messages: which field of the form (defaults to the placeholder)
};

struct ParagraphsBlock {
  Box box;
  std::string style;
  std::vector<std::string> items;
  double gap = 0;  // extra space between items, points
};

struct LineBlock {
  double x1 = 0, y1 = 0, x2 = 0, y2 = 0;
  double width = 0.5;
  ColorRef color;
};

struct RectBlock {
  Box box;
  double width = 0.5;
  std::optional<ColorRef> stroke;
  std::optional<ColorRef> fill;
};

struct GridCell {
  int span = 1;
  std::string label;  // static text
  std::string value;  // template with document placeholders, e.g. "{student.name}"
  std::string style;  // overrides the grid's label/value style
  Align align = Align::Left;
  Fit fit = Fit::Line;
};

struct GridRow {
  double height = 0;
  std::string section;  // a full-width section heading row when non-empty
  std::vector<GridCell> cells;
};

struct GridBlock {
  double x = 0, y = 0;
  std::vector<double> columns;
  std::vector<GridRow> rows;
  std::string label_style, value_style, section_style;
  double padding = 2;
  double rule_width = 0.5;
  ColorRef rule_color;
  std::optional<ColorRef> label_fill, section_fill;
};

struct QrBlock {
  Box box;  // square; the symbol (with its 4-module quiet zone) fills w
};

struct Block {
  enum class Kind { Text, Paragraphs, Line, Rect, Grid, Qr } kind = Kind::Text;
  TextBlock text;
  ParagraphsBlock paragraphs;
  LineBlock line;
  RectBlock rect;
  GridBlock grid;
  QrBlock qr;
};

struct Panel {
  int number = 0;  // 1..4 as agreement-form.md numbers them
  std::vector<Block> blocks;
};

struct CopySpec {
  int number = 0;
  std::string label;  // 第一联 学校存
  Rgb accent;
};

struct Watermark {
  std::string text = "预览";
  std::string style;
  double angle_degrees = -35;
  Rgb color{0.75, 0.75, 0.75};
  double opacity = 0.35;
};

struct Marks {
  double inset = 0;   // distance of crop-mark corners from the sheet edge
  double length = 0;  // length of each mark
  double width = 0.25;
};

struct LayoutSpec {
  std::string name;
  std::string version;
  std::string title;  // PDF metadata title
  double sheet_width = 0, sheet_height = 0;
  double panel_width = 0, panel_height = 0;
  // Panels per face, left to right: outside face (odd page), inside face (even page).
  std::vector<int> outside_face, inside_face;
  std::map<std::string, TextStyle> styles;
  std::map<std::string, std::string> parties;  // student -> 乙方, ...
  std::vector<CopySpec> copies;
  std::vector<Panel> panels;
  std::vector<Block> every_panel;  // furniture drawn on every panel (serial, copy label)
  Watermark watermark;
  Marks marks;
  double safe_fold_margin = 0;  // nothing may be placed nearer the fold than this

  const Panel* panel(int number) const;
};

// Loads and checks a layout: unknown keys, unknown styles, blocks outside their panel or within
// the fold margin, and panels missing from the imposition are errors naming the JSON path.
Result<LayoutSpec> load_layout(const std::filesystem::path& file);

}  // namespace sanfang::render
