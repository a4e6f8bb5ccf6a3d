// The webhooks area of the store: the portal's endpoints and the outbox of their deliveries
// (workflow/webhook_rules.h).
//
// The outbox is written by the other areas, not through this interface: every audit event that
// workflow::webhook_event_type announces gets one delivery row per endpoint subscribed to it, in
// the transaction that appends the event. A delivery names its audit event rather than holding a
// body: the body is made from the sealed event, so every attempt and every replay sends the same
// bytes under the same message id.
//
// Deliveries are claimed the way print jobs are leased: a claim moves the delivery's next attempt
// past the time its sender may take, so a second deliverer (another instance on PostgreSQL) skips
// it, and an instance that dies mid-attempt leaves it to be retried after the lease.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "workflow/entities.h"

namespace sanfang::store {

struct WebhookEndpoint {
  std::int64_t id = 0;
  std::string url;
  std::vector<std::string> events;  // as workflow::normalise_webhook_events saved them
  std::string description;
  std::string secret;  // whsec_…: the deliverer signs with it
  std::int64_t created_by = 0;
  workflow::Timestamp created_at{};
};

enum class WebhookDeliveryState { Pending, Delivered, Failed };
const char* to_string(WebhookDeliveryState state);
std::optional<WebhookDeliveryState> webhook_delivery_state_from_string(std::string_view text);

struct WebhookDelivery {
  std::int64_t id = 0;
  std::int64_t endpoint_id = 0;
  std::int64_t audit_id = 0;  // the announced event; the message id is made from it
  std::string event_type;
  WebhookDeliveryState state = WebhookDeliveryState::Pending;
  int attempts = 0;  // made so far
  std::optional<workflow::Timestamp> next_attempt_at;  // pending only
  std::optional<workflow::Timestamp> last_attempt_at;
  int last_status_code = 0;  // the receiver's HTTP status; 0 when it did not answer
  std::string last_error;    // why the last attempt failed (not a 2xx, a timeout, …)
  std::optional<workflow::Timestamp> delivered_at;
  workflow::Timestamp created_at{};
};

// What the deliverer needs for one attempt.
struct DueWebhook {
  WebhookDelivery delivery;
  WebhookEndpoint endpoint;
  workflow::AuditEvent event;  // the audit event delivery.audit_id names
};

// What one attempt came to: delivered (a 2xx), or failed with `next_attempt_at` set while the
// back-off lasts and unset when the delivery is given up.
struct WebhookAttempt {
  workflow::Timestamp at{};
  int status_code = 0;
  std::string error;
  bool delivered = false;
  std::optional<workflow::Timestamp> next_attempt_at;
};

struct WebhookDeliveryQuery {
  std::int64_t endpoint_id = 0;
  std::optional<WebhookDeliveryState> state;
  int limit = 50;  // 0: every delivery selected
  int offset = 0;
};

class WebhookStore {
 public:
  virtual ~WebhookStore() = default;

  // Saves the endpoint (its id and created_at are the store's) with its audit event, whose entity
  // id is the new endpoint's.
  virtual Result<WebhookEndpoint> create_webhook_endpoint(const WebhookEndpoint& endpoint,
                                                          const workflow::AuditEvent& created) = 0;
  // The endpoints not removed, oldest first.
  virtual Result<std::vector<WebhookEndpoint>> webhook_endpoints() = 0;
  // NotFound for an unknown or removed endpoint.
  virtual Result<WebhookEndpoint> webhook_endpoint(std::int64_t id) = 0;
  // Removes the endpoint: it receives nothing more and its pending deliveries are given up; its
  // delivery log stays. NotFound for an unknown or removed endpoint.
  virtual Status remove_webhook_endpoint(std::int64_t id, const workflow::AuditEvent& removed) = 0;

  // The deliveries of an endpoint, newest first.
  virtual Result<std::vector<WebhookDelivery>> webhook_deliveries(const WebhookDeliveryQuery& query) = 0;
  virtual Result<std::int64_t> count_webhook_deliveries(const WebhookDeliveryQuery& query) = 0;
  // NotFound unless the delivery belongs to that endpoint.
  virtual Result<WebhookDelivery> webhook_delivery(std::int64_t endpoint_id, std::int64_t delivery_id) = 0;
  // The delivery is sent again as it was (same event, same message id) at `now`: pending again,
  // its attempts counted afresh. NotFound unless it belongs to that (not removed) endpoint.
  virtual Result<WebhookDelivery> replay_webhook_delivery(std::int64_t endpoint_id, std::int64_t delivery_id,
                                                          workflow::Timestamp now,
                                                          const workflow::AuditEvent& replayed) = 0;

  // Up to `limit` pending deliveries due at `now` (the longest due first), each claimed until
  // `claimed_until` (its next attempt moved there); returned in the order they were written.
  virtual Result<std::vector<DueWebhook>> claim_due_webhooks(workflow::Timestamp now, workflow::Timestamp claimed_until,
                                                             int limit) = 0;
  // Records an attempt of a claimed delivery. Nothing changes for a delivery no longer pending.
  virtual Status record_webhook_attempt(std::int64_t delivery_id, const WebhookAttempt& attempt) = 0;
};

}  // namespace sanfang::store
