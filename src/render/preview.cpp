#include "render/preview.h"

#include "render/handles.h"

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-image.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>

#include <algorithm>
#include <memory>
#include <mutex>

namespace sanfang::render {

std::mutex& poppler_mutex() {
  static std::mutex mutex;
  return mutex;
}

namespace {

cairo_status_t append_png(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// Page `page` (1-based) drawn at `dpi(page size in points)`, encoded as PNG.
template <typename Resolution>
Result<std::string> draw_page(std::string_view pdf, int page, Resolution dpi_for) {
  std::lock_guard lock(poppler_mutex());
  // load_from_raw_data does not copy: `pdf` outlives the document within this function.
  std::unique_ptr<poppler::document> doc(
      poppler::document::load_from_raw_data(pdf.data(), static_cast<int>(pdf.size())));
  if (!doc || doc->is_locked()) return Error::make(ErrorKind::Render, "not a readable PDF");
  if (page < 1 || page > doc->pages()) {
    return Error::invalid("page", "页码应在 1 到 " + std::to_string(doc->pages()) + " 之间");
  }
  std::unique_ptr<poppler::page> p(doc->create_page(page - 1));
  if (!p) return Error::make(ErrorKind::Render, "Poppler could not open page " + std::to_string(page));
  const double dpi = dpi_for(p->page_rect(poppler::media_box));
  poppler::page_renderer renderer;
  renderer.set_render_hint(poppler::page_renderer::antialiasing, true);
  renderer.set_render_hint(poppler::page_renderer::text_antialiasing, true);
  renderer.set_image_format(poppler::image::format_argb32);
  poppler::image image = renderer.render_page(p.get(), dpi, dpi);
  if (!image.is_valid()) return Error::make(ErrorKind::Render, "Poppler could not render page " + std::to_string(page));

  // Poppler's ARGB32 is cairo's CAIRO_FORMAT_ARGB32 (native-endian, premultiplied, opaque here),
  // so cairo encodes the PNG straight from Poppler's buffer.
  SurfacePtr surface(cairo_image_surface_create_for_data(reinterpret_cast<unsigned char*>(image.data()),
                                                         CAIRO_FORMAT_ARGB32, image.width(), image.height(),
                                                         image.bytes_per_row()));
  std::string png;
  if (cairo_surface_write_to_png_stream(surface.get(), append_png, &png) != CAIRO_STATUS_SUCCESS) {
    return Error::make(ErrorKind::Render, "PNG encoding failed");
  }
  return png;
}

}  // namespace

Result<std::string> render_page_png(std::string_view pdf, int page, double dpi) {
  return draw_page(pdf, page, [dpi](const poppler::rectf&) { return dpi; });
}

Result<std::string> first_page_thumbnail_png(std::string_view pdf, int side) {
  constexpr double kPointsPerInch = 72;
  return draw_page(pdf, 1, [side](const poppler::rectf& box) {
    const double longer = std::max(box.width(), box.height());
    return longer > 0 ? side * kPointsPerInch / longer : kPointsPerInch;
  });
}

}  // namespace sanfang::render
