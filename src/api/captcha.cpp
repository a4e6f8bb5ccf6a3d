#include "api/captcha.h"

#include "api/png_image.h"
#include "render/handles.h"

#include <pango/pangocairo.h>
#include <sodium.h>

#include <cmath>

namespace sanfang::api::captcha {

namespace {

constexpr int kWidth = 160;
constexpr int kHeight = 60;

// Uniform in [0, 1).
double unit() { return randombytes_uniform(1'000'000) / 1'000'000.0; }
double between(double low, double high) { return low + (high - low) * unit(); }

// The face the captcha is set in: the project's sans-serif heading face, else the first face.
std::string captcha_family(const render::FontSet& fonts) {
  for (const auto& face : fonts.faces())
    if (face.role == "heading") return face.family;
  return fonts.faces().empty() ? std::string("sans-serif") : fonts.faces().front().family;
}

void draw_noise_lines(cairo_t* cr, int count, double width) {
  for (int i = 0; i < count; ++i) {
    cairo_set_source_rgb(cr, between(0.3, 0.7), between(0.3, 0.7), between(0.3, 0.7));
    cairo_set_line_width(cr, width);
    cairo_move_to(cr, between(0, kWidth * 0.3), between(0, kHeight));
    cairo_curve_to(cr, between(0, kWidth), between(0, kHeight), between(0, kWidth),
                   between(0, kHeight), between(kWidth * 0.7, kWidth), between(0, kHeight));
    cairo_stroke(cr);
  }
}

}  // namespace

std::string random_text() {
  if (sodium_init() < 0) return {};
  const std::size_t length = 4 + randombytes_uniform(2);
  std::string text;
  for (std::size_t i = 0; i < length; ++i)
    text += kAlphabet[randombytes_uniform(static_cast<std::uint32_t>(kAlphabet.size()))];
  return text;
}

Result<std::string> render_png(const render::FontContext& fonts, std::string_view text) {
  if (sodium_init() < 0) return Error::make(ErrorKind::Internal, "libsodium failed to initialise");
  render::SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, kWidth, kHeight));
  render::CairoPtr cr(cairo_create(surface.get()));
  if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS)
    return Error::make(ErrorKind::Render, "cannot create the captcha image");
  cairo_set_source_rgb(cr.get(), between(0.9, 1.0), between(0.9, 1.0), between(0.9, 1.0));
  cairo_paint(cr.get());
  draw_noise_lines(cr.get(), 4, 1.0);

  const std::string family = captcha_family(fonts.fonts());
  // pango_cairo_update_layout() below adapts the layout's context to this image's transform.
  render::PangoContextPtr context(pango_font_map_create_context(pango_context_get_font_map(fonts.pango())));
  render::PangoLayoutPtr layout(pango_layout_new(context.get()));
  render::FontDescriptionPtr font(pango_font_description_new());
  pango_font_description_set_family(font.get(), family.c_str());
  pango_font_description_set_weight(font.get(), PANGO_WEIGHT_BOLD);
  pango_font_description_set_absolute_size(font.get(), 32 * PANGO_SCALE);
  pango_layout_set_font_description(layout.get(), font.get());

  const double cell = static_cast<double>(kWidth - 16) / static_cast<double>(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    pango_layout_set_text(layout.get(), text.data() + i, 1);
    int width = 0, height = 0;
    pango_layout_get_pixel_size(layout.get(), &width, &height);
    cairo_save(cr.get());
    cairo_translate(cr.get(), 8 + cell * (static_cast<double>(i) + 0.5), kHeight / 2.0 + between(-4, 4));
    cairo_rotate(cr.get(), between(-0.4, 0.4));
    cairo_set_source_rgb(cr.get(), between(0.0, 0.45), between(0.0, 0.45), between(0.0, 0.45));
    cairo_move_to(cr.get(), -width / 2.0, -height / 2.0);
    pango_cairo_update_layout(cr.get(), layout.get());
    pango_cairo_show_layout(cr.get(), layout.get());
    cairo_restore(cr.get());
  }

  draw_noise_lines(cr.get(), 3, 1.5);
  for (int i = 0; i < 80; ++i) {
    cairo_set_source_rgb(cr.get(), between(0.2, 0.8), between(0.2, 0.8), between(0.2, 0.8));
    cairo_arc(cr.get(), between(0, kWidth), between(0, kHeight), 0.9, 0, 2 * M_PI);
    cairo_fill(cr.get());
  }
  if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS)
    return Error::make(ErrorKind::Render, "captcha drawing failed");
  cr.reset();
  return encode_png(surface.get());
}

Result<std::string> render_png(jobs::RenderPool& pool, std::string_view text) {
  return pool.run<std::string>([text](render::Renderer& renderer) { return render_png(renderer.font_context(), text); });
}

}  // namespace sanfang::api::captcha
