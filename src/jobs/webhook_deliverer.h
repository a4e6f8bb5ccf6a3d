// The webhook deliverer: a background thread that sends the outbox (store/webhook_store.h) to the
// portal's endpoints, never on a request's thread, so a slow or dead receiver delays nothing but
// its own deliveries.
//
// Each pass claims the deliveries due at the service clock's time, sends each one signed as
// Standard Webhooks 1.0 says (jobs/webhook_signature.h), and records the attempt: a 2xx delivers
// it, anything else schedules the next attempt by workflow::webhook_retry_delay until it is given
// up. At least once: a receiver may see a message again (after a timeout it answered late, after
// a replay) and recognises it by its `webhook-id`, which is the same on every attempt.
//
// The payload names the change, not the record: {"type", "timestamp", "data": {"entity", "id",
// "action", "from_state", "to_state", "actor_role", "reason", "url"}} — the portal reads the
// agreement or job at `url` with its own key, so a payload never shows more than the portal may
// see, and its bytes, made from the sealed audit event, are the same on every attempt.
#pragma once

#include <chrono>
#include <string>

#include "core/result.h"
#include "jobs/background_loop.h"
#include "store/webhook_store.h"
#include "workflow/clock.h"

namespace sanfang::jobs {

struct WebhookDeliveryOptions {
  // How often the thread looks for due deliveries.
  std::chrono::milliseconds interval{1000};
  // The longest one request may take.
  std::chrono::milliseconds timeout{10'000};
  // Deliveries claimed per pass; the claim lasts until the whole batch could have timed out.
  int batch = 20;
};

// The message id of every attempt at one delivery: "msg_" and the id of the audit event it
// announces, so that all endpoints and every retry and replay of one change share it.
std::string webhook_message_id(std::int64_t audit_id);

// The JSON body of a delivery, the same bytes for every attempt.
std::string webhook_payload(const store::DueWebhook& due);

class WebhookDeliverer {
 public:
  WebhookDeliverer(store::WebhookStore& store, const workflow::Clock& clock, WebhookDeliveryOptions options);
  ~WebhookDeliverer();
  WebhookDeliverer(const WebhookDeliverer&) = delete;
  WebhookDeliverer& operator=(const WebhookDeliverer&) = delete;

  void start();
  // Wakes the thread and joins it after the request in flight, if any (within the timeout).
  void stop();
  // One pass at the clock's current time on the caller's thread: how many attempts were made.
  Result<int> run_once();

 private:
  store::WebhookStore& m_store;
  const workflow::Clock& m_clock;
  WebhookDeliveryOptions m_options;
  BackgroundLoop m_loop;
};

}  // namespace sanfang::jobs
