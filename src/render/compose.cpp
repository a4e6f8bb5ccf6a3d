#include "render/compose.h"

#include <pango/pangocairo.h>

#include <cmath>

namespace sanfang::render {

namespace {

constexpr double kShrinkStep = 0.25;  // points; finer steps buy nothing visible

struct Extent {
  double width = 0, height = 0;
};

Extent measure(PangoLayout* layout) {
  PangoRectangle logical;
  pango_layout_get_extents(layout, nullptr, &logical);
  return {logical.width / double(PANGO_SCALE), logical.height / double(PANGO_SCALE)};
}

void set_size(PangoLayout* layout, const PangoFontDescription* base, double size) {
  FontDescriptionPtr font(pango_font_description_copy(base));
  pango_font_description_set_size(font.get(), static_cast<gint>(std::lround(size * PANGO_SCALE)));
  pango_layout_set_font_description(layout, font.get());
}

void set_wrapping(PangoLayout* layout, double width) {
  pango_layout_set_width(layout, static_cast<int>(width * PANGO_SCALE));
  pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
}

}  // namespace

std::string make_spaces_unexpandable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == ' ') {
      out += "\u2009";
    } else if (static_cast<unsigned char>(text[i]) == 0xC2 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) == 0xA0) {  // U+00A0 NO-BREAK SPACE
      out += "\u2009";
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

Composer::Composer(FontContext& fonts, const LayoutSpec& layout) : m_fonts(fonts), m_layout(layout) {}

FontDescriptionPtr Composer::make_font(const TextStyle& style) const {
  // An explicit family list: the style's common-character face, the style's face, then the
  // rare-character fallbacks, so Pango never has to guess among the private config's fonts.
  std::string families = style.family;
  if (const std::string_view common = m_fonts.fonts().common_family_for(style.family); !common.empty())
    families = std::string(common) + "," + families;
  for (const auto& f : m_fonts.fonts().fallback_families()) families += "," + f;
  FontDescriptionPtr font(pango_font_description_new());
  pango_font_description_set_family(font.get(), families.c_str());
  pango_font_description_set_weight(font.get(), style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_font_description_set_size(font.get(), static_cast<gint>(std::lround(style.size * PANGO_SCALE)));
  return font;
}

const PangoFontDescription* Composer::font_for(const std::string& style_name) {
  auto it = m_font_cache.find(style_name);
  if (it != m_font_cache.end()) return it->second.get();
  return m_font_cache.emplace(style_name, make_font(m_layout.styles.at(style_name))).first->second.get();
}

PangoLayoutPtr Composer::new_layout(const TextStyle& style, Align align) {
  PangoLayoutPtr layout(pango_layout_new(m_fonts.pango()));
  pango_layout_set_line_spacing(layout.get(), static_cast<float>(style.line_spacing));
  switch (align) {
    case Align::Left: pango_layout_set_alignment(layout.get(), PANGO_ALIGN_LEFT); break;
    case Align::Center: pango_layout_set_alignment(layout.get(), PANGO_ALIGN_CENTER); break;
    case Align::Right: pango_layout_set_alignment(layout.get(), PANGO_ALIGN_RIGHT); break;
    case Align::Justify:
      pango_layout_set_alignment(layout.get(), PANGO_ALIGN_LEFT);
      pango_layout_set_justify(layout.get(), TRUE);
      break;
  }
  return layout;
}

void draw_fitted(cairo_t* cr, const FittedText& text, const Rgb& color) {
  cairo_set_source_rgb(cr, color.r, color.g, color.b);
  draw_glyph_runs(cr, text.runs, text.x, text.y);
}

Result<FittedText> Composer::fit(std::string_view text, const Box& box, const std::string& style_name, Align align,
                                 Fit fit, bool vcenter, std::string_view field) {
  const TextStyle& style = m_layout.styles.at(style_name);
  PangoLayoutPtr layout = new_layout(style, align);
  return fit_into(layout.get(), text, box, style, font_for(style_name), align, fit, vcenter, field);
}

Result<FittedText> Composer::fit(std::string_view text, const Box& box, const TextStyle& style, Align align, Fit fit,
                                 bool vcenter, std::string_view field) {
  FontDescriptionPtr font = make_font(style);
  PangoLayoutPtr layout = new_layout(style, align);
  return fit_into(layout.get(), text, box, style, font.get(), align, fit, vcenter, field);
}

Result<std::shared_ptr<const FittedText>> Composer::fit_slot(std::size_t slot_index, std::string_view text,
                                                             const Box& box, const std::string& style_name, Align align,
                                                             Fit fit, bool vcenter, std::string_view field) {
  if (slot_index >= m_slots.size()) m_slots.resize(slot_index + 1);
  Slot& slot = m_slots[slot_index];
  if (slot.valid && slot.text == text) return slot.fitted;
  slot.valid = false;
  slot.fitted.reset();
  slot.text.assign(text);
  if (text.empty()) {
    // Nothing to shape or draw; an empty value cannot overflow a box sized for its style.
    slot.valid = true;
    return slot.fitted;
  }
  const TextStyle& style = m_layout.styles.at(style_name);
  if (!slot.layout) slot.layout = new_layout(style, align);
  FittedText fitted = TRY(fit_into(slot.layout.get(), text, box, style, font_for(style_name), align, fit, vcenter, field));
  slot.fitted = std::make_shared<const FittedText>(std::move(fitted));
  slot.valid = true;
  return slot.fitted;
}

Result<FittedText> Composer::fit_into(PangoLayout* layout, std::string_view raw_text, const Box& box,
                                      const TextStyle& style, const PangoFontDescription* font, Align align, Fit fit,
                                      bool vcenter, std::string_view field) {
  FittedText fitted;
  const std::string text = align == Align::Justify ? make_spaces_unexpandable(raw_text) : std::string(raw_text);
  // A reused layout keeps the wrapping width of its previous text; start unwrapped.
  pango_layout_set_width(layout, -1);
  pango_layout_set_text(layout, text.data(), static_cast<int>(text.size()));

  fitted.size = style.size;
  bool wrapped = false;
  auto overflow = [&] {
    return Error::make(ErrorKind::Overflow, "内容过长，缩小到 " + std::to_string(int(style.min_size * 10) / 10.0).substr(0, 4) +
                                                " 磅并换行后仍放不下", std::string(field));
  };

  if (fit == Fit::Line) {
    set_size(layout, font, style.size);
    Extent e = measure(layout);
    if (e.width > box.w) {
      // Glyph advances scale linearly with size (unhinted metrics), so one division finds the
      // size that fits; the loop only absorbs rounding.
      double size = std::floor(style.size * box.w / e.width / kShrinkStep) * kShrinkStep;
      while (size >= style.min_size) {
        set_size(layout, font, size);
        e = measure(layout);
        if (e.width <= box.w) break;
        size -= kShrinkStep;
      }
      if (size >= style.min_size && e.height <= box.h) {
        fitted.size = size;
      } else {
        set_size(layout, font, style.min_size);
        set_wrapping(layout, box.w);
        fitted.size = style.min_size;
        wrapped = true;
        if (measure(layout).height > box.h) return overflow();
      }
    } else if (e.height > box.h) {
      return overflow();
    }
  } else {
    set_wrapping(layout, box.w);
    wrapped = true;
    double size = style.size;
    for (;;) {
      set_size(layout, font, size);
      if (measure(layout).height <= box.h) break;
      if (size <= style.min_size) return overflow();
      size = std::max(style.min_size, size - kShrinkStep * 2);
    }
    fitted.size = size;
  }

  // Safety net behind the coverage check: a glyph Pango could not find in any font.
  if (int unknown = pango_layout_get_unknown_glyphs_count(layout); unknown > 0) {
    return Error::make(ErrorKind::FontCoverage, "有 " + std::to_string(unknown) + " 个字符无法显示", std::string(field));
  }

  Extent e = measure(layout);
  if (!wrapped && align != Align::Left && align != Align::Justify) {
    // An unwrapped layout has no width to align within; place it ourselves.
    double slack = box.w - e.width;
    fitted.x = box.x + (align == Align::Center ? slack / 2 : slack);
  } else {
    if (!wrapped) set_wrapping(layout, box.w);
    fitted.x = box.x;
  }
  fitted.y = vcenter ? box.y + (box.h - e.height) / 2 : box.y;
  fitted.width = e.width;
  fitted.height = e.height;
  LaidOutText laid_out = read_glyph_runs(layout);
  fitted.runs = std::move(laid_out.runs);
  fitted.lines = std::move(laid_out.lines);
  fitted.text = text;
  return fitted;
}

}  // namespace sanfang::render
