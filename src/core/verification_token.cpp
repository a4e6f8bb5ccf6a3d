#include "core/verification_token.h"

#include "core/validate.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <fstream>

namespace sanfang::core {

namespace {

constexpr char kBase32Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::size_t kSerialBytes = 7;
constexpr std::size_t kMacBytes = 10;
constexpr std::size_t kTokenBytes = kSerialBytes + 1 + kMacBytes;
constexpr std::size_t kTokenChars = (kTokenBytes * 8 + 4) / 5;

std::string base32_encode(const unsigned char* data, std::size_t size) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < size; ++i) {
    buffer = (buffer << 8) | data[i];
    bits += 8;
    while (bits >= 5) {
      out.push_back(kBase32Alphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kBase32Alphabet[(buffer << (5 - bits)) & 31]);
  return out;
}

Result<std::array<unsigned char, kTokenBytes>> base32_decode_token(std::string_view text) {
  if (text.size() != kTokenChars) return Error::invalid("token", "length");
  std::array<unsigned char, kTokenBytes> out{};
  unsigned buffer = 0;
  int bits = 0;
  std::size_t n = 0;
  for (char c : text) {
    char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const char* pos = std::char_traits<char>::find(kBase32Alphabet, 32, upper);
    if (!pos) return Error::invalid("token", "alphabet");
    buffer = (buffer << 5) | static_cast<unsigned>(pos - kBase32Alphabet);
    bits += 5;
    if (bits >= 8) {
      if (n < out.size()) out[n++] = static_cast<unsigned char>((buffer >> (bits - 8)) & 0xFF);
      bits -= 8;
    }
  }
  // Canonical encodings only: the unused low bits of the last character must be zero.
  if ((buffer & ((1u << bits) - 1)) != 0) return Error::invalid("token", "padding bits");
  return out;
}

std::array<unsigned char, kMacBytes> compute_mac(const VerificationKey& key, std::string_view serial, int copy,
                                                 const ContentHash& content_hash) {
  std::string message(serial);
  message.push_back(static_cast<char>(copy));
  message.append(reinterpret_cast<const char*>(content_hash.data()), content_hash.size());
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  HMAC(EVP_sha256(), key.bytes().data(), static_cast<int>(key.bytes().size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &digest_len);
  std::array<unsigned char, kMacBytes> mac{};
  std::copy_n(digest, kMacBytes, mac.begin());
  return mac;
}

}  // namespace

Result<VerificationKey> VerificationKey::load_or_create(const std::filesystem::path& file) {
  std::array<unsigned char, 32> bytes{};
  std::ifstream in(file, std::ios::binary);
  if (in) {
    in.read(reinterpret_cast<char*>(bytes.data()), bytes.size());
    if (in.gcount() != static_cast<std::streamsize>(bytes.size()) || in.peek() != EOF) {
      return Error::make(ErrorKind::Io, "verification key must be exactly 32 bytes: " + file.string());
    }
    return from_bytes(bytes);
  }
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return Error::make(ErrorKind::Internal, "no randomness for the verification key");
  }
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Error::make(ErrorKind::Io, "cannot create verification key: " + file.string());
  bool written = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!written) return Error::make(ErrorKind::Io, "cannot write verification key: " + file.string());
  return from_bytes(bytes);
}

VerificationKey VerificationKey::from_bytes(const std::array<unsigned char, 32>& bytes) {
  VerificationKey key;
  key.m_bytes = bytes;
  return key;
}

std::string make_verification_token(const VerificationKey& key, std::string_view serial, int copy,
                                    const ContentHash& content_hash) {
  std::array<unsigned char, kTokenBytes> raw{};
  std::uint64_t number = std::stoull(std::string(serial.substr(0, 15)));
  for (std::size_t i = 0; i < kSerialBytes; ++i) {
    raw[kSerialBytes - 1 - i] = static_cast<unsigned char>(number >> (8 * i));
  }
  raw[kSerialBytes] = static_cast<unsigned char>(copy);
  auto mac = compute_mac(key, serial, copy, content_hash);
  std::copy(mac.begin(), mac.end(), raw.begin() + kSerialBytes + 1);
  return base32_encode(raw.data(), raw.size());
}

Result<TokenClaims> parse_verification_token(std::string_view token) {
  auto raw = TRY(base32_decode_token(token));
  std::uint64_t number = 0;
  for (std::size_t i = 0; i < kSerialBytes; ++i) number = (number << 8) | raw[i];
  if (number >= 1'000'000'000'000'000ULL) return Error::invalid("token", "serial out of range");
  std::string digits = std::to_string(number);
  digits.insert(0, 15 - digits.size(), '0');
  TokenClaims claims;
  claims.serial = digits + iso7064_mod11_2(digits);
  claims.copy = raw[kSerialBytes];
  std::copy_n(raw.begin() + kSerialBytes + 1, kMacBytes, claims.mac.begin());
  return claims;
}

bool verify_token_mac(const VerificationKey& key, const TokenClaims& claims, const ContentHash& content_hash) {
  auto expected = compute_mac(key, claims.serial, claims.copy, content_hash);
  return CRYPTO_memcmp(expected.data(), claims.mac.data(), kMacBytes) == 0;
}

std::string verification_url(std::string_view public_base, std::string_view token) {
  std::string url(public_base);
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += "/V/";
  url += token;
  for (char& c : url) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return url;
}

}  // namespace sanfang::core
