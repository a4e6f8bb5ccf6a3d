#include "store/webhook_outbox.h"

#include <nlohmann/json.hpp>

#include "workflow/webhook_rules.h"

namespace sanfang::store {

const char* to_string(WebhookDeliveryState state) {
  switch (state) {
    case WebhookDeliveryState::Pending: return "pending";
    case WebhookDeliveryState::Delivered: return "delivered";
    case WebhookDeliveryState::Failed: return "failed";
  }
  return "pending";
}

std::optional<WebhookDeliveryState> webhook_delivery_state_from_string(std::string_view text) {
  for (WebhookDeliveryState state :
       {WebhookDeliveryState::Pending, WebhookDeliveryState::Delivered, WebhookDeliveryState::Failed})
    if (text == to_string(state)) return state;
  return std::nullopt;
}

std::vector<OutboxEntry> webhook_outbox_entries(const std::vector<WebhookEndpoint>& endpoints,
                                                const workflow::AuditEvent& event) {
  std::vector<OutboxEntry> entries;
  const auto type = workflow::webhook_event_type(event);
  if (!type) return entries;
  for (const WebhookEndpoint& endpoint : endpoints)
    if (workflow::webhook_subscribes(endpoint.events, *type)) entries.push_back({endpoint.id, *type});
  return entries;
}

WebhookDeliveryState state_after(const WebhookAttempt& attempt) {
  if (attempt.delivered) return WebhookDeliveryState::Delivered;
  return attempt.next_attempt_at ? WebhookDeliveryState::Pending : WebhookDeliveryState::Failed;
}

std::string webhook_events_column(const std::vector<std::string>& events) { return nlohmann::json(events).dump(); }

Result<std::vector<std::string>> webhook_events_from_column(std::string_view text) {
  const auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (!parsed.is_array()) return Error::make(ErrorKind::Storage, "a webhook endpoint's events are not a JSON array");
  std::vector<std::string> events;
  for (const auto& entry : parsed) {
    if (!entry.is_string()) return Error::make(ErrorKind::Storage, "a webhook endpoint's events are not strings");
    events.push_back(entry.get<std::string>());
  }
  return events;
}

}  // namespace sanfang::store
