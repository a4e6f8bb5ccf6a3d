// Agreement composition: the "shape and break lines" stage for one agreement — every dynamic text
// of the plan expanded from the document (once, or once per drawn copy when its template names a
// copy property) and fitted into its box, and each drawn copy's verification URL and QR symbols.
// Input: a validated document; output: plain data that imposition draws (render/impose.h).
#pragma once

#include "core/result.h"
#include "core/verification_token.h"
#include "render/compose.h"
#include "render/document.h"
#include "render/plan.h"
#include "render/qr.h"

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace sanfang::render {

struct ComposedAgreement {
  // [text][copy or 0]: null for an empty value or a copy not drawn. Immutable and shared with the
  // Composer's slots, which hand the same one on while a value does not change.
  std::vector<std::vector<std::shared_ptr<const FittedText>>> texts;
  std::vector<std::string> shared_text;           // [text]: the value of a shared text, else empty
  std::vector<std::vector<QrSymbol>> qr_by_copy;  // [copy][qr block]: one stencil per placement
  std::vector<std::string> url_by_copy;
};

// What composing needs besides the document; all of it outlives the call.
struct CompositionContext {
  const LayoutSpec& layout;
  const LayoutPlan& plan;
  const FontSet& fonts;
  Composer& composer;
  const core::VerificationKey* key = nullptr;  // needed for a document with a serial
  std::string_view public_base;                // for a document that carries none
};

// The copies drawn, by copy index: every copy for an empty `numbers`. An unknown or repeated copy
// number is InvalidInput naming "copies".
Result<std::vector<bool>> select_copies(const LayoutSpec& layout, std::span<const int> numbers);

// A text drawn the same on every copy in the layout's own colour: painted from one recording per
// panel (the PDF carries it once per agreement, not once per copy).
bool is_shared_text(const LayoutSpec& layout, const DynamicText& text);

// Expands a template for copy `copy` of the layout: copy and party properties here, everything
// else from `value` (nullopt: an unknown name, an error naming it).
Result<std::string> expand_for_copy(const LayoutSpec& layout, const CopySpec& copy, std::string_view text,
                                    const std::function<std::optional<std::string>(std::string_view)>& value);

// Composes one agreement's copies marked in `drawn`; `reprints[c]`: how often copy c was printed
// before (its 补打 mark). FontCoverage or Overflow naming the field that does not print.
Result<ComposedAgreement> compose_agreement(const CompositionContext& context, const AgreementDocument& doc,
                                            std::span<const int> reprints, const std::vector<bool>& drawn);

}  // namespace sanfang::render
