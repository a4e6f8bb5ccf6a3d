// Imposition: where a composed agreement goes on the sheet. Each copy is one A3 sheet printed
// duplex: the outside face (panel 4 | panel 1) and the inside face (panel 2 | panel 3), as the
// layout's faces say; a panel is its static art, the agreement's values and the copy's QR codes,
// clipped to the panel. Draws onto any cairo context; what a page is, and the file, belong to
// the PDF writer (render/pdf_writer.h).
//
// Memory: per panel, one recording of the latest agreement's values that are the same on every
// copy. While none of a panel's values changes (a batch's school fields) the same recording is
// painted again, and cairo writes its form once per file.
#pragma once

#include "render/agreement_composition.h"
#include "render/art.h"
#include "render/handles.h"
#include "render/layout_spec.h"
#include "render/plan.h"

#include <map>
#include <string>
#include <vector>

namespace sanfang::render {

struct FaceOptions {
  bool preview = false;  // the 预览 watermark over the face
  bool links = false;    // each QR code is also a link to its verification URL
};

// One per PDF file: the shared-value recordings are kept per file, keyed by the values, so what
// other files draw in between changes nothing here.
class Imposer {
 public:
  Imposer(const LayoutSpec& layout, const LayoutPlan& plan, const StaticArt& art);

  // Records, per panel, the agreement's values shown on every copy (once per change of them).
  void remember_shared_values(const ComposedAgreement& composed);
  // Draws copy `copy_index`'s face made of `face` (panel numbers, left to right).
  void draw_face(cairo_t* cr, const ComposedAgreement& composed, std::size_t copy_index, const std::vector<int>& face,
                 const FaceOptions& options) const;

 private:
  struct PanelValues {
    std::vector<std::string> values;
    SurfacePtr recording;
  };
  SurfacePtr record_panel_values(const ComposedAgreement& composed, int panel) const;
  void draw_panel(cairo_t* cr, const ComposedAgreement& composed, std::size_t copy_index, int panel,
                  const FaceOptions& options) const;

  const LayoutSpec& m_layout;
  const LayoutPlan& m_plan;
  const StaticArt& m_art;
  std::map<int, PanelValues> m_shared_values;
};

}  // namespace sanfang::render
