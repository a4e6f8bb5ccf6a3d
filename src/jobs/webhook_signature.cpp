#include "jobs/webhook_signature.h"

#include <sodium.h>

#include <vector>

namespace sanfang::jobs {

namespace {

constexpr std::string_view kSecretPrefix = "whsec_";
constexpr std::size_t kNewSecretBytes = 32;
constexpr std::size_t kMinSecretBytes = 24;
constexpr std::size_t kMaxSecretBytes = 64;

std::string to_base64(const unsigned char* bytes, std::size_t size) {
  std::vector<char> text(sodium_base64_encoded_len(size, sodium_base64_VARIANT_ORIGINAL));
  sodium_bin2base64(text.data(), text.size(), bytes, size, sodium_base64_VARIANT_ORIGINAL);
  return std::string(text.data());
}

// The key bytes of a secret; nothing when it is not `whsec_` + base64 of an acceptable length.
Result<std::vector<unsigned char>> secret_bytes(std::string_view secret) {
  const auto invalid = [] {
    return Error::invalid("secret", "签名密钥须为 whsec_ 加 Base64 编码的 24 到 64 字节随机数");
  };
  if (secret.substr(0, kSecretPrefix.size()) != kSecretPrefix) return invalid();
  const std::string_view encoded = secret.substr(kSecretPrefix.size());
  std::vector<unsigned char> bytes(kMaxSecretBytes + 1);
  std::size_t size = 0;
  const char* end = nullptr;
  if (sodium_base642bin(bytes.data(), bytes.size(), encoded.data(), encoded.size(), nullptr, &size, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != encoded.data() + encoded.size())
    return invalid();
  if (size < kMinSecretBytes || size > kMaxSecretBytes) return invalid();
  bytes.resize(size);
  return bytes;
}

}  // namespace

Result<std::string> new_webhook_secret() {
  // sodium_init is idempotent and thread-safe; randombytes needs it first.
  if (sodium_init() < 0) return Error::make(ErrorKind::Internal, "libsodium failed to initialise");
  unsigned char bytes[kNewSecretBytes];
  randombytes_buf(bytes, sizeof bytes);
  return std::string(kSecretPrefix) + to_base64(bytes, sizeof bytes);
}

Status check_webhook_secret(std::string_view secret) {
  TRY(secret_bytes(secret));
  return {};
}

Result<std::string> webhook_signature(std::string_view secret, std::string_view message_id,
                                      std::int64_t unix_timestamp, std::string_view body) {
  const std::vector<unsigned char> key = TRY(secret_bytes(secret));
  const std::string timestamp = std::to_string(unix_timestamp);
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, key.data(), key.size());
  const auto update = [&state](std::string_view part) {
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(part.data()), part.size());
  };
  update(message_id);
  update(".");
  update(timestamp);
  update(".");
  update(body);
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&state, mac);
  return "v1," + to_base64(mac, sizeof mac);
}

}  // namespace sanfang::jobs
