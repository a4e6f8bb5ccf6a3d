// What both stores do the same way for webhooks (store/webhook_store.h): which endpoints an
// appended audit event goes to, how a subscription is kept in a column, and the delivery states'
// names.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/webhook_store.h"
#include "workflow/entities.h"

namespace sanfang::store {

struct OutboxEntry {
  std::int64_t endpoint_id = 0;
  std::string event_type;
};

// One entry per endpoint subscribed to the event's type (workflow::webhook_event_type); none for
// an event that is not announced.
std::vector<OutboxEntry> webhook_outbox_entries(const std::vector<WebhookEndpoint>& endpoints,
                                                const workflow::AuditEvent& event);

// A delivery's state after `attempt`: delivered, still pending while the back-off lasts, or failed.
WebhookDeliveryState state_after(const WebhookAttempt& attempt);

// A subscription in its column: a JSON array of strings.
std::string webhook_events_column(const std::vector<std::string>& events);
Result<std::vector<std::string>> webhook_events_from_column(std::string_view text);

// SQL both stores run, with `?` placeholders (numbered for PostgreSQL by numbered_placeholders).
inline constexpr const char* kWebhookEndpointColumns =
    "SELECT id, url, events, description, secret, created_by, created_at FROM webhook_endpoints ";
inline constexpr const char* kWebhookDeliveryColumns =
    "SELECT id, endpoint_id, audit_id, event_type, state, attempts, next_attempt_at, last_attempt_at,"
    " last_status_code, last_error, delivered_at, created_at FROM webhook_deliveries ";
// The deliveries a WebhookDeliveryQuery selects: values endpoint id, state name (or ""), state name.
inline constexpr const char* kWebhookDeliveriesOfEndpoint =
    "WHERE endpoint_id = ? AND (? = '' OR state = ?)";
// The state after an attempt: values state, attempt time, status code, error, next attempt (or
// NULL), delivered time (or NULL), delivery id; only a pending delivery changes.
inline constexpr const char* kRecordWebhookAttempt =
    "UPDATE webhook_deliveries SET state = ?, attempts = attempts + 1, last_attempt_at = ?, last_status_code = ?,"
    " last_error = ?, next_attempt_at = ?, delivered_at = ? WHERE id = ? AND state = 'pending'";

}  // namespace sanfang::store
