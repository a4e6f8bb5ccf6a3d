// sanfang::render::Renderer — the rendering core's public API.
//
// Turns validated agreements (AgreementDocument) into the print-ready PDF: per agreement and
// per copy one A3 landscape sheet, printed duplex (flip on the short edge) and folded to an A4
// booklet — odd page = outside face (panel 4 | panel 1), even page = inside face (panel 2 |
// panel 3), as the layout's imposition says.
//
// Threading: a Renderer is confined to one thread (it owns a Pango font map and context);
// make one per worker. The FontSet and LayoutSpec it reads are shared read-only.
// Memory: pages are handed to the sink as they finish; what stays until finish() is cairo's
// per-page bookkeeping and the set of glyphs used per font (the subsets are embedded at the end),
// so a 1,000-agreement file costs little more memory than one agreement.
// Reproducibility: the output is a pure function of the documents, the layout, the fonts, the
// verification key and the public base URL: the PDF's dates come from the signing time.
#pragma once

#include "core/result.h"
#include "core/verification_token.h"
#include "render/document.h"
#include "render/fonts.h"
#include "render/layout_spec.h"

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace sanfang::render {

struct RenderOptions {
  // Base of the verification URL printed as QR code and link ("https://jy.example.edu.cn").
  std::string public_base_url = "http://127.0.0.1:8080";
  // Needed for documents with a serial; a preview needs none.
  std::optional<core::VerificationKey> key;
};

// Receives PDF bytes as they are produced; returning false aborts the render with an Io error.
using ByteSink = std::function<bool(std::string_view bytes)>;

class PdfStream;

class Renderer {
 public:
  static Result<std::unique_ptr<Renderer>> create(std::shared_ptr<const FontSet> fonts,
                                                  std::shared_ptr<const LayoutSpec> layout, RenderOptions options);
  ~Renderer();
  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;

  // Starts one PDF file written to `sink`. Only one stream per Renderer at a time.
  Result<std::unique_ptr<PdfStream>> begin(ByteSink sink, std::string_view title_suffix = {});

  // Convenience: all `documents` into one PDF, each starting on a new sheet.
  Status render(std::span<const AgreementDocument> documents, ByteSink sink);
  Result<std::string> render_to_string(std::span<const AgreementDocument> documents);

  const LayoutSpec& layout() const;

 private:
  friend class PdfStream;
  struct Impl;
  explicit Renderer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

// One PDF being written. add() validates (coverage, fit) and draws one agreement — 2 sheets'
// faces per copy — before anything of it reaches the sink, so a bad agreement fails whole.
class PdfStream {
 public:
  ~PdfStream();
  // `reprints`: per copy (index 0 = copy 1), how many times it was printed before; a copy
  // printed again carries a 补打 mark with the count. Empty for a first print.
  Status add(const AgreementDocument& document, std::span<const int> reprints = {});
  // Writes fonts, xref and trailer. Metadata: title from the layout; subject the serial (or the
  // first and last serial and the count for a batch); dates the latest signing time.
  Status finish();
  int pages() const;

 private:
  friend class Renderer;
  struct Impl;
  explicit PdfStream(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace sanfang::render
