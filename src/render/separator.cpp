#include "render/separator.h"

#include "render/art.h"

namespace sanfang::render {

namespace {

constexpr std::string_view kField = "separator";
constexpr double kMargin = 20 * 72 / 25.4;  // 20 mm, clear of any printer's unprintable edge
// Large enough to read on a stack of sheets at arm's length.
constexpr double kHeadingSize = 48;
constexpr double kHeadingMinSize = 32;
constexpr double kHeadingHeight = 150;  // points: two lines at 48 pt, three shrunk to 32 pt
constexpr double kLineSize = 22;
constexpr std::string_view kEllipsis = "……";

// The sans family of the font chain: separators are read at a glance across the print room.
std::string sans_family(const FontSet& fonts) {
  for (const auto& face : fonts.faces()) {
    if (face.role == "heading") return face.family;
  }
  return fonts.faces().front().family;
}

TextStyle style(const std::string& family, bool bold, double size, double min_size) {
  TextStyle s;
  s.family = family;
  s.bold = bold;
  s.size = size;
  s.min_size = min_size;
  return s;
}

// Drops lines from the end until a "……" line fits below the last one kept, then adds it.
Status end_with_ellipsis(Composer& composer, const TextStyle& line_style, const Box& box, double bottom,
                         std::vector<FittedText>& front, std::size_t first_line) {
  FittedText ellipsis = TRY(composer.fit(kEllipsis, box, line_style, Align::Left, Fit::Wrap, false, kField));
  while (ellipsis.y + ellipsis.height > bottom && front.size() > first_line) {
    ellipsis.y = front.back().y;
    front.pop_back();
  }
  front.push_back(std::move(ellipsis));
  return {};
}

}  // namespace

Result<std::vector<FittedText>> compose_separator(Composer& composer, const FontSet& fonts, const LayoutSpec& layout,
                                                  const SeparatorSheet& sheet) {
  TRY(fonts.check_coverage(sheet.heading, kField));
  for (const auto& line : sheet.lines) TRY(fonts.check_coverage(line, kField));

  const std::string family = sans_family(fonts);
  const double width = layout.sheet_width - 2 * kMargin;
  const double bottom = layout.sheet_height - kMargin;
  std::vector<FittedText> front;
  const Box heading_box{kMargin, kMargin, width, kHeadingHeight};
  front.push_back(TRY(composer.fit(sheet.heading, heading_box, style(family, true, kHeadingSize, kHeadingMinSize),
                                   Align::Left, Fit::Line, false, kField)));

  // One blank line of the body size between the heading and the lines.
  double y = kMargin + front.back().height + kLineSize;
  const TextStyle line_style = style(family, false, kLineSize, kLineSize);
  const std::size_t first_line = front.size();
  for (const auto& line : sheet.lines) {
    // Unbounded height: a long line wraps, and the page bottom is checked here instead.
    const Box box{kMargin, y, width, 1e6};
    FittedText fitted = TRY(composer.fit(line, box, line_style, Align::Left, Fit::Wrap, false, kField));
    if (y + fitted.height > bottom) {
      TRY(end_with_ellipsis(composer, line_style, box, bottom, front, first_line));
      break;
    }
    y += fitted.height;
    front.push_back(std::move(fitted));
  }
  return front;
}

void draw_separator(cairo_t* cr, const std::vector<FittedText>& front) {
  for (const auto& text : front) draw_fitted(cr, text, Rgb{});
}

}  // namespace sanfang::render
