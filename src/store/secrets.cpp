#include "store/secrets.h"

#include <array>
#include <memory>

#include <openssl/evp.h>
#include <sodium.h>

namespace sanfang::store {
namespace {

std::string to_hex(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex(size * 2, '0');
  for (std::size_t i = 0; i < size; ++i) {
    hex[2 * i] = kDigits[data[i] >> 4];
    hex[2 * i + 1] = kDigits[data[i] & 0x0f];
  }
  return hex;
}

Status ensure_sodium() {
  // sodium_init is idempotent and thread-safe; it returns 1 when already initialised.
  if (sodium_init() < 0) return Error::make(ErrorKind::Internal, "libsodium failed to initialise");
  return {};
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr);
  return to_hex(digest.data(), length);
}

struct Sha256Stream::Context {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> digest{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
};

Sha256Stream::Sha256Stream() : m_context(std::make_unique<Context>()) {
  EVP_DigestInit_ex(m_context->digest.get(), EVP_sha256(), nullptr);
}

Sha256Stream::~Sha256Stream() = default;

void Sha256Stream::update(std::string_view bytes) {
  EVP_DigestUpdate(m_context->digest.get(), bytes.data(), bytes.size());
}

std::string Sha256Stream::hex_digest() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_DigestFinal_ex(m_context->digest.get(), digest.data(), &length);
  return to_hex(digest.data(), length);
}

Result<std::string> hash_password(std::string_view password) {
  TRY(ensure_sodium());
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0)
    return Error::make(ErrorKind::Internal, "password hashing ran out of memory");
  return std::string(out.data());
}

bool password_matches(std::string_view stored_hash, std::string_view password) {
  if (!ensure_sodium().ok()) return false;
  const std::string hash(stored_hash);
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::shared_ptr<PasswordHasher> PasswordHasher::process_default() {
  static const auto hasher = std::make_shared<PasswordHasher>();
  return hasher;
}

Result<std::string> PasswordHasher::hash(std::string_view password) {
  // The task owns copies of what it works on, so it never reads a caller's buffer.
  return m_pool.run([password = std::string(password)] { return hash_password(password); });
}

Result<bool> PasswordHasher::matches(std::string_view stored_hash, std::string_view password) {
  return m_pool.run([stored = std::string(stored_hash), password = std::string(password)]() -> Result<bool> {
    return password_matches(stored, password);
  });
}

Result<std::string> random_token() {
  TRY(ensure_sodium());
  std::array<unsigned char, 32> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  return to_hex(bytes.data(), bytes.size());
}

Result<std::string> random_password(std::size_t length) {
  TRY(ensure_sodium());
  static constexpr std::string_view kAlphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string password;
  for (std::size_t i = 0; i < length; ++i)
    password += kAlphabet[randombytes_uniform(static_cast<std::uint32_t>(kAlphabet.size()))];
  return password;
}

}  // namespace sanfang::store
