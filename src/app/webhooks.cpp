#include "app/webhooks.h"

#include "jobs/webhook_sender.h"
#include "jobs/webhook_signature.h"
#include "workflow/webhook_rules.h"

namespace sanfang::app {

Result<store::WebhookEndpoint> register_webhook(const Context& context, const workflow::Actor& actor,
                                                const WebhookRegistration& registration) {
  const workflow::AuditEvent created = TRY(workflow::register_webhook(actor, context.now()));
  store::WebhookEndpoint endpoint;
  TRY(jobs::check_webhook_url(registration.url));
  endpoint.url = registration.url;
  endpoint.events = TRY(workflow::normalise_webhook_events(registration.events));
  TRY(workflow::check_webhook_description(registration.description));
  endpoint.description = registration.description;
  if (registration.secret) {
    TRY(jobs::check_webhook_secret(*registration.secret));
    endpoint.secret = *registration.secret;
  } else {
    endpoint.secret = TRY(jobs::new_webhook_secret());
  }
  return context.store.create_webhook_endpoint(endpoint, created);
}

Result<std::vector<store::WebhookEndpoint>> webhooks(const Context& context, const workflow::Actor& actor) {
  TRY(workflow::require_webhook_manager(actor));
  return context.store.webhook_endpoints();
}

Result<store::WebhookEndpoint> webhook(const Context& context, const workflow::Actor& actor, std::int64_t id) {
  TRY(workflow::require_webhook_manager(actor));
  return context.store.webhook_endpoint(id);
}

Status remove_webhook(const Context& context, const workflow::Actor& actor, std::int64_t id) {
  const workflow::AuditEvent removed = TRY(workflow::remove_webhook(actor, id, context.now()));
  return context.store.remove_webhook_endpoint(id, removed);
}

Result<WebhookDeliveryPage> webhook_deliveries(const Context& context, const workflow::Actor& actor,
                                               const store::WebhookDeliveryQuery& query) {
  TRY(workflow::require_webhook_manager(actor));
  TRY(context.store.webhook_endpoint(query.endpoint_id));
  WebhookDeliveryPage page;
  page.items = TRY(context.store.webhook_deliveries(query));
  page.total = TRY(context.store.count_webhook_deliveries(query));
  return page;
}

Result<store::WebhookDelivery> webhook_delivery(const Context& context, const workflow::Actor& actor,
                                                std::int64_t endpoint_id, std::int64_t delivery_id) {
  TRY(workflow::require_webhook_manager(actor));
  TRY(context.store.webhook_endpoint(endpoint_id));
  return context.store.webhook_delivery(endpoint_id, delivery_id);
}

Result<store::WebhookDelivery> replay_webhook_delivery(const Context& context, const workflow::Actor& actor,
                                                       std::int64_t endpoint_id, std::int64_t delivery_id) {
  const workflow::AuditEvent replayed =
      TRY(workflow::replay_webhook_delivery(actor, endpoint_id, delivery_id, context.now()));
  return context.store.replay_webhook_delivery(endpoint_id, delivery_id, context.now(), replayed);
}

}  // namespace sanfang::app
