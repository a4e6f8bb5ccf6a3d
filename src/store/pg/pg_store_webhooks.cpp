// PgStore: the webhooks area (store/webhook_store.h) — endpoints, the delivery log, the outbox
// rows appended with the audit events they announce, and claims that let the deliverers of
// several instances share the outbox without sending a delivery twice at once.
#include "store/pg/pg_store.h"

#include "store/agreement_query_sql.h"
#include "store/stored_values.h"
#include "store/webhook_outbox.h"

#include <algorithm>

namespace sanfang::store {

using pg::Connection;
using pg::Params;
using workflow::Timestamp;
using workflow::from_unix_seconds;
using workflow::to_unix_seconds;

namespace {

Result<WebhookEndpoint> endpoint_from_row(const pg::Rows& rows, int r) {
  WebhookEndpoint endpoint;
  endpoint.id = rows.int64(r, 0);
  endpoint.url = rows.text(r, 1);
  endpoint.events = TRY(webhook_events_from_column(rows.text(r, 2)));
  endpoint.description = rows.text(r, 3);
  endpoint.secret = rows.text(r, 4);
  endpoint.created_by = rows.int64(r, 5);
  endpoint.created_at = from_unix_seconds(rows.int64(r, 6));
  return endpoint;
}

Result<WebhookDelivery> delivery_from_row(const pg::Rows& rows, int r) {
  WebhookDelivery delivery;
  delivery.id = rows.int64(r, 0);
  delivery.endpoint_id = rows.int64(r, 1);
  delivery.audit_id = rows.int64(r, 2);
  delivery.event_type = rows.text(r, 3);
  const auto state = webhook_delivery_state_from_string(rows.text(r, 4));
  if (!state) return Error::make(ErrorKind::Storage, "unknown webhook delivery state " + rows.text(r, 4));
  delivery.state = *state;
  delivery.attempts = static_cast<int>(rows.int64(r, 5));
  delivery.next_attempt_at = optional_timestamp(rows.optional_int64(r, 6));
  delivery.last_attempt_at = optional_timestamp(rows.optional_int64(r, 7));
  delivery.last_status_code = static_cast<int>(rows.int64(r, 8));
  delivery.last_error = rows.text(r, 9);
  delivery.delivered_at = optional_timestamp(rows.optional_int64(r, 10));
  delivery.created_at = from_unix_seconds(rows.int64(r, 11));
  return delivery;
}

Error no_endpoint() { return Error::make(ErrorKind::NotFound, "没有这个 Webhook 端点", "id"); }
Error no_delivery() { return Error::make(ErrorKind::NotFound, "没有这次投递", "delivery_id"); }

Result<std::vector<WebhookEndpoint>> load_endpoints(Connection& c) {
  auto rows = TRY(c.exec(std::string(kWebhookEndpointColumns) + "WHERE removed_at IS NULL ORDER BY id"));
  std::vector<WebhookEndpoint> endpoints;
  for (int r = 0; r < rows.size(); ++r) endpoints.push_back(TRY(endpoint_from_row(rows, r)));
  return endpoints;
}

// `lock`: the row stays locked until the transaction ends (a removal waits for a replay).
Result<WebhookEndpoint> load_endpoint(Connection& c, std::int64_t id, bool lock = false) {
  auto rows = TRY(c.exec(std::string(kWebhookEndpointColumns) + "WHERE id = $1 AND removed_at IS NULL" +
                             (lock ? " FOR UPDATE" : ""),
                         Params().add(id)));
  if (rows.empty()) return no_endpoint();
  return endpoint_from_row(rows, 0);
}

Result<WebhookDelivery> load_delivery(Connection& c, std::int64_t endpoint_id, std::int64_t delivery_id) {
  auto rows = TRY(c.exec(std::string(kWebhookDeliveryColumns) + "WHERE id = $1 AND endpoint_id = $2",
                         Params().add(delivery_id).add(endpoint_id)));
  if (rows.empty()) return no_delivery();
  return delivery_from_row(rows, 0);
}

Params delivery_query_params(const WebhookDeliveryQuery& query) {
  const std::string state = query.state ? to_string(*query.state) : "";
  return Params().add(query.endpoint_id).add(state).add(state);
}

}  // namespace

Status PgStore::enqueue_webhook_deliveries(Connection& c,
                                           const std::vector<std::pair<std::int64_t, workflow::AuditEvent>>& announced) {
  const std::vector<WebhookEndpoint> endpoints = TRY(load_endpoints(c));
  for (const auto& [audit_id, event] : announced) {
    for (const OutboxEntry& entry : webhook_outbox_entries(endpoints, event)) {
      TRY(c.run("INSERT INTO webhook_deliveries(endpoint_id, audit_id, event_type, state, next_attempt_at, created_at)"
                " VALUES ($1, $2, $3, 'pending', $4, $5)",
                Params()
                    .add(entry.endpoint_id)
                    .add(audit_id)
                    .add(entry.event_type)
                    .add(to_unix_seconds(event.at))
                    .add(to_unix_seconds(event.at))));
    }
  }
  return {};
}

Result<WebhookEndpoint> PgStore::create_webhook_endpoint(const WebhookEndpoint& endpoint,
                                                         const workflow::AuditEvent& created) {
  return m_pool->transact([&](Connection& c) -> Result<WebhookEndpoint> {
    auto inserted = TRY(c.exec(
        "INSERT INTO webhook_endpoints(url, events, description, secret, created_by, created_at)"
        " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        Params()
            .add(endpoint.url)
            .add(webhook_events_column(endpoint.events))
            .add(endpoint.description)
            .add(endpoint.secret)
            .add(created.actor_account_id)
            .add(to_unix_seconds(created.at))));
    const std::int64_t id = inserted.int64(0, 0);
    TRY(append_audit_events(c, {created}, std::to_string(id)));
    return load_endpoint(c, id);
  });
}

Result<std::vector<WebhookEndpoint>> PgStore::webhook_endpoints() {
  return m_pool->with_connection([&](Connection& c) { return load_endpoints(c); });
}

Result<WebhookEndpoint> PgStore::webhook_endpoint(std::int64_t id) {
  return m_pool->with_connection([&](Connection& c) { return load_endpoint(c, id); });
}

Status PgStore::remove_webhook_endpoint(std::int64_t id, const workflow::AuditEvent& removed) {
  return m_pool->transact([&](Connection& c) -> Status {
    TRY(load_endpoint(c, id, true));
    TRY(c.run("UPDATE webhook_endpoints SET removed_at = $1 WHERE id = $2",
              Params().add(to_unix_seconds(removed.at)).add(id)));
    TRY(c.run("UPDATE webhook_deliveries SET state = 'failed', next_attempt_at = NULL, last_error = $1"
              " WHERE endpoint_id = $2 AND state = 'pending'",
              Params().add("端点已删除").add(id)));
    return append_audit_events(c, {removed}, std::to_string(id));
  });
}

Result<std::vector<WebhookDelivery>> PgStore::webhook_deliveries(const WebhookDeliveryQuery& query) {
  const std::string statement = std::string(kWebhookDeliveryColumns) +
                                numbered_placeholders(kWebhookDeliveriesOfEndpoint) + " ORDER BY id DESC LIMIT $4 OFFSET $5";
  return m_pool->with_connection([&](Connection& c) -> Result<std::vector<WebhookDelivery>> {
    // LIMIT NULL is no limit.
    const auto limit = query.limit > 0 ? std::optional<std::int64_t>(query.limit) : std::nullopt;
    auto rows = TRY(c.exec(statement, delivery_query_params(query).add(limit).add(query.offset)));
    std::vector<WebhookDelivery> deliveries;
    for (int r = 0; r < rows.size(); ++r) deliveries.push_back(TRY(delivery_from_row(rows, r)));
    return deliveries;
  });
}

Result<std::int64_t> PgStore::count_webhook_deliveries(const WebhookDeliveryQuery& query) {
  const std::string statement =
      std::string("SELECT count(*) FROM webhook_deliveries ") + numbered_placeholders(kWebhookDeliveriesOfEndpoint);
  return m_pool->with_connection([&](Connection& c) -> Result<std::int64_t> {
    auto rows = TRY(c.exec(statement, delivery_query_params(query)));
    return rows.int64(0, 0);
  });
}

Result<WebhookDelivery> PgStore::webhook_delivery(std::int64_t endpoint_id, std::int64_t delivery_id) {
  return m_pool->with_connection([&](Connection& c) { return load_delivery(c, endpoint_id, delivery_id); });
}

Result<WebhookDelivery> PgStore::replay_webhook_delivery(std::int64_t endpoint_id, std::int64_t delivery_id,
                                                         Timestamp now, const workflow::AuditEvent& replayed) {
  return m_pool->transact([&](Connection& c) -> Result<WebhookDelivery> {
    TRY(load_endpoint(c, endpoint_id, true));
    TRY(load_delivery(c, endpoint_id, delivery_id));
    TRY(c.run("UPDATE webhook_deliveries SET state = 'pending', attempts = 0, next_attempt_at = $1,"
              " delivered_at = NULL WHERE id = $2",
              Params().add(to_unix_seconds(now)).add(delivery_id)));
    TRY(append_audit_events(c, {replayed}, std::to_string(endpoint_id)));
    return load_delivery(c, endpoint_id, delivery_id);
  });
}

Result<std::vector<DueWebhook>> PgStore::claim_due_webhooks(Timestamp now, Timestamp claimed_until, int limit) {
  return m_pool->transact([&](Connection& c) -> Result<std::vector<DueWebhook>> {
    // SKIP LOCKED: a delivery another instance is claiming right now is left to it.
    auto ids = TRY(c.exec(
        "UPDATE webhook_deliveries SET next_attempt_at = $1 WHERE id IN ("
        " SELECT id FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at <= $2"
        " ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)"
        " RETURNING id, endpoint_id",
        Params().add(to_unix_seconds(claimed_until)).add(to_unix_seconds(now)).add(limit)));
    std::vector<DueWebhook> claimed;
    for (int r = 0; r < ids.size(); ++r) {
      DueWebhook item;
      item.delivery = TRY(load_delivery(c, ids.int64(r, 1), ids.int64(r, 0)));
      auto endpoint = TRY(c.exec(std::string(kWebhookEndpointColumns) + "WHERE id = $1", Params().add(ids.int64(r, 1))));
      if (endpoint.empty()) return no_endpoint();
      item.endpoint = TRY(endpoint_from_row(endpoint, 0));
      auto event = TRY(c.exec(
          "SELECT entity, entity_id, action, actor_account_id, actor_role, at, from_state, to_state, reason"
          " FROM audit_log WHERE id = $1",
          Params().add(item.delivery.audit_id)));
      if (event.empty()) return Error::make(ErrorKind::Storage, "a webhook delivery names a missing audit event");
      item.event.entity = event.text(0, 0);
      item.event.entity_id = event.text(0, 1);
      item.event.action = event.text(0, 2);
      item.event.actor_account_id = event.int64(0, 3);
      const auto role = workflow::parse_role(event.text(0, 4));
      item.event.actor_role = role.ok() ? role.value() : workflow::Role::System;
      item.event.at = from_unix_seconds(event.int64(0, 5));
      item.event.from_state = event.text(0, 6);
      item.event.to_state = event.text(0, 7);
      item.event.reason = event.text(0, 8);
      claimed.push_back(std::move(item));
    }
    std::sort(claimed.begin(), claimed.end(),
              [](const DueWebhook& a, const DueWebhook& b) { return a.delivery.id < b.delivery.id; });
    return claimed;
  });
}

Status PgStore::record_webhook_attempt(std::int64_t delivery_id, const WebhookAttempt& attempt) {
  return m_pool->with_connection([&](Connection& c) -> Status {
    return c.run(numbered_placeholders(kRecordWebhookAttempt),
                 Params()
                     .add(to_string(state_after(attempt)))
                     .add(to_unix_seconds(attempt.at))
                     .add(attempt.status_code)
                     .add(attempt.error)
                     .add(optional_seconds(attempt.next_attempt_at))
                     .add(attempt.delivered ? std::optional<std::int64_t>(to_unix_seconds(attempt.at)) : std::nullopt)
                     .add(delivery_id));
  });
}

}  // namespace sanfang::store
