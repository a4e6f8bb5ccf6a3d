// PNG images handed to clients inside JSON (the captcha, the WeChat binding QR code): a cairo
// image surface encoded as PNG bytes, and those bytes as a data: URI.
#pragma once

#include "core/result.h"

#include <cairo.h>

#include <string>
#include <string_view>

namespace sanfang::api {

Result<std::string> encode_png(cairo_surface_t* image);

// "data:image/png;base64,…" (RFC 2397), encoded with libsodium.
std::string png_data_uri(std::string_view png);

}  // namespace sanfang::api
