// The accounts area of the SQLite store: student import, captchas, API keys and WeChat binding
// (SPEC "Accounts"). Secrets handed to clients (API keys, binding tokens) are random and only
// their sha256 is stored, like session tokens.
#include "store/sqlite_store.h"

#include "store/secrets.h"
#include "store/stored_values.h"
#include "workflow/account_rules.h"

namespace sanfang::store {

using workflow::Timestamp;
using workflow::to_unix_seconds;

Result<StudentImportOutcome> SqliteStore::import_student(const workflow::College& college,
                                                         const workflow::Student& student,
                                                         std::string_view initial_password,
                                                         Timestamp now) {
  // Argon2id is slow on purpose, so the hash is made outside the lock and only for a name that
  // has no account yet; the insert below still refuses a name taken in the meantime.
  bool has_account = false;
  {
    std::lock_guard lock(m_mutex);
    auto existing = TRY(m_db.prepare("SELECT 1 FROM accounts WHERE username = ?"));
    existing.bind(1, student.student_no);
    has_account = TRY(existing.step());
  }
  std::optional<std::string> password_hash;
  if (!has_account) password_hash = TRY(m_options.password_hasher->hash(initial_password));

  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  auto known = TRY(m_db.prepare("SELECT 1 FROM students WHERE student_no = ?"));
  known.bind(1, student.student_no);
  const bool existed = TRY(known.step());

  TRY(write_college(college));
  TRY(write_student(student));

  auto account = TRY(m_db.prepare("SELECT role, student_no FROM accounts WHERE username = ?"));
  account.bind(1, student.student_no);
  if (TRY(account.step())) {
    if (account.text(0) != workflow::to_string(workflow::Role::Student) ||
        account.text(1) != student.student_no)
      return Error::make(ErrorKind::Conflict, "该学号已被其他账户用作用户名", "student_no");
  } else {
    if (!password_hash)
      return Error::make(ErrorKind::Conflict, "该学号的账户刚被删除或改名，请重新导入", "student_no");
    auto insert = TRY(m_db.prepare(
        "INSERT INTO accounts(username, password_hash, role, student_no, employer_id, college_code,"
        " must_change_password, created_at) VALUES (?, ?, ?, ?, NULL, NULL, 1, ?)"));
    TRY(insert.bind(1, student.student_no)
            .bind(2, *password_hash)
            .bind(3, workflow::to_string(workflow::Role::Student))
            .bind(4, student.student_no)
            .bind(5, to_unix_seconds(now))
            .run());
  }
  TRY(transaction.commit());
  return existed ? StudentImportOutcome::Updated : StudentImportOutcome::Imported;
}

// ---- limits ------------------------------------------------------------------------------------

Result<int> SqliteStore::employers_registered_by(std::int64_t account_id) {
  std::lock_guard lock(m_mutex);
  auto count = TRY(m_db.prepare(
      "SELECT COUNT(*) FROM audit_log WHERE entity = 'employer' AND action = 'register'"
      " AND actor_account_id = ?"));
  count.bind(1, account_id);
  TRY(count.step());
  return static_cast<int>(count.int64(0));
}

// ---- captchas ----------------------------------------------------------------------------------

Status SqliteStore::create_captcha(std::string_view captcha_id, std::string_view answer_digest,
                                   Timestamp expires_at, Timestamp now) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  auto prune = TRY(m_db.prepare("DELETE FROM captchas WHERE expires_at <= ?"));
  TRY(prune.bind(1, to_unix_seconds(now)).run());
  auto insert =
      TRY(m_db.prepare("INSERT INTO captchas(id, answer_digest, expires_at) VALUES (?, ?, ?)"));
  TRY(insert.bind(1, captcha_id).bind(2, answer_digest).bind(3, to_unix_seconds(expires_at)).run());
  return transaction.commit();
}

Result<bool> SqliteStore::consume_captcha(std::string_view captcha_id,
                                          std::string_view answer_digest, Timestamp now) {
  std::lock_guard lock(m_mutex);
  auto take = TRY(m_db.prepare(
      "DELETE FROM captchas WHERE id = ? RETURNING answer_digest, expires_at"));
  take.bind(1, captcha_id);
  if (!TRY(take.step())) return false;
  const bool matches = take.text(0) == answer_digest &&
                       workflow::from_unix_seconds(take.int64(1)) > now;
  TRY(take.step());
  return matches;
}

// ---- API keys ----------------------------------------------------------------------------------

Result<IssuedApiKey> SqliteStore::create_api_key(std::int64_t account_id, std::string_view name, Timestamp now,
                                                 const std::vector<workflow::AuditEvent>& events) {
  IssuedApiKey issued;
  issued.key = TRY(random_token());
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  auto insert = TRY(m_db.prepare(
      "INSERT INTO api_keys(key_hash, account_id, name, created_at, revoked_at) VALUES (?, ?, ?, ?, NULL)"));
  TRY(insert.bind(1, sha256_hex(issued.key)).bind(2, account_id).bind(3, name).bind(4, to_unix_seconds(now)).run());
  issued.info = ApiKeyInfo{m_db.last_insert_rowid(), account_id, std::string(name), now, std::nullopt};
  if (!events.empty()) TRY(append_audit_events(events, std::to_string(account_id)));
  TRY(transaction.commit());
  return issued;
}

Result<workflow::Account> SqliteStore::account_for_api_key(std::string_view key) {
  std::lock_guard lock(m_mutex);
  auto row = TRY(m_db.prepare(
      "SELECT account_id FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL"));
  row.bind(1, sha256_hex(key));
  if (!TRY(row.step())) return Error::make(ErrorKind::Unauthorized, "API 密钥无效或已吊销");
  return load_account_by_id(row.int64(0));
}

Result<std::vector<ApiKeyInfo>> SqliteStore::api_keys(std::int64_t account_id) {
  std::lock_guard lock(m_mutex);
  auto rows = TRY(m_db.prepare(
      "SELECT id, account_id, name, created_at, revoked_at FROM api_keys WHERE account_id = ? ORDER BY id"));
  rows.bind(1, account_id);
  std::vector<ApiKeyInfo> keys;
  while (TRY(rows.step()))
    keys.push_back({rows.int64(0), rows.int64(1), rows.text(2), workflow::from_unix_seconds(rows.int64(3)),
                    optional_timestamp(rows.optional_int64(4))});
  return keys;
}

Status SqliteStore::revoke_api_key(std::int64_t account_id, std::int64_t key_id, Timestamp now,
                                   const workflow::AuditEvent& event) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  auto key = TRY(m_db.prepare("SELECT revoked_at IS NOT NULL FROM api_keys WHERE id = ? AND account_id = ?"));
  key.bind(1, key_id).bind(2, account_id);
  if (!TRY(key.step())) return workflow::api_key_not_found();
  if (key.int64(0) != 0) return workflow::api_key_already_revoked();
  auto revoke = TRY(m_db.prepare("UPDATE api_keys SET revoked_at = ? WHERE id = ?"));
  TRY(revoke.bind(1, to_unix_seconds(now)).bind(2, key_id).run());
  TRY(append_audit_events({event}, std::to_string(account_id)));
  return transaction.commit();
}

Result<int> SqliteStore::revoke_api_keys(std::int64_t account_id, Timestamp now) {
  std::lock_guard lock(m_mutex);
  auto revoke = TRY(m_db.prepare(
      "UPDATE api_keys SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL"));
  TRY(revoke.bind(1, to_unix_seconds(now)).bind(2, account_id).run());
  return m_db.changes();
}

// ---- WeChat binding ----------------------------------------------------------------------------

Result<std::string> SqliteStore::create_wechat_binding_token(std::int64_t account_id,
                                                             Timestamp expires_at, Timestamp now) {
  const std::string token = TRY(random_token());
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  // Tokens that expired unused are of no further use to anyone.
  auto prune = TRY(m_db.prepare(
      "DELETE FROM wechat_binding_tokens WHERE expires_at <= ? AND used_at IS NULL"));
  TRY(prune.bind(1, to_unix_seconds(now)).run());
  auto insert = TRY(m_db.prepare(
      "INSERT INTO wechat_binding_tokens(token_hash, account_id, expires_at, used_at)"
      " VALUES (?, ?, ?, NULL)"));
  TRY(insert.bind(1, sha256_hex(token)).bind(2, account_id).bind(3, to_unix_seconds(expires_at)).run());
  TRY(transaction.commit());
  return token;
}

Status SqliteStore::record_wechat_nonce(std::string_view nonce, Timestamp now,
                                        Timestamp forget_before) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  auto prune = TRY(m_db.prepare("DELETE FROM wechat_nonces WHERE seen_at < ?"));
  TRY(prune.bind(1, to_unix_seconds(forget_before)).run());
  auto insert = TRY(m_db.prepare(
      "INSERT INTO wechat_nonces(nonce, seen_at) VALUES (?, ?) ON CONFLICT(nonce) DO NOTHING"));
  TRY(insert.bind(1, nonce).bind(2, to_unix_seconds(now)).run());
  if (m_db.changes() == 0)
    return workflow::wechat_nonce_replayed();
  return transaction.commit();
}

Result<std::int64_t> SqliteStore::forget_expired_credentials(Timestamp now) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  std::int64_t forgotten = 0;
  for (const char* sql : {"DELETE FROM sessions WHERE expires_at <= ?", "DELETE FROM captchas WHERE expires_at <= ?",
                          "DELETE FROM wechat_binding_tokens WHERE expires_at <= ?"}) {
    auto remove = TRY(m_db.prepare(sql));
    TRY(remove.bind(1, to_unix_seconds(now)).run());
    forgotten += m_db.changes();
  }
  TRY(transaction.commit());
  return forgotten;
}

Result<workflow::Account> SqliteStore::complete_wechat_binding(std::string_view binding_token,
                                                               std::string_view openid, Timestamp now,
                                                               workflow::AuditEvent bound) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  auto row = TRY(m_db.prepare(
      "SELECT account_id, expires_at, used_at FROM wechat_binding_tokens WHERE token_hash = ?"));
  const std::string token_hash = sha256_hex(binding_token);
  row.bind(1, token_hash);
  if (!TRY(row.step())) return workflow::wechat_binding_token_invalid();
  const std::int64_t account_id = row.int64(0);
  if (!row.is_null(2)) return workflow::wechat_binding_token_used();
  if (workflow::from_unix_seconds(row.int64(1)) <= now) return workflow::wechat_binding_token_invalid();

  auto other = TRY(m_db.prepare("SELECT account_id FROM wechat_bindings WHERE openid = ?"));
  other.bind(1, openid);
  if (TRY(other.step()) && other.int64(0) != account_id) return workflow::wechat_bound_to_another_account();

  auto use = TRY(m_db.prepare("UPDATE wechat_binding_tokens SET used_at = ? WHERE token_hash = ?"));
  TRY(use.bind(1, to_unix_seconds(now)).bind(2, token_hash).run());
  auto bind = TRY(m_db.prepare(
      "INSERT INTO wechat_bindings(account_id, openid, bound_at) VALUES (?, ?, ?)"
      " ON CONFLICT(account_id) DO UPDATE SET openid = excluded.openid, bound_at = excluded.bound_at"));
  TRY(bind.bind(1, account_id).bind(2, openid).bind(3, to_unix_seconds(now)).run());
  auto account = TRY(load_account_by_id(account_id));
  bound.entity_id = std::to_string(account_id);
  bound.actor_account_id = account_id;
  bound.actor_role = account.role;
  TRY(append_audit_events({bound}, bound.entity_id));
  TRY(transaction.commit());
  return account;
}

Result<bool> SqliteStore::wechat_bound(std::int64_t account_id) {
  std::lock_guard lock(m_mutex);
  auto row = TRY(m_db.prepare("SELECT 1 FROM wechat_bindings WHERE account_id = ?"));
  row.bind(1, account_id);
  return TRY(row.step());
}

Result<workflow::Account> SqliteStore::account_for_wechat(std::string_view openid) {
  std::lock_guard lock(m_mutex);
  auto row = TRY(m_db.prepare("SELECT account_id FROM wechat_bindings WHERE openid = ?"));
  row.bind(1, openid);
  if (!TRY(row.step())) return workflow::wechat_not_bound();
  return load_account_by_id(row.int64(0));
}

Status SqliteStore::unbind_wechat(std::int64_t account_id, const workflow::AuditEvent& event) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  auto remove = TRY(m_db.prepare("DELETE FROM wechat_bindings WHERE account_id = ?"));
  TRY(remove.bind(1, account_id).run());
  if (m_db.changes() == 0) return workflow::no_wechat_binding_to_end();
  TRY(append_audit_events({event}, std::to_string(account_id)));
  return transaction.commit();
}

}  // namespace sanfang::store
