#include "render/agreement_composition.h"

#include "render/text_template.h"

#include <algorithm>

namespace sanfang::render {

namespace {

std::string reprint_mark(int times_printed_before) {
  if (times_printed_before <= 0) return {};
  return "补打（第 " + std::to_string(times_printed_before) + " 次）";
}

}  // namespace

Result<std::vector<bool>> select_copies(const LayoutSpec& layout, std::span<const int> numbers) {
  std::vector<bool> drawn(layout.copies.size(), numbers.empty());
  for (int number : numbers) {
    auto copy = std::find_if(layout.copies.begin(), layout.copies.end(),
                             [&](const CopySpec& c) { return c.number == number; });
    if (copy == layout.copies.end()) return Error::invalid("copies", "没有第 " + std::to_string(number) + " 联");
    const auto index = static_cast<std::size_t>(copy - layout.copies.begin());
    if (drawn[index]) return Error::invalid("copies", "第 " + std::to_string(number) + " 联重复");
    drawn[index] = true;
  }
  return drawn;
}

bool is_shared_text(const LayoutSpec& layout, const DynamicText& text) {
  return !text.per_copy && !layout.styles.at(text.style).color.accent;
}

Result<std::string> expand_for_copy(const LayoutSpec& layout, const CopySpec& copy, std::string_view text,
                                    const std::function<std::optional<std::string>(std::string_view)>& value) {
  return expand_template(text, [&](std::string_view name) -> std::optional<std::string> {
    if (name == "copy.label") return copy.label;
    if (name == "copy.number") return std::to_string(copy.number);
    if (name.rfind("party.", 0) == 0) {
      auto it = layout.parties.find(std::string(name.substr(6)));
      return it == layout.parties.end() ? std::nullopt : std::optional<std::string>(it->second);
    }
    return value(name);
  });
}

Result<ComposedAgreement> compose_agreement(const CompositionContext& context, const AgreementDocument& doc,
                                            std::span<const int> reprints, const std::vector<bool>& drawn) {
  const LayoutSpec& layout = context.layout;
  const LayoutPlan& plan = context.plan;
  for (const auto& [path, value] : doc.values) TRY(context.fonts.check_coverage(value, path));

  ComposedAgreement out;
  out.texts.resize(plan.texts.size());
  out.shared_text.resize(plan.texts.size());
  for (std::size_t i = 0; i < plan.texts.size(); ++i) {
    const DynamicText& d = plan.texts[i];
    const std::size_t variants = d.per_copy ? layout.copies.size() : 1;
    out.texts[i].resize(variants);
    for (std::size_t c = 0; c < variants; ++c) {
      if (d.per_copy && !drawn[c]) continue;
      auto text = TRY(expand_for_copy(layout, layout.copies[c], d.text, [&](std::string_view name) -> std::optional<std::string> {
        if (name == kReprintPlaceholder) return reprint_mark(c < reprints.size() ? reprints[c] : 0);
        return std::string(doc.value(name));
      }));
      const std::size_t slot = i * layout.copies.size() + c;
      out.texts[i][c] = TRY(context.composer.fit_slot(slot, text, d.box, d.style, d.align, d.fit, d.vcenter, d.field));
      if (is_shared_text(layout, d)) out.shared_text[i] = std::move(text);
    }
  }

  out.qr_by_copy.resize(layout.copies.size());
  out.url_by_copy.resize(layout.copies.size());
  if (doc.serial && !plan.qrs.empty()) {
    if (!context.key) return Error::make(ErrorKind::Internal, "a verification key is needed to print a serial");
    for (std::size_t c = 0; c < layout.copies.size(); ++c) {
      if (!drawn[c]) continue;
      auto token = core::make_verification_token(*context.key, *doc.serial, layout.copies[c].number, doc.content_hash);
      out.url_by_copy[c] = core::verification_url(doc.public_base.empty() ? context.public_base : doc.public_base, token);
      QrSymbol symbol = TRY(encode_qr(out.url_by_copy[c]));
      for (std::size_t q = 1; q < plan.qrs.size(); ++q) out.qr_by_copy[c].push_back(duplicate_qr(symbol));
      out.qr_by_copy[c].push_back(std::move(symbol));
    }
  }
  return out;
}

}  // namespace sanfang::render
