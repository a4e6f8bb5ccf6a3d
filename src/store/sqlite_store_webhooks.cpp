// The webhooks area of the SQLite store (store/webhook_store.h): endpoints, the delivery log, and
// the outbox rows appended with the audit events they announce.
#include "store/sqlite_store.h"

#include "store/stored_values.h"
#include "store/webhook_outbox.h"

#include <algorithm>

namespace sanfang::store {

using workflow::Timestamp;
using workflow::from_unix_seconds;
using workflow::to_unix_seconds;

namespace {

Result<WebhookEndpoint> endpoint_from_row(const sqlite::Statement& row) {
  WebhookEndpoint endpoint;
  endpoint.id = row.int64(0);
  endpoint.url = row.text(1);
  endpoint.events = TRY(webhook_events_from_column(row.text(2)));
  endpoint.description = row.text(3);
  endpoint.secret = row.text(4);
  endpoint.created_by = row.int64(5);
  endpoint.created_at = from_unix_seconds(row.int64(6));
  return endpoint;
}

Result<WebhookDelivery> delivery_from_row(const sqlite::Statement& row) {
  WebhookDelivery delivery;
  delivery.id = row.int64(0);
  delivery.endpoint_id = row.int64(1);
  delivery.audit_id = row.int64(2);
  delivery.event_type = row.text(3);
  const auto state = webhook_delivery_state_from_string(row.text(4));
  if (!state) return Error::make(ErrorKind::Storage, "unknown webhook delivery state " + row.text(4));
  delivery.state = *state;
  delivery.attempts = static_cast<int>(row.int64(5));
  delivery.next_attempt_at = optional_timestamp(row.optional_int64(6));
  delivery.last_attempt_at = optional_timestamp(row.optional_int64(7));
  delivery.last_status_code = static_cast<int>(row.int64(8));
  delivery.last_error = row.text(9);
  delivery.delivered_at = optional_timestamp(row.optional_int64(10));
  delivery.created_at = from_unix_seconds(row.int64(11));
  return delivery;
}

Error no_endpoint() { return Error::make(ErrorKind::NotFound, "没有这个 Webhook 端点", "id"); }
Error no_delivery() { return Error::make(ErrorKind::NotFound, "没有这次投递", "delivery_id"); }

}  // namespace

Result<std::vector<WebhookEndpoint>> SqliteStore::load_webhook_endpoints() {
  auto rows = TRY(m_db.prepare(std::string(kWebhookEndpointColumns) + "WHERE removed_at IS NULL ORDER BY id"));
  std::vector<WebhookEndpoint> endpoints;
  while (TRY(rows.step())) endpoints.push_back(TRY(endpoint_from_row(rows)));
  return endpoints;
}

Result<WebhookEndpoint> SqliteStore::load_webhook_endpoint(std::int64_t id) {
  auto row = TRY(m_db.prepare(std::string(kWebhookEndpointColumns) + "WHERE id = ? AND removed_at IS NULL"));
  row.bind(1, id);
  if (!TRY(row.step())) return no_endpoint();
  return endpoint_from_row(row);
}

Result<WebhookDelivery> SqliteStore::load_webhook_delivery(std::int64_t endpoint_id, std::int64_t delivery_id) {
  auto row = TRY(m_db.prepare(std::string(kWebhookDeliveryColumns) + "WHERE id = ? AND endpoint_id = ?"));
  row.bind(1, delivery_id).bind(2, endpoint_id);
  if (!TRY(row.step())) return no_delivery();
  return delivery_from_row(row);
}

Status SqliteStore::enqueue_webhook_deliveries(const std::vector<std::pair<std::int64_t, workflow::AuditEvent>>& announced) {
  const std::vector<WebhookEndpoint> endpoints = TRY(load_webhook_endpoints());
  if (endpoints.empty()) return {};
  auto insert = TRY(m_db.prepare(
      "INSERT INTO webhook_deliveries(endpoint_id, audit_id, event_type, state, next_attempt_at, created_at)"
      " VALUES (?, ?, ?, 'pending', ?, ?)"));
  for (const auto& [audit_id, event] : announced) {
    for (const OutboxEntry& entry : webhook_outbox_entries(endpoints, event)) {
      insert.reset();
      TRY(insert.bind(1, entry.endpoint_id)
              .bind(2, audit_id)
              .bind(3, entry.event_type)
              .bind(4, to_unix_seconds(event.at))
              .bind(5, to_unix_seconds(event.at))
              .run());
    }
  }
  return {};
}

Result<WebhookEndpoint> SqliteStore::create_webhook_endpoint(const WebhookEndpoint& endpoint,
                                                             const workflow::AuditEvent& created) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  auto insert = TRY(m_db.prepare(
      "INSERT INTO webhook_endpoints(url, events, description, secret, created_by, created_at)"
      " VALUES (?, ?, ?, ?, ?, ?)"));
  TRY(insert.bind(1, endpoint.url)
          .bind(2, webhook_events_column(endpoint.events))
          .bind(3, endpoint.description)
          .bind(4, endpoint.secret)
          .bind(5, created.actor_account_id)
          .bind(6, to_unix_seconds(created.at))
          .run());
  const std::int64_t id = m_db.last_insert_rowid();
  TRY(append_audit_events({created}, std::to_string(id)));
  WebhookEndpoint saved = TRY(load_webhook_endpoint(id));
  TRY(transaction.commit());
  return saved;
}

Result<std::vector<WebhookEndpoint>> SqliteStore::webhook_endpoints() {
  std::lock_guard lock(m_mutex);
  return load_webhook_endpoints();
}

Result<WebhookEndpoint> SqliteStore::webhook_endpoint(std::int64_t id) {
  std::lock_guard lock(m_mutex);
  return load_webhook_endpoint(id);
}

Status SqliteStore::remove_webhook_endpoint(std::int64_t id, const workflow::AuditEvent& removed) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  TRY(load_webhook_endpoint(id));
  const std::int64_t at = to_unix_seconds(removed.at);
  auto remove = TRY(m_db.prepare("UPDATE webhook_endpoints SET removed_at = ? WHERE id = ?"));
  TRY(remove.bind(1, at).bind(2, id).run());
  auto give_up = TRY(m_db.prepare(
      "UPDATE webhook_deliveries SET state = 'failed', next_attempt_at = NULL, last_error = ?"
      " WHERE endpoint_id = ? AND state = 'pending'"));
  TRY(give_up.bind(1, "端点已删除").bind(2, id).run());
  TRY(append_audit_events({removed}, std::to_string(id)));
  return transaction.commit();
}

Result<std::vector<WebhookDelivery>> SqliteStore::webhook_deliveries(const WebhookDeliveryQuery& query) {
  const std::string state = query.state ? to_string(*query.state) : "";
  std::lock_guard lock(m_mutex);
  auto rows = TRY(m_db.prepare(std::string(kWebhookDeliveryColumns) + kWebhookDeliveriesOfEndpoint +
                               " ORDER BY id DESC LIMIT ? OFFSET ?"));
  // SQLite reads a negative LIMIT as none.
  rows.bind(1, query.endpoint_id).bind(2, state).bind(3, state).bind(4, query.limit > 0 ? query.limit : -1).bind(5, query.offset);
  std::vector<WebhookDelivery> deliveries;
  while (TRY(rows.step())) deliveries.push_back(TRY(delivery_from_row(rows)));
  return deliveries;
}

Result<std::int64_t> SqliteStore::count_webhook_deliveries(const WebhookDeliveryQuery& query) {
  const std::string state = query.state ? to_string(*query.state) : "";
  std::lock_guard lock(m_mutex);
  auto count = TRY(m_db.prepare(std::string("SELECT count(*) FROM webhook_deliveries ") + kWebhookDeliveriesOfEndpoint));
  count.bind(1, query.endpoint_id).bind(2, state).bind(3, state);
  TRY(count.step());
  return count.int64(0);
}

Result<WebhookDelivery> SqliteStore::webhook_delivery(std::int64_t endpoint_id, std::int64_t delivery_id) {
  std::lock_guard lock(m_mutex);
  return load_webhook_delivery(endpoint_id, delivery_id);
}

Result<WebhookDelivery> SqliteStore::replay_webhook_delivery(std::int64_t endpoint_id, std::int64_t delivery_id,
                                                             Timestamp now, const workflow::AuditEvent& replayed) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  TRY(load_webhook_endpoint(endpoint_id));
  TRY(load_webhook_delivery(endpoint_id, delivery_id));
  auto replay = TRY(m_db.prepare(
      "UPDATE webhook_deliveries SET state = 'pending', attempts = 0, next_attempt_at = ?, delivered_at = NULL"
      " WHERE id = ?"));
  TRY(replay.bind(1, to_unix_seconds(now)).bind(2, delivery_id).run());
  TRY(append_audit_events({replayed}, std::to_string(endpoint_id)));
  WebhookDelivery delivery = TRY(load_webhook_delivery(endpoint_id, delivery_id));
  TRY(transaction.commit());
  return delivery;
}

Result<std::vector<DueWebhook>> SqliteStore::claim_due_webhooks(Timestamp now, Timestamp claimed_until, int limit) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  auto due = TRY(m_db.prepare(
      "SELECT id, endpoint_id FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at <= ?"
      " ORDER BY next_attempt_at, id LIMIT ?"));
  due.bind(1, to_unix_seconds(now)).bind(2, limit);
  std::vector<std::pair<std::int64_t, std::int64_t>> ids;
  while (TRY(due.step())) ids.emplace_back(due.int64(0), due.int64(1));
  auto claim = TRY(m_db.prepare("UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ?"));
  auto event = TRY(m_db.prepare(
      "SELECT entity, entity_id, action, actor_account_id, actor_role, at, from_state, to_state, reason"
      " FROM audit_log WHERE id = ?"));
  std::vector<DueWebhook> claimed;
  for (const auto& [delivery_id, endpoint_id] : ids) {
    claim.reset();
    TRY(claim.bind(1, to_unix_seconds(claimed_until)).bind(2, delivery_id).run());
    DueWebhook item;
    item.delivery = TRY(load_webhook_delivery(endpoint_id, delivery_id));
    auto endpoint_row = TRY(m_db.prepare(std::string(kWebhookEndpointColumns) + "WHERE id = ?"));
    endpoint_row.bind(1, endpoint_id);
    if (!TRY(endpoint_row.step())) return no_endpoint();
    item.endpoint = TRY(endpoint_from_row(endpoint_row));
    event.reset();
    event.bind(1, item.delivery.audit_id);
    if (!TRY(event.step())) return Error::make(ErrorKind::Storage, "a webhook delivery names a missing audit event");
    item.event.entity = event.text(0);
    item.event.entity_id = event.text(1);
    item.event.action = event.text(2);
    item.event.actor_account_id = event.int64(3);
    const auto role = workflow::parse_role(event.text(4));
    item.event.actor_role = role.ok() ? role.value() : workflow::Role::System;
    item.event.at = from_unix_seconds(event.int64(5));
    item.event.from_state = event.text(6);
    item.event.to_state = event.text(7);
    item.event.reason = event.text(8);
    claimed.push_back(std::move(item));
  }
  TRY(transaction.commit());
  std::sort(claimed.begin(), claimed.end(),
            [](const DueWebhook& a, const DueWebhook& b) { return a.delivery.id < b.delivery.id; });
  return claimed;
}

Status SqliteStore::record_webhook_attempt(std::int64_t delivery_id, const WebhookAttempt& attempt) {
  std::lock_guard lock(m_mutex);
  auto update = TRY(m_db.prepare(kRecordWebhookAttempt));
  return update.bind(1, to_string(state_after(attempt)))
      .bind(2, to_unix_seconds(attempt.at))
      .bind(3, attempt.status_code)
      .bind(4, attempt.error)
      .bind(5, optional_seconds(attempt.next_attempt_at))
      .bind(6, attempt.delivered ? std::optional<std::int64_t>(to_unix_seconds(attempt.at)) : std::nullopt)
      .bind(7, delivery_id)
      .run();
}

}  // namespace sanfang::store
