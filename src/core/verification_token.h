// Verification tokens: what a printed copy's QR code carries (agreement-form.md "Verification
// QR"). TOKEN = base32 (RFC 4648, upper case, no padding) of
//   serial (the 15 digits before the check character, as a 7-byte big-endian integer)
//   || copy number (1 byte)
//   || HMAC-SHA256(key, serial || copy || content hash) truncated to 80 bits (10 bytes)
// = 18 bytes, 29 characters. Upper-case base32 keeps the whole URL in QR alphanumeric mode
// (a smaller symbol at EC level Q); the server compares case-insensitively. The token carries no
// personal data; a forged or altered token fails the MAC, a truncated one fails to parse.
#pragma once

#include "core/result.h"

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace sanfang::core {

using ContentHash = std::array<unsigned char, 32>;

class VerificationKey {
 public:
  // Reads the 32-byte key at `file`, or creates it (random, mode 0600) when it does not exist.
  static Result<VerificationKey> load_or_create(const std::filesystem::path& file);
  static VerificationKey from_bytes(const std::array<unsigned char, 32>& bytes);
  const std::array<unsigned char, 32>& bytes() const { return m_bytes; }

 private:
  std::array<unsigned char, 32> m_bytes{};
};

struct TokenClaims {
  std::string serial;  // 16 characters including the recomputed check character
  int copy = 0;
  std::array<unsigned char, 10> mac{};
};

std::string make_verification_token(const VerificationKey& key, std::string_view serial, int copy,
                                     const ContentHash& content_hash);
// Decodes a token (any letter case). Errors for anything that is not a well-formed token.
Result<TokenClaims> parse_verification_token(std::string_view token);
// Constant-time check of the claims' MAC against the document's content hash.
bool verify_token_mac(const VerificationKey& key, const TokenClaims& claims, const ContentHash& content_hash);
// PUBLIC_BASE/V/TOKEN, upper-cased so that the QR code stays in alphanumeric mode.
std::string verification_url(std::string_view public_base, std::string_view token);

}  // namespace sanfang::core
