// sanfang::render::Renderer — the rendering core's public API.
//
// Turns validated agreements (AgreementDocument) into the print-ready PDF: per agreement and
// per copy one A3 landscape sheet, printed duplex (flip on the short edge) and folded to an A4
// booklet — odd page = outside face (panel 4 | panel 1), even page = inside face (panel 2 |
// panel 3), as the layout's imposition says.
// Per agreement the stages are files of their own, each handing plain data to the next:
// agreement_composition (values expanded and fitted: glyph runs, QR symbols) → impose (faces of
// the sheet) → pdf_writer (pages, metadata, the file); the static art is recorded once (art).
//
// Threading: a Renderer is confined to one thread (it owns a Pango font map and context);
// make one per worker. The FontSet and LayoutSpec it reads are shared read-only. Several streams
// may be open on one Renderer at once — a print job's stream stays open on a render thread while
// single agreements are rendered between its adds — as long as every call is made on that
// thread: calls on different streams may interleave, each call runs to completion. Each stream's
// file is the same as if it had been written alone.
// Memory: pages are handed to the sink as they finish; what stays until finish() is, per open
// stream, the set of glyphs used per font (the subsets are embedded at the end), one recording
// of values per panel and — when the stream has links — cairo's per-page tag and annotation
// bookkeeping, so a 10,000-agreement print job without links keeps its memory flat.
// Reproducibility: the output is a pure function of the documents, the layout, the fonts, the
// verification key and the public base URL: the PDF's dates come from the signing time.
#pragma once

#include "core/result.h"
#include "core/verification_token.h"
#include "render/document.h"
#include "render/fonts.h"
#include "render/layout_spec.h"
#include "render/pdf_writer.h"
#include "render/separator.h"

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace sanfang::render {

struct RenderOptions {
  // Base of the verification URL printed as QR code and link ("https://jy.example.edu.cn"), for
  // documents that do not carry their own (AgreementDocument::public_base).
  std::string public_base_url = "http://127.0.0.1:8080";
  // Needed for documents with a serial; a preview needs none.
  std::optional<core::VerificationKey> key;
};

struct StreamOptions {
  std::string title_suffix;  // appended to the layout's title in the PDF metadata
  // False for a print job's file, which goes to paper: no link annotations on the QR codes and
  // no structure tree. cairo keeps the bookkeeping of every tag and link annotation — per page,
  // with the structure tree they belong to — until finish(); without them a stream's memory
  // stays flat over a 10,000-agreement batch.
  bool links = true;
  // How hard the file's streams are deflated (pdf_deflate.h): Fast for a document someone waits
  // for, Small for a print job's file.
  Deflate deflate = Deflate::Fast;

  // A print job's file (print queue, `sanfang batch`, the benchmark's batches): no links, the
  // smallest streams.
  static StreamOptions for_print(std::string title_suffix);
};

class PdfStream;

class Renderer {
 public:
  static Result<std::unique_ptr<Renderer>> create(std::shared_ptr<const FontSet> fonts,
                                                  std::shared_ptr<const LayoutSpec> layout, RenderOptions options);
  ~Renderer();
  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;

  // Starts one PDF file written to `sink`; other streams of this Renderer may be open too. The
  // stream must not outlive the Renderer.
  Result<std::unique_ptr<PdfStream>> begin(ByteSink sink, StreamOptions options = {});

  // Convenience: all `documents` into one PDF, each starting on a new sheet.
  Status render(std::span<const AgreementDocument> documents, ByteSink sink, StreamOptions options = {});
  Result<std::string> render_to_string(std::span<const AgreementDocument> documents);

  const LayoutSpec& layout() const;
  // This renderer's font map and context (confined to its thread like the renderer), for other
  // drawing on the same thread that should not load the fonts again.
  const FontContext& font_context() const;

  // Whether `text`, the printed form of the document value at `path` ("student.name"), can be
  // printed: every character is in the font chain and, wherever the layout places the value (on
  // every copy), it fits its box. FontCoverage or Overflow naming `field`. Composes exactly as
  // add() does, so a value that passes here never fails there; the workflow asks this when a
  // value is saved. Trade-off: the value's boxes are shaped once per check rather than trusting
  // a length limit, which costs a few Pango layouts per saved field.
  Status check_value(std::string_view path, std::string_view text, std::string_view field);

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
  // `reprints`: per copy of the layout (index 0 = copy 1, whichever copies are drawn), how many
  // times it was printed before; a copy printed again carries a 补打 mark with the count. Empty
  // for a first print.
  // `copies`: the numbers of the copies to draw (the layout's copy numbers, as printed); they are
  // drawn in the layout's order. Empty for every copy. An unknown or repeated number is an
  // InvalidInput error naming "copies", and nothing is drawn.
  Status add(const AgreementDocument& document, std::span<const int> reprints = {},
             std::span<const int> copies = {});
  // One separator sheet (two pages, the back blank, labelled 分隔页); validated like an
  // agreement before anything is drawn. Separators are not agreements in the metadata.
  Status add_separator(const SeparatorSheet& sheet);
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
