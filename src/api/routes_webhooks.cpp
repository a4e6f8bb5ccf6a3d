// Webhooks over HTTP for the portal and the school office (workflow/webhook_rules.h): endpoints
// registered, listed and removed, their delivery logs read and a delivery replayed. To anyone
// else these addresses do not exist (404). An endpoint's secret appears in the answer that
// registered it only, never cached.
#include "api/list_query.h"
#include "api/routes.h"
#include "api/workflow_http.h"
#include "app/webhooks.h"
#include "jobs/webhook_deliverer.h"

#include <set>

namespace sanfang::api {

namespace {

using nlohmann::json;

json endpoint_json(const store::WebhookEndpoint& endpoint) {
  return {{"id", endpoint.id},
          {"url", endpoint.url},
          {"events", endpoint.events},
          {"description", endpoint.description},
          {"created_at", rfc3339(endpoint.created_at)}};
}

json delivery_json(const store::WebhookDelivery& delivery) {
  return {{"id", delivery.id},
          {"endpoint_id", delivery.endpoint_id},
          {"webhook_id", jobs::webhook_message_id(delivery.audit_id)},
          {"event_type", delivery.event_type},
          {"state", store::to_string(delivery.state)},
          {"attempts", delivery.attempts},
          {"next_attempt_at", optional_time(delivery.next_attempt_at)},
          {"last_attempt_at", optional_time(delivery.last_attempt_at)},
          {"last_status_code", delivery.last_status_code},
          {"last_error", delivery.last_error},
          {"delivered_at", optional_time(delivery.delivered_at)},
          {"created_at", rfc3339(delivery.created_at)}};
}

// POST /api/v1/webhooks {url, events, description?, secret?} → 201 the endpoint with its secret.
Result<HttpResponse> register_webhook(RouteContext& context) {
  const JsonBody body = TRY(read_json_body(context.request, {"url", "events", "description", "secret"}));
  app::WebhookRegistration registration;
  registration.url = TRY(body.string("url"));
  registration.events = TRY(body.optional_string_list("events", "事件类型的列表")).value_or(std::vector<std::string>{});
  registration.description = TRY(body.optional_string("description")).value_or("");
  registration.secret = TRY(body.optional_string("secret"));
  const store::WebhookEndpoint endpoint =
      TRY(app::register_webhook(use_cases(context.app), context.actor(), registration));
  json answer = endpoint_json(endpoint);
  answer["secret"] = endpoint.secret;
  return json_response(201, answer.dump()).with_header("Cache-Control", "no-store");
}

Result<HttpResponse> list_webhooks(RouteContext& context) {
  TRY(refuse_unknown_parameters(context.request, {}));
  const auto endpoints = TRY(app::webhooks(use_cases(context.app), context.actor()));
  json items = json::array();
  for (const auto& endpoint : endpoints) items.push_back(endpoint_json(endpoint));
  return json_response(200, json{{"items", items}}.dump());
}

Result<HttpResponse> get_webhook(RouteContext& context) {
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  const auto endpoint = TRY(app::webhook(use_cases(context.app), context.actor(), id));
  return json_response(200, endpoint_json(endpoint).dump());
}

Result<HttpResponse> remove_webhook(RouteContext& context) {
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  TRY(app::remove_webhook(use_cases(context.app), context.actor(), id));
  return bytes_response(204, "application/json", {});
}

// GET /api/v1/webhooks/{id}/deliveries?state=&limit=&offset= → {items, total, limit, offset}
Result<HttpResponse> list_deliveries(RouteContext& context) {
  static const std::set<std::string> kParameters{"state", "limit", "offset"};
  const HttpRequest& request = context.request;
  TRY(refuse_unknown_parameters(request, kParameters));
  store::WebhookDeliveryQuery query;
  query.endpoint_id = TRY(id_parameter(request, "id"));
  if (const auto state = request.query_value("state")) {
    query.state = store::webhook_delivery_state_from_string(*state);
    if (!query.state) return Error::invalid("state", "只能是 pending、delivered 或 failed");
  }
  const Paging paging = TRY(query_paging(request));
  query.limit = paging.limit;
  query.offset = paging.offset;
  const app::WebhookDeliveryPage page = TRY(app::webhook_deliveries(use_cases(context.app), context.actor(), query));
  json items = json::array();
  for (const auto& delivery : page.items) items.push_back(delivery_json(delivery));
  return json_response(
      200, json{{"items", items}, {"total", page.total}, {"limit", query.limit}, {"offset", query.offset}}.dump());
}

Result<HttpResponse> get_delivery(RouteContext& context) {
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  const std::int64_t delivery_id = TRY(id_parameter(context.request, "delivery_id"));
  const auto delivery = TRY(app::webhook_delivery(use_cases(context.app), context.actor(), id, delivery_id));
  return json_response(200, delivery_json(delivery).dump());
}

// POST …/deliveries/{delivery_id}/replay → 202 the delivery, pending again.
Result<HttpResponse> replay_delivery(RouteContext& context) {
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  const std::int64_t delivery_id = TRY(id_parameter(context.request, "delivery_id"));
  TRY(read_json_body(context.request, {}));
  const auto delivery = TRY(app::replay_webhook_delivery(use_cases(context.app), context.actor(), id, delivery_id));
  return json_response(202, delivery_json(delivery).dump());
}

}  // namespace

void register_webhook_routes(RouteTable& table) {
  table.add("GET", "/api/v1/webhooks", Access::Account, list_webhooks);
  table.add("POST", "/api/v1/webhooks", Access::Account, register_webhook);
  table.add("GET", "/api/v1/webhooks/:id", Access::Account, get_webhook);
  table.add("DELETE", "/api/v1/webhooks/:id", Access::Account, remove_webhook);
  table.add("GET", "/api/v1/webhooks/:id/deliveries", Access::Account, list_deliveries);
  table.add("GET", "/api/v1/webhooks/:id/deliveries/:delivery_id", Access::Account, get_delivery);
  table.add("POST", "/api/v1/webhooks/:id/deliveries/:delivery_id/replay", Access::Account, replay_delivery);
}

}  // namespace sanfang::api
