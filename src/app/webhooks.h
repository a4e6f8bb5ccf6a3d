// Webhook use cases (workflow/webhook_rules.h): the portal and the school office register
// endpoints, look at their delivery logs and replay a delivery. Sending is the deliverer's
// (jobs/webhook_deliverer.h); the outbox rows are written by the store with each change.
#pragma once

#include "app/context.h"
#include "core/result.h"
#include "store/webhook_store.h"
#include "workflow/entities.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sanfang::app {

struct WebhookRegistration {
  std::string url;
  std::vector<std::string> events;
  std::string description;
  std::optional<std::string> secret;  // none: a new random one
};

// A new endpoint with its secret (shown to the caller once, in the answer to this). InvalidInput
// naming url, events, description or secret; nothing is saved then.
Result<store::WebhookEndpoint> register_webhook(const Context& context, const workflow::Actor& actor,
                                                const WebhookRegistration& registration);
Result<std::vector<store::WebhookEndpoint>> webhooks(const Context& context, const workflow::Actor& actor);
Result<store::WebhookEndpoint> webhook(const Context& context, const workflow::Actor& actor, std::int64_t id);
Status remove_webhook(const Context& context, const workflow::Actor& actor, std::int64_t id);

struct WebhookDeliveryPage {
  std::vector<store::WebhookDelivery> items;
  std::int64_t total = 0;
};
// The delivery log of an endpoint (query.endpoint_id), newest first.
Result<WebhookDeliveryPage> webhook_deliveries(const Context& context, const workflow::Actor& actor,
                                               const store::WebhookDeliveryQuery& query);
Result<store::WebhookDelivery> webhook_delivery(const Context& context, const workflow::Actor& actor,
                                                std::int64_t endpoint_id, std::int64_t delivery_id);
// Sends a delivery again, as it was, from now on (the deliverer's next pass).
Result<store::WebhookDelivery> replay_webhook_delivery(const Context& context, const workflow::Actor& actor,
                                                       std::int64_t endpoint_id, std::int64_t delivery_id);

}  // namespace sanfang::app
