// Webhook signatures as Standard Webhooks 1.0 defines them
// (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md,
// "Signature scheme"): a secret `whsec_` + base64 of 24 to 64 random bytes, and
// `webhook-signature: v1,<base64 HMAC-SHA256(secret bytes, "<id>.<timestamp>.<body>")>`, so that a
// portal verifies sanfang's deliveries with the libraries it already uses for other senders.
// HMAC, base64 and randomness come from libsodium.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace sanfang::jobs {

// A new secret: `whsec_` and 32 random bytes in standard base64.
Result<std::string> new_webhook_secret();

// InvalidInput naming `secret` unless it is `whsec_` followed by standard base64 of 24 to 64 bytes.
Status check_webhook_secret(std::string_view secret);

// The `webhook-signature` header value for one attempt; the secret must pass check_webhook_secret.
Result<std::string> webhook_signature(std::string_view secret, std::string_view message_id,
                                      std::int64_t unix_timestamp, std::string_view body);

}  // namespace sanfang::jobs
