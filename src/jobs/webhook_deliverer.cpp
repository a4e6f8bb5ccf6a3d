#include "jobs/webhook_deliverer.h"

#include <nlohmann/json.hpp>

#include "core/log.h"
#include "jobs/webhook_sender.h"
#include "jobs/webhook_signature.h"
#include "workflow/webhook_rules.h"

namespace sanfang::jobs {

namespace {

// Where the portal reads the record a change happened to.
std::string record_url(const workflow::AuditEvent& event) {
  if (event.entity == "agreement") return "/api/v1/agreements/" + event.entity_id;
  return "/api/v1/print-jobs/" + event.entity_id;
}

}  // namespace

std::string webhook_message_id(std::int64_t audit_id) { return "msg_" + std::to_string(audit_id); }

std::string webhook_payload(const store::DueWebhook& due) {
  const workflow::AuditEvent& event = due.event;
  const nlohmann::json body = {
      {"type", due.delivery.event_type},
      {"timestamp", workflow::rfc3339(event.at)},
      {"data",
       {{"entity", event.entity},
        {"id", event.entity_id},
        {"action", event.action},
        {"from_state", event.from_state},
        {"to_state", event.to_state},
        {"actor_role", workflow::to_string(event.actor_role)},
        {"reason", event.reason},
        {"url", record_url(event)}}}};
  return body.dump();
}

WebhookDeliverer::WebhookDeliverer(store::WebhookStore& store, const workflow::Clock& clock,
                                   WebhookDeliveryOptions options)
    : m_store(store), m_clock(clock), m_options(options), m_loop(options.interval) {}

WebhookDeliverer::~WebhookDeliverer() { stop(); }

void WebhookDeliverer::start() {
  m_loop.start([this] {
    auto pass = run_once();
    if (!pass)
      log::background_failure(log::BackgroundTask::Webhooks, "webhook_pass_failed", {{"error", pass.error().describe()}});
    // A full batch means more may be due: the next pass starts at once.
    return pass && *pass >= m_options.batch;
  });
}

void WebhookDeliverer::stop() { m_loop.stop(); }

Result<int> WebhookDeliverer::run_once() {
  const workflow::Timestamp now = m_clock.now();
  // A claim outlasts every request of the batch timing out, plus a minute of slack.
  const auto claim = std::chrono::ceil<std::chrono::seconds>(m_options.timeout * m_options.batch) + std::chrono::minutes(1);
  const std::vector<store::DueWebhook> due = TRY(m_store.claim_due_webhooks(now, now + claim, m_options.batch));
  for (const store::DueWebhook& item : due) {
    // A stopping service waits for one request at most; what it claimed and did not send is
    // claimed again by the next deliverer once the claim runs out.
    if (m_loop.stopping()) break;
    WebhookRequest request;
    request.url = item.endpoint.url;
    request.message_id = webhook_message_id(item.delivery.audit_id);
    request.timestamp = workflow::to_unix_seconds(m_clock.now());
    request.body = webhook_payload(item);
    request.signature = TRY(webhook_signature(item.endpoint.secret, request.message_id, request.timestamp, request.body));
    const WebhookResponse response = send_webhook(request, m_options.timeout);

    store::WebhookAttempt attempt;
    attempt.at = m_clock.now();
    attempt.status_code = response.status_code;
    attempt.error = response.error;
    attempt.delivered = response.delivered();
    if (!attempt.delivered) {
      if (const auto delay = workflow::webhook_retry_delay(item.delivery.attempts + 1)) attempt.next_attempt_at = attempt.at + *delay;
      log::warn("webhook_attempt_failed", {{"endpoint_id", item.endpoint.id},
                                           {"delivery_id", item.delivery.id},
                                           {"webhook_id", request.message_id},
                                           {"attempt", item.delivery.attempts + 1},
                                           {"error", response.error},
                                           {"given_up", !attempt.next_attempt_at.has_value()}});
    }
    TRY(m_store.record_webhook_attempt(item.delivery.id, attempt));
  }
  return static_cast<int>(due.size());
}

}  // namespace sanfang::jobs
