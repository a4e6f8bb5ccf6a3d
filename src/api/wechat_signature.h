// How the WeChat official-account backend proves a binding callback came from it (SPEC
// "Accounts"): `X-Sanfang-Signature: hex(HMAC-SHA256(secret, timestamp "\n" nonce "\n" body))`.
// The secret is shared out of band: it is generated at the service's first start into
// DATA/wechat.secret (64 hex characters, mode 0600), which the backend's operator copies.
#pragma once

#include "core/result.h"

#include <filesystem>
#include <string>
#include <string_view>

namespace sanfang::api {

// Reads the secret (the file's text without a trailing newline), or creates it when missing.
Result<std::string> load_or_create_wechat_secret(const std::filesystem::path& file);

// Lower-case hex HMAC-SHA256 over the signed text.
std::string wechat_signature(std::string_view secret, std::string_view timestamp,
                             std::string_view nonce, std::string_view body);

// Constant-time comparison of a presented hex signature (either letter case) with the expected one.
bool wechat_signature_matches(std::string_view secret, std::string_view timestamp,
                              std::string_view nonce, std::string_view body,
                              std::string_view presented_hex);

}  // namespace sanfang::api
