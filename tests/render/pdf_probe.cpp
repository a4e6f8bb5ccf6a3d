#include "pdf_probe.h"

#include "core/verification_token.h"

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-font.h>
#include <poppler/cpp/poppler-image.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>
#include <zbar.h>

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sanfang::testing {

struct PdfProbe::Impl {
  std::unique_ptr<poppler::document> doc;
};

PdfProbe::PdfProbe(std::string pdf) : m_pdf(std::move(pdf)), m_impl(std::make_unique<Impl>()) {
  m_impl->doc.reset(poppler::document::load_from_raw_data(m_pdf.data(), static_cast<int>(m_pdf.size())));
}
PdfProbe::~PdfProbe() = default;

bool PdfProbe::valid() const { return m_impl->doc && !m_impl->doc->is_locked(); }
int PdfProbe::pages() const { return m_impl->doc->pages(); }

PageSize PdfProbe::page_size(int page) const {
  std::unique_ptr<poppler::page> p(m_impl->doc->create_page(page - 1));
  auto box = p->page_rect(poppler::media_box);
  return {box.width(), box.height()};
}

std::string strip_whitespace(const std::string& utf8) {
  std::string out;
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(utf8[i]);
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f') continue;  // Poppler ends a page with \f
    // U+2000–U+200A (E2 80 80–8A), U+3000 (E3 80 80), U+00A0 (C2 A0)
    if (c == 0xE2 && i + 2 < utf8.size() && static_cast<unsigned char>(utf8[i + 1]) == 0x80 &&
        static_cast<unsigned char>(utf8[i + 2]) <= 0x8A) {
      i += 2;
      continue;
    }
    if (c == 0xE3 && i + 2 < utf8.size() && static_cast<unsigned char>(utf8[i + 1]) == 0x80 &&
        static_cast<unsigned char>(utf8[i + 2]) == 0x80) {
      i += 2;
      continue;
    }
    if (c == 0xC2 && i + 1 < utf8.size() && static_cast<unsigned char>(utf8[i + 1]) == 0xA0) {
      i += 1;
      continue;
    }
    out += utf8[i];
  }
  return out;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string PdfProbe::half_text(int page, bool right) const {
  std::unique_ptr<poppler::page> p(m_impl->doc->create_page(page - 1));
  auto box = p->page_rect(poppler::media_box);
  const double half = box.width() / 2;
  auto bytes = p->text(poppler::rectf(right ? half : 0, 0, half, box.height()), poppler::page::raw_order_layout).to_utf8();
  return strip_whitespace(std::string(bytes.begin(), bytes.end()));
}

std::string PdfProbe::text(int page) const {
  std::unique_ptr<poppler::page> p(m_impl->doc->create_page(page - 1));
  auto bytes = p->text(poppler::rectf(), poppler::page::raw_order_layout).to_utf8();
  return strip_whitespace(std::string(bytes.begin(), bytes.end()));
}

std::string PdfProbe::label(int page) const {
  std::unique_ptr<poppler::page> p(m_impl->doc->create_page(page - 1));
  auto bytes = p->label().to_utf8();
  return std::string(bytes.begin(), bytes.end());
}

double PdfProbe::dark_fraction(int page, unsigned char darker_than) const {
  std::unique_ptr<poppler::page> p(m_impl->doc->create_page(page - 1));
  poppler::page_renderer renderer;
  renderer.set_image_format(poppler::image::format_gray8);
  poppler::image image = renderer.render_page(p.get(), 36, 36);
  std::size_t dark = 0;
  for (int y = 0; y < image.height(); ++y) {
    const char* row = image.const_data() + static_cast<std::size_t>(y) * image.bytes_per_row();
    for (int x = 0; x < image.width(); ++x) dark += static_cast<unsigned char>(row[x]) < darker_than;
  }
  return static_cast<double>(dark) / (static_cast<double>(image.width()) * image.height());
}

bool PdfProbe::blank(int page) const { return dark_fraction(page, 0xFF) == 0; }

std::string PdfProbe::info(const std::string& key) const {
  auto bytes = m_impl->doc->info_key(key).to_utf8();
  return std::string(bytes.begin(), bytes.end());
}

std::vector<std::string> PdfProbe::font_names() const {
  std::vector<std::string> names;
  for (const auto& f : m_impl->doc->fonts()) names.push_back(f.name());
  return names;
}

bool PdfProbe::all_fonts_embedded() const {
  auto fonts = m_impl->doc->fonts();
  if (fonts.empty()) return false;
  for (const auto& f : fonts)
    if (!f.is_embedded()) return false;
  return true;
}

std::vector<std::string> PdfProbe::decode_qr(int page, double dpi) const {
  std::unique_ptr<poppler::page> p(m_impl->doc->create_page(page - 1));
  poppler::page_renderer renderer;
  renderer.set_image_format(poppler::image::format_gray8);
  poppler::image image = renderer.render_page(p.get(), dpi, dpi);
  const int w = image.width(), h = image.height();
  std::vector<unsigned char> grey(static_cast<std::size_t>(w) * h);
  for (int y = 0; y < h; ++y) {
    const char* row = image.const_data() + static_cast<std::size_t>(y) * image.bytes_per_row();
    std::copy(row, row + w, grey.begin() + static_cast<std::ptrdiff_t>(y) * w);
  }
  zbar::zbar_image_scanner_t* scanner = zbar::zbar_image_scanner_create();
  zbar::zbar_image_scanner_set_config(scanner, zbar::ZBAR_NONE, zbar::ZBAR_CFG_ENABLE, 0);
  zbar::zbar_image_scanner_set_config(scanner, zbar::ZBAR_QRCODE, zbar::ZBAR_CFG_ENABLE, 1);
  zbar::zbar_image_t* zimage = zbar::zbar_image_create();
  zbar::zbar_image_set_format(zimage, zbar_fourcc('Y', '8', '0', '0'));
  zbar::zbar_image_set_size(zimage, w, h);
  zbar::zbar_image_set_data(zimage, grey.data(), grey.size(), nullptr);
  zbar::zbar_scan_image(scanner, zimage);
  std::vector<std::string> payloads;
  for (const zbar::zbar_symbol_t* s = zbar::zbar_image_first_symbol(zimage); s; s = zbar::zbar_symbol_next(s)) {
    payloads.emplace_back(zbar::zbar_symbol_get_data(s));
  }
  zbar::zbar_image_destroy(zimage);
  zbar::zbar_image_scanner_destroy(scanner);
  return payloads;
}

QpdfCheck qpdf_check(const std::string& pdf) {
  static int counter = 0;
  const auto file = std::filesystem::temp_directory_path() /
                    ("sanfang-qpdf-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + ".pdf");
  std::ofstream(file, std::ios::binary) << pdf;
  QpdfCheck check;
  if (FILE* qpdf = ::popen(("qpdf --check '" + file.string() + "' 2>&1").c_str(), "r")) {
    char buffer[4096];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, qpdf)) check.output.append(buffer, n);
    const int status = ::pclose(qpdf);
    check.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::filesystem::remove(file);
  return check;
}

FileFace::FileFace(const std::string& file, int index) {
  REQUIRE(FT_Init_FreeType(&library) == 0);
  REQUIRE(FT_New_Face(library, file.c_str(), index, &face) == 0);
}

FileFace::~FileFace() {
  FT_Done_Face(face);
  FT_Done_FreeType(library);
}

const RenderFixture& RenderFixture::get() {
  static const RenderFixture fixture = [] {
    RenderFixture f;
    const std::string source = SANFANG_SOURCE_DIR;
    auto fonts = render::FontSet::load(source + "/fonts");
    if (!fonts) FAIL(fonts.error().describe());
    f.fonts = *fonts;
    auto layout = render::load_layout(source + "/layouts/default.json");
    if (!layout) FAIL(layout.error().describe());
    f.layout = std::make_shared<const render::LayoutSpec>(std::move(*layout));
    auto codes = core::CodeLists::load(source + "/layouts/codes");
    if (!codes) FAIL(codes.error().describe());
    f.codes = std::make_shared<const core::CodeLists>(std::move(*codes));
    std::array<unsigned char, 32> key_bytes{};
    for (std::size_t i = 0; i < key_bytes.size(); ++i) key_bytes[i] = static_cast<unsigned char>(i * 7 + 3);
    f.key = core::VerificationKey::from_bytes(key_bytes);
    return f;
  }();
  return fixture;
}

std::string RenderFixture::sample_text(const std::string& name) const {
  std::ifstream in(std::string(SANFANG_SOURCE_DIR) + "/samples/" + name + ".json");
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

render::AgreementDocument RenderFixture::sample(const std::string& name) const {
  auto doc = render::parse_document(sample_text(name), *codes);
  if (!doc) FAIL(name + ": " + doc.error().describe());
  return std::move(*doc);
}

std::unique_ptr<render::Renderer> RenderFixture::renderer() const {
  render::RenderOptions options;
  options.public_base_url = "https://jy.example.edu.cn";
  options.key = key;
  auto r = render::Renderer::create(fonts, layout, options);
  if (!r) FAIL(r.error().describe());
  return std::move(*r);
}

std::string RenderFixture::expected_url(const render::AgreementDocument& doc, int copy) const {
  return core::verification_url("https://jy.example.edu.cn",
                                core::make_verification_token(key, *doc.serial, copy, doc.content_hash));
}

std::string RenderFixture::render(const std::vector<render::AgreementDocument>& docs) const {
  auto pdf = renderer()->render_to_string(docs);
  if (!pdf) FAIL(pdf.error().describe());
  return std::move(*pdf);
}

}  // namespace sanfang::testing
