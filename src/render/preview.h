// Preview: one page of a PDF as a PNG image, rendered by Poppler (Splash backend).
//
// Poppler initialises global colour-management state lazily without a lock, and concurrent
// first renders have corrupted the heap (tech-notes §5): every render here is serialised by one
// process-wide mutex. Previews are rare next to PDF downloads; the lock costs little.
#pragma once

#include "core/result.h"

#include <mutex>
#include <string>
#include <string_view>

namespace sanfang::render {

// The one lock around every use of Poppler in the process: whoever opens a PDF with Poppler
// (rendering here, checking an upload elsewhere) holds it for as long as the document lives.
std::mutex& poppler_mutex();

// `page` is 1-based; `dpi` the resolution (96 for screens, 200 for QR decoding tests).
Result<std::string> render_page_png(std::string_view pdf, int page, double dpi);

// The first page scaled so that its longer side is `side` pixels.
Result<std::string> first_page_thumbnail_png(std::string_view pdf, int side);

}  // namespace sanfang::render
