// PDF writing: the file the pages go to — cairo's PDF surface on a byte sink, page labels, the
// document's metadata and, for a file with links, the one structure element around it.
// Pages reach the sink as they are finished; fonts (subsets of the glyphs used), the xref and
// the trailer at finish().
// Reproducibility: nothing here reads a clock; the dates are the caller's.
#pragma once

#include "core/result.h"
#include "render/handles.h"
#include "render/pdf_deflate.h"

#include <cairo.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace sanfang::render {

// Receives PDF bytes as they are produced; returning false aborts the render with an Io error.
using ByteSink = std::function<bool(std::string_view bytes)>;

struct PdfMetadata {
  std::string title;
  std::string subject;
  std::string date;  // ISO 8601, creation and modification
};

class PdfWriter {
 public:
  // A new file of pages `width` × `height` points. With `links`, a structure tree is written
  // (cairo 1.16 reserves its objects for link annotations and must write it; tech-notes §2.3).
  // Its streams are deflated as `deflate` says (cairo writes them in end_page() and finish()).
  static Result<std::unique_ptr<PdfWriter>> open(ByteSink sink, double width, double height, bool links,
                                                 Deflate deflate);
  ~PdfWriter();
  PdfWriter(const PdfWriter&) = delete;
  PdfWriter& operator=(const PdfWriter&) = delete;

  // The current page's context, and its label (shown by viewers in place of the page number).
  cairo_t* page() const { return m_cr.get(); }
  void label_page(const std::string& label);
  // Ends the current page; an output error (the sink refused bytes) is returned.
  Status end_page();
  int pages() const { return m_pages; }

  Status finish(const PdfMetadata& metadata);

 private:
  PdfWriter(ByteSink sink, bool links, Deflate deflate);

  ByteSink m_sink;  // cairo writes through a pointer to it: the writer never moves
  bool m_links;
  Deflate m_deflate;
  SurfacePtr m_surface;
  CairoPtr m_cr;
  int m_pages = 0;
  bool m_finished = false;
};

}  // namespace sanfang::render
