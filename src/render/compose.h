// Compose: fits one text into one box — the "shape and break lines" stage. The output is a
// laid-out PangoLayout plus where to draw it; drawing happens later, once per copy.
//
// Fitting rules (SPEC "The document"): a value too wide for its box is shrunk down to its
// style's floor size, then wrapped at the floor size; a value that still does not fit is an
// Overflow error naming the field — text is never clipped silently. Line breaking is Pango's
// UAX #14, which keeps closing punctuation off line starts and opening punctuation off line ends.
#pragma once

#include "core/result.h"
#include "render/fonts.h"
#include "render/handles.h"
#include "render/layout_spec.h"

#include <string_view>
#include <unordered_map>

namespace sanfang::render {

struct FittedText {
  PangoLayoutPtr layout;
  double x = 0, y = 0;  // where the layout's top-left corner goes, panel coordinates
  double size = 0;      // the font size finally used
};

class Composer {
 public:
  Composer(FontContext& fonts, const LayoutSpec& layout);

  // `field` names the value in errors ("student.name"). Empty text gives an empty layout.
  Result<FittedText> fit(std::string_view text, const Box& box, const std::string& style, Align align, Fit fit,
                         bool vcenter, std::string_view field);

 private:
  const PangoFontDescription* font_for(const std::string& style);
  PangoLayoutPtr new_layout(std::string_view text, const TextStyle& style, Align align);

  FontContext& m_fonts;
  const LayoutSpec& m_layout;
  std::unordered_map<std::string, FontDescriptionPtr> m_font_cache;
};

// Justified CJK text spreads its slack between ideographs only when a line has no expandable
// space (Pango 1.50 justify_words); one ASCII space would take all of it (tech-notes §2.7).
// Spaces in text meant for justification become U+2009 THIN SPACE, which Pango does not expand.
std::string make_spaces_unexpandable(std::string_view text);

}  // namespace sanfang::render
