#include "render/pdf_writer.h"

#include "render/pdf_numbers.h"

#include <cairo-pdf.h>

namespace sanfang::render {

namespace {

Status output_status(cairo_status_t status) {
  if (status == CAIRO_STATUS_SUCCESS) return {};
  return Error::make(status == CAIRO_STATUS_WRITE_ERROR ? ErrorKind::Io : ErrorKind::Render,
                     std::string("PDF output: ") + cairo_status_to_string(status));
}

cairo_status_t write_to_sink(void* closure, const unsigned char* data, unsigned int length) {
  auto* sink = static_cast<ByteSink*>(closure);
  return (*sink)(std::string_view(reinterpret_cast<const char*>(data), length)) ? CAIRO_STATUS_SUCCESS
                                                                                 : CAIRO_STATUS_WRITE_ERROR;
}

}  // namespace

PdfWriter::PdfWriter(ByteSink sink, bool links, Deflate deflate)
    : m_sink(std::move(sink)), m_links(links), m_deflate(deflate) {}

PdfWriter::~PdfWriter() = default;

Result<std::unique_ptr<PdfWriter>> PdfWriter::open(ByteSink sink, double width, double height, bool links,
                                                   Deflate deflate) {
  std::unique_ptr<PdfWriter> writer(new PdfWriter(std::move(sink), links, deflate));
  writer->m_surface.reset(cairo_pdf_surface_create_for_stream(write_to_sink, &writer->m_sink, width, height));
  writer->m_cr.reset(cairo_create(writer->m_surface.get()));
  // One structure element around the whole file. Without any, cairo 1.16 still reserves
  // structure-tree objects for link annotations but never writes them, leaving xref entries
  // that point at the wrong objects; with it the tree is written and the file is well-formed
  // (and tagged). A file without links needs neither.
  if (links) cairo_tag_begin(writer->m_cr.get(), "Document", "");
  if (cairo_status(writer->m_cr.get()) != CAIRO_STATUS_SUCCESS)
    return Error::make(ErrorKind::Render, "cannot create a PDF surface");
  return writer;
}

void PdfWriter::label_page(const std::string& label) { cairo_pdf_surface_set_page_label(m_surface.get(), label.c_str()); }

Status PdfWriter::end_page() {
  const ScopedDeflate deflate(m_deflate);
  const ScopedPdfNumbers numbers;
  cairo_show_page(m_cr.get());
  ++m_pages;
  return output_status(cairo_status(m_cr.get()));
}

Status PdfWriter::finish(const PdfMetadata& metadata) {
  if (m_finished) return {};
  m_finished = true;
  cairo_surface_t* surface = m_surface.get();
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, metadata.title.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, metadata.subject.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "sanfang");
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, metadata.date.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, metadata.date.c_str());
  if (m_links) cairo_tag_end(m_cr.get(), "Document");
  m_cr.reset();
  const ScopedDeflate deflate(m_deflate);
  const ScopedPdfNumbers numbers;
  cairo_surface_finish(surface);
  const cairo_status_t status = cairo_surface_status(surface);
  m_surface.reset();
  return output_status(status);
}

}  // namespace sanfang::render
