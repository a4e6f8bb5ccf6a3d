// Test helpers: read a rendered PDF back the way a person or a scanner would — text by
// rectangle through Poppler (whole-page text interleaves the two panels of a sheet), fonts,
// metadata, and QR codes decoded with zbar from a page rendered at print-like resolution.
#pragma once

#include "core/code_lists.h"
#include "render/document.h"
#include "render/fonts.h"
#include "render/layout_spec.h"
#include "render/renderer.h"

#include <ft2build.h>
#include FT_FREETYPE_H

#include <memory>
#include <string>
#include <vector>

namespace sanfang::testing {

struct PageSize {
  double width = 0, height = 0;
};

class PdfProbe {
 public:
  explicit PdfProbe(std::string pdf);
  ~PdfProbe();
  bool valid() const;
  int pages() const;
  PageSize page_size(int page) const;  // 1-based
  // Text of the left or right half of a sheet, whitespace removed (so grouped serials and
  // wrapped values compare as written).
  std::string half_text(int page, bool right) const;
  std::string text(int page) const;  // the whole page, whitespace removed
  std::string label(int page) const;
  // The share of the page's pixels, rendered at 36 dpi in grey, darker than `darker_than`.
  double dark_fraction(int page, unsigned char darker_than) const;
  // True when the page rendered at 36 dpi has no pixel that is not white.
  bool blank(int page) const;
  std::string info(const std::string& key) const;
  std::vector<std::string> font_names() const;
  bool all_fonts_embedded() const;
  // QR payloads found on the page rendered at `dpi`.
  std::vector<std::string> decode_qr(int page, double dpi = 200) const;

 private:
  std::string m_pdf;
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// Shared test resources, loaded once per process as the service does.
struct RenderFixture {
  std::shared_ptr<const render::FontSet> fonts;
  std::shared_ptr<const render::LayoutSpec> layout;
  std::shared_ptr<const core::CodeLists> codes;
  core::VerificationKey key;
  static const RenderFixture& get();

  render::AgreementDocument sample(const std::string& name) const;  // samples/NAME.json
  std::string sample_text(const std::string& name) const;
  std::unique_ptr<render::Renderer> renderer() const;  // public base URL https://jy.example.edu.cn
  // The verification URL a copy's QR code must carry (copy: the number printed, 1-based).
  std::string expected_url(const render::AgreementDocument& doc, int copy) const;
  std::string render(const std::vector<render::AgreementDocument>& docs) const;
};

// A face of a font file opened as Pango opens it, with a FreeType library of its own.
struct FileFace {
  FT_Library library = nullptr;
  FT_Face face = nullptr;
  explicit FileFace(const std::string& file, int index = 0);
  ~FileFace();
  FileFace(const FileFace&) = delete;
  FileFace& operator=(const FileFace&) = delete;
};

std::string strip_whitespace(const std::string& utf8);
bool contains(const std::string& haystack, const std::string& needle);

// `qpdf --check` on the PDF: exit status 0 when qpdf finds neither errors nor warnings.
struct QpdfCheck {
  int exit_status = -1;
  std::string output;
};
QpdfCheck qpdf_check(const std::string& pdf);

}  // namespace sanfang::testing
