// One webhook request over HTTP(S) with libcurl: POST of a JSON body with the Standard Webhooks
// headers (webhook-id, webhook-timestamp, webhook-signature). Redirects are not followed (a
// receiver that moved registers its new address) and the answer's body is not kept.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace sanfang::jobs {

// InvalidInput naming `url` unless it is an absolute http or https URL with a host and no user
// name or password (they would show in the delivery log), at most 2,048 bytes. Parsed by libcurl,
// the library that sends to it.
Status check_webhook_url(std::string_view url);

struct WebhookRequest {
  std::string url;
  std::string message_id;
  std::int64_t timestamp = 0;  // Unix seconds, as signed
  std::string signature;       // "v1,…"
  std::string body;
};

struct WebhookResponse {
  int status_code = 0;  // 0: no answer (connection refused, timeout, TLS failure)
  std::string error;    // what went wrong, for the delivery log; empty for a 2xx
  bool delivered() const { return status_code >= 200 && status_code < 300; }
};

// Blocks for at most `timeout` (connecting included).
WebhookResponse send_webhook(const WebhookRequest& request, std::chrono::milliseconds timeout);

}  // namespace sanfang::jobs
