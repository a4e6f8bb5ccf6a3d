// Verification tokens (the /V/TOKEN of every QR code, typed by anyone): any text is refused or
// decodes to claims whose serial is well-formed, and re-issuing a token for those claims gives
// back the same serial and copy with a MAC that verifies.
#include "fuzz_support.h"

#include "core/validate.h"
#include "core/verification_token.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sanfang;
  const std::string_view token(reinterpret_cast<const char*>(data), size);
  auto claims = core::parse_verification_token(token);
  if (!claims) return 0;
  fuzz::require(claims->serial.size() == 16, "a decoded serial has 16 characters");
  fuzz::require(claims->copy >= 0 && claims->copy <= 255, "a copy number fits a byte");

  std::array<unsigned char, 32> key_bytes{};
  key_bytes.fill(7);
  const auto key = core::VerificationKey::from_bytes(key_bytes);
  core::ContentHash hash{};
  hash.fill(3);
  const std::string reissued = core::make_verification_token(key, claims->serial, claims->copy, hash);
  auto again = core::parse_verification_token(reissued);
  fuzz::require(again.ok(), "an issued token parses");
  fuzz::require(again->serial == claims->serial && again->copy == claims->copy, "a token keeps serial and copy");
  fuzz::require(core::verify_token_mac(key, *again, hash), "an issued token's MAC verifies");
  return 0;
}
