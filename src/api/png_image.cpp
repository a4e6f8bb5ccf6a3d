#include "api/png_image.h"

#include <sodium.h>

#include <vector>

namespace sanfang::api {

namespace {

cairo_status_t append_bytes(void* out, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(out)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

Result<std::string> encode_png(cairo_surface_t* image) {
  cairo_surface_flush(image);
  std::string png;
  if (cairo_surface_write_to_png_stream(image, append_bytes, &png) != CAIRO_STATUS_SUCCESS)
    return Error::make(ErrorKind::Render, "PNG encoding failed");
  return png;
}

std::string png_data_uri(std::string_view png) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(png.data());
  std::vector<char> base64(sodium_base64_encoded_len(png.size(), sodium_base64_VARIANT_ORIGINAL));
  sodium_bin2base64(base64.data(), base64.size(), bytes, png.size(), sodium_base64_VARIANT_ORIGINAL);
  return "data:image/png;base64," + std::string(base64.data());
}

}  // namespace sanfang::api
