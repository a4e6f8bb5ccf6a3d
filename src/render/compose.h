// Compose: fits one text into one box — the "shape and break lines" stage. The output is plain
// data (render/glyph_runs.h): positioned glyph runs plus where to draw them; drawing happens
// later, once per copy, and needs nothing of Pango.
//
// Fitting rules (SPEC "The document"): a value too wide for its box is shrunk down to its
// style's floor size, then wrapped at the floor size; a value that still does not fit is an
// Overflow error naming the field — text is never clipped silently. Line breaking is Pango's
// UAX #14, which keeps closing punctuation off line starts and opening punctuation off line ends.
#pragma once

#include "core/result.h"
#include "render/fonts.h"
#include "render/glyph_runs.h"
#include "render/handles.h"
#include "render/layout_spec.h"

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sanfang::render {

struct FittedText {
  std::string text;              // as laid out: a justified text's spaces are thin ones
  std::vector<TextLine> lines;   // in `text`
  std::vector<GlyphRun> runs;    // relative to (x, y)
  double x = 0, y = 0;           // where the text's top-left corner goes, panel coordinates
  double width = 0, height = 0;  // its logical extent
  double size = 0;               // the font size finally used
};

// Draws `text` at its place in `color`.
void draw_fitted(cairo_t* cr, const FittedText& text, const Rgb& color);

class Composer {
 public:
  Composer(FontContext& fonts, const LayoutSpec& layout);

  // `field` names the value in errors ("student.name"). Empty text gives an empty layout.
  Result<FittedText> fit(std::string_view text, const Box& box, const std::string& style, Align align, Fit fit,
                         bool vcenter, std::string_view field);
  // Like fit(), in a style that is not the layout's (a separator sheet's type): set in the
  // style's family with the same rare-character fallbacks.
  Result<FittedText> fit(std::string_view text, const Box& box, const TextStyle& style, Align align, Fit fit,
                         bool vcenter, std::string_view field);

  // Like fit(), for a value that is fitted again for every agreement at the same place: `slot`
  // names that place (the caller numbers its dynamic texts, copy variants included) and the box,
  // style, alignment and fit must be the same on every call for a slot. The slot keeps its
  // PangoLayout and last result, so a value equal to the previous one (the school's fields in a
  // school's batch, the coded values) is neither shaped nor measured again (the same result is
  // handed on), and a changed one reuses the layout object. Trade-off: one live layout per slot
  // for the Composer's lifetime (about 60 for the default layout, a few hundred kilobytes with
  // their glyph runs) instead of some 50 layouts created and freed per agreement. The result is
  // immutable and lives as long as anyone holds it; null for an empty value, which draws nothing.
  Result<std::shared_ptr<const FittedText>> fit_slot(std::size_t slot, std::string_view text, const Box& box,
                                                     const std::string& style, Align align, Fit fit, bool vcenter,
                                                     std::string_view field);

 private:
  struct Slot {
    PangoLayoutPtr layout;
    std::shared_ptr<const FittedText> fitted;
    std::string text;
    bool valid = false;  // false until a fit succeeds, and after one fails
  };

  FontDescriptionPtr make_font(const TextStyle& style) const;
  const PangoFontDescription* font_for(const std::string& style);
  PangoLayoutPtr new_layout(const TextStyle& style, Align align);
  // Fits `text` into `layout`, whose alignment and spacing new_layout() has set for `style`;
  // `font` is make_font(style).
  Result<FittedText> fit_into(PangoLayout* layout, std::string_view text, const Box& box, const TextStyle& style,
                              const PangoFontDescription* font, Align align, Fit fit, bool vcenter,
                              std::string_view field);

  FontContext& m_fonts;
  const LayoutSpec& m_layout;
  std::unordered_map<std::string, FontDescriptionPtr> m_font_cache;
  std::vector<Slot> m_slots;
};

// Justified CJK text spreads its slack between ideographs only when a line has no expandable
// space (Pango 1.50 justify_words); one ASCII space would take all of it (tech-notes §2.7).
// Spaces in text meant for justification become U+2009 THIN SPACE, which Pango does not expand.
std::string make_spaces_unexpandable(std::string_view text);

}  // namespace sanfang::render
