// QR codes for verification URLs, drawn as a 1-bit stencil mask at module resolution.
//
// Why a stencil and not rectangles: one image mask per code costs ~176 bytes in the PDF and
// none of the per-rectangle number formatting (perf-notes.md), and with nearest-neighbour
// filtering (PDF /Interpolate false) the modules print square and sharp at any resolution.
#pragma once

#include "core/result.h"
#include "render/handles.h"

#include <string_view>

namespace sanfang::render {

constexpr int kQrQuietZoneModules = 4;  // ISO/IEC 18004 §7.3.7

struct QrSymbol {
  SurfacePtr stencil;  // CAIRO_FORMAT_A1, one pixel per module, quiet zone included
  int modules = 0;     // symbol width in modules, quiet zone included
};

// Encodes `payload` at error-correction level Q, case-sensitively (libqrencode upper-cases
// the input when told the text is case-insensitive: tech-notes §4).
Result<QrSymbol> encode_qr(std::string_view payload);

// A second stencil of the same symbol: a surface painted twice on one page is listed twice in
// the page's resources by cairo 1.16 (a duplicated dictionary key), so each placement gets its own.
QrSymbol duplicate_qr(const QrSymbol& symbol);

// Paints the symbol in the square `size` points wide at (x, y): white quiet zone, black modules.
void draw_qr(cairo_t* cr, const QrSymbol& symbol, double x, double y, double size);

}  // namespace sanfang::render
