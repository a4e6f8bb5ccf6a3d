#include "render/qr.h"

#include <qrencode.h>

#include <cstring>
#include <memory>
#include <string>

namespace sanfang::render {

Result<QrSymbol> encode_qr(std::string_view payload) {
  std::string text(payload);
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
      QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_Q, QR_MODE_8, /*casesensitive=*/1), &QRcode_free);
  if (!code) return Error::make(ErrorKind::Render, "QR encoding failed for a payload of " + std::to_string(text.size()) + " bytes");

  QrSymbol symbol;
  symbol.modules = code->width + 2 * kQrQuietZoneModules;
  symbol.stencil.reset(cairo_image_surface_create(CAIRO_FORMAT_A1, symbol.modules, symbol.modules));
  cairo_surface_flush(symbol.stencil.get());
  unsigned char* data = cairo_image_surface_get_data(symbol.stencil.get());
  const int stride = cairo_image_surface_get_stride(symbol.stencil.get());
  for (int row = 0; row < code->width; ++row) {
    auto* line = reinterpret_cast<uint32_t*>(data + (row + kQrQuietZoneModules) * stride);
    for (int col = 0; col < code->width; ++col) {
      if (code->data[row * code->width + col] & 1) {  // bit 0: dark module
        int x = col + kQrQuietZoneModules;
        // CAIRO_FORMAT_A1 packs pixels into native-endian 32-bit words, first pixel in the
        // least significant bit on little-endian machines.
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        line[x / 32] |= 1u << (x % 32);
#else
        line[x / 32] |= 1u << (31 - x % 32);
#endif
      }
    }
  }
  cairo_surface_mark_dirty(symbol.stencil.get());
  return symbol;
}

QrSymbol duplicate_qr(const QrSymbol& symbol) {
  QrSymbol copy;
  copy.modules = symbol.modules;
  copy.stencil.reset(cairo_image_surface_create(CAIRO_FORMAT_A1, symbol.modules, symbol.modules));
  cairo_surface_flush(copy.stencil.get());
  cairo_surface_flush(symbol.stencil.get());
  const int stride = cairo_image_surface_get_stride(symbol.stencil.get());
  std::memcpy(cairo_image_surface_get_data(copy.stencil.get()), cairo_image_surface_get_data(symbol.stencil.get()),
              static_cast<std::size_t>(stride) * symbol.modules);
  cairo_surface_mark_dirty(copy.stencil.get());
  return copy;
}

void draw_qr(cairo_t* cr, const QrSymbol& symbol, double x, double y, double size) {
  cairo_save(cr);
  cairo_rectangle(cr, x, y, size, size);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_fill(cr);
  cairo_translate(cr, x, y);
  const double module = size / symbol.modules;
  cairo_scale(cr, module, module);
  cairo_set_source_rgb(cr, 0, 0, 0);
  PatternPtr mask(cairo_pattern_create_for_surface(symbol.stencil.get()));
  cairo_pattern_set_filter(mask.get(), CAIRO_FILTER_NEAREST);
  cairo_mask(cr, mask.get());
  cairo_restore(cr);
}

}  // namespace sanfang::render
