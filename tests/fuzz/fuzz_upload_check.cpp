// Uploads (attachments: PNG, JPEG, PDF): the first byte picks the declared Content-Type, the rest
// is the file. Any bytes are accepted as the type they really are, or refused with a clear error.
#include "fuzz_support.h"

#include "api/upload_check.h"
#include "store/blob_store.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sanfang;
  if (size == 0) return 0;
  static const std::optional<std::string> kDeclared[] = {
      std::nullopt, "image/png", "image/jpeg", "application/pdf", "application/octet-stream",
      "IMAGE/PNG; charset=binary", "text/plain", ""};
  const auto& declared = kDeclared[data[0] % std::size(kDeclared)];
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  auto type = api::check_upload(fuzz::render_pool(), bytes, declared);
  if (!type) {
    fuzz::require(!type.error().message.empty(), "a refused upload says why");
    return 0;
  }
  auto sniffed = store::sniff_media_type(bytes);
  fuzz::require(sniffed.ok() && *sniffed == *type, "an accepted upload is the type its bytes say");
  return 0;
}
