// Render input JSON (api/render-input.schema.json) → AgreementDocument: any bytes give either a
// document or an InvalidInput error that says what is wrong; never a crash or an exception.
#include "fuzz_support.h"

#include "render/document.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sanfang;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto document = render::parse_document(input, fuzz::code_lists());
  if (!document) {
    fuzz::require(document.error().kind == ErrorKind::InvalidInput, "bad render input is an input error");
    fuzz::require(!document.error().message.empty(), "a refused render input says why");
    return 0;
  }
  if (document->serial) fuzz::require(document->serial->size() == 16, "a serial has 16 characters");
  fuzz::require(!document->timestamp_utc.empty(), "a document has a timestamp");
  return 0;
}
