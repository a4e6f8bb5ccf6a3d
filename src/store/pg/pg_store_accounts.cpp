// PgStore: accounts, sessions, login throttling, student import, captchas, API keys and WeChat
// binding (SPEC "Accounts"). Argon2id runs outside any transaction: it is slow on purpose and a
// transaction must not hold a pooled connection (or row locks) meanwhile.
#include "store/pg/pg_store.h"
#include "workflow/login_policy.h"

#include "store/account_query_sql.h"
#include "store/pg/pg_store_rows.h"
#include "store/secrets.h"
#include "store/stored_values.h"
#include "workflow/account_rules.h"

namespace sanfang::store {

using pg::Connection;
using pg::Params;
using workflow::Timestamp;
using workflow::to_unix_seconds;

Result<workflow::Account> PgStore::load_account_by_id(Connection& c, std::int64_t id) {
  auto rows = TRY(c.exec(std::string(pg::kAccountColumns) + "WHERE id = $1", Params().add(id)));
  if (rows.empty()) return Error::make(ErrorKind::NotFound, "账户不存在");
  return pg::account_from_row(rows, 0);
}

Result<workflow::Account> PgStore::create_account(const NewAccount& account, Timestamp now) {
  if (account.username.empty()) return Error::invalid("username", "用户名不能为空");
  const std::string hash = TRY(m_options.password_hasher->hash(account.password));
  return m_pool->transact([&](Connection& c) -> Result<workflow::Account> {
    auto inserted = TRY(c.exec(
        "INSERT INTO accounts(username, password_hash, role, student_no, employer_id, college_code,"
        " must_change_password, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        Params()
            .add(account.username)
            .add(hash)
            .add(workflow::to_string(account.role))
            .add(account.student_no.empty() ? std::nullopt : std::optional<std::string>(account.student_no))
            .add(account.employer_id == 0 ? std::nullopt : std::optional<std::int64_t>(account.employer_id))
            .add(account.college_code.empty() ? std::nullopt : std::optional<std::string>(account.college_code))
            .add(account.must_change_password)
            .add(to_unix_seconds(now))));
    return load_account_by_id(c, inserted.int64(0, 0));
  });
}

Result<workflow::Account> PgStore::create_audited_account(const NewAccount& account, Timestamp now,
                                                          workflow::AuditEvent created) {
  // Unlike the rest of this file, the password is hashed inside the transaction (create_account's
  // own becomes a savepoint of this one): administrators open accounts rarely, and one connection
  // held for the hashing time is the price of the account and its audit record never parting.
  workflow::Account stored;
  TRY(m_pool->bind_thread([&]() -> Status {
    stored = TRY(create_account(account, now));
    created.entity_id = std::to_string(stored.id);
    return m_pool->with_connection(
        [&](Connection& c) { return append_audit_events(c, {created}, created.entity_id); });
  }));
  return stored;
}

Result<workflow::Account> PgStore::account_by_id(std::int64_t id) {
  return m_pool->with_connection([&](Connection& c) { return load_account_by_id(c, id); });
}

Result<std::vector<workflow::Account>> PgStore::list_accounts(const AccountQuery& query) {
  const QuerySql sql = account_query_sql(query);
  Params params = pg::params_of(sql.values);
  std::string statement = "SELECT id, username, role, student_no, employer_id, college_code, must_change_password,"
                          " created_at, disabled_at IS NOT NULL " +
                          numbered_placeholders(sql.filter) + " " + sql.order_by + " COLLATE \"C\"";
  if (query.limit > 0) {
    const int next = params.size() + 1;
    params.add(query.limit).add(query.offset);
    statement += " LIMIT $" + std::to_string(next) + " OFFSET $" + std::to_string(next + 1);
  }
  return m_pool->with_connection([&](Connection& c) -> Result<std::vector<workflow::Account>> {
    auto rows = TRY(c.exec(statement, params));
    std::vector<workflow::Account> accounts;
    for (int r = 0; r < rows.size(); ++r) accounts.push_back(TRY(pg::account_from_row(rows, r)));
    return accounts;
  });
}

Result<std::int64_t> PgStore::count_accounts(const AccountQuery& query) {
  const QuerySql sql = account_query_sql(query);
  return m_pool->with_connection([&](Connection& c) { return pg::count_rows(c, sql.filter, sql.values); });
}

Result<workflow::Account> PgStore::set_account_disabled(std::int64_t account_id, bool disabled,
                                                        const workflow::AuditEvent& event) {
  return m_pool->transact([&](Connection& c) -> Result<workflow::Account> {
    auto updated = TRY(c.exec("UPDATE accounts SET disabled_at = $1 WHERE id = $2",
                              Params()
                                  .add(disabled ? std::optional<std::int64_t>(to_unix_seconds(event.at)) : std::nullopt)
                                  .add(account_id)));
    if (updated.affected() == 0) return Error::make(ErrorKind::NotFound, "账户不存在", "account");
    if (disabled) TRY(c.run("DELETE FROM sessions WHERE account_id = $1", Params().add(account_id)));
    TRY(append_audit_events(c, {event}, std::to_string(account_id)));
    return load_account_by_id(c, account_id);
  });
}

Result<workflow::Account> PgStore::account_by_username(std::string_view username) {
  return m_pool->with_connection([&](Connection& c) -> Result<workflow::Account> {
    auto rows = TRY(c.exec(std::string(pg::kAccountColumns) + "WHERE username = $1", Params().add(username)));
    if (rows.empty()) return Error::make(ErrorKind::NotFound, "账户不存在");
    return pg::account_from_row(rows, 0);
  });
}

Result<workflow::Account> PgStore::account_of_student(std::string_view student_no) {
  return m_pool->with_connection([&](Connection& c) -> Result<workflow::Account> {
    auto rows = TRY(c.exec(std::string(pg::kAccountColumns) + "WHERE student_no = $1 ORDER BY id LIMIT 1",
                           Params().add(student_no)));
    if (rows.empty()) return Error::make(ErrorKind::NotFound, "账户不存在");
    return pg::account_from_row(rows, 0);
  });
}

Result<LoginThrottle> PgStore::login_throttle(std::string_view username, Timestamp now) {
  return m_pool->with_connection([&](Connection& c) -> Result<LoginThrottle> {
    auto rows = TRY(c.exec("SELECT failures, locked_until FROM login_failures WHERE username = $1",
                           Params().add(username)));
    LoginThrottle throttle;
    if (rows.empty()) return throttle;
    throttle.failures = static_cast<int>(rows.int64(0, 0));
    const auto locked_until = pg::optional_timestamp(rows.optional_int64(0, 1));
    if (locked_until && *locked_until > now) throttle.locked_until = locked_until;
    return throttle;
  });
}

Result<workflow::Account> PgStore::check_login(std::string_view username, std::string_view password,
                                               Timestamp now) {
  const LoginThrottle throttle = TRY(login_throttle(username, now));
  TRY(workflow::check_login_not_locked(throttle));

  std::string stored_hash;
  std::optional<std::int64_t> account_id;
  TRY(m_pool->with_connection([&](Connection& c) -> Status {
    auto rows = TRY(c.exec("SELECT id, password_hash FROM accounts WHERE username = $1", Params().add(username)));
    if (!rows.empty()) {
      account_id = rows.int64(0, 0);
      stored_hash = rows.text(0, 1);
    }
    return {};
  }));
  // An unknown name costs the same hashing work as a known one, so timing does not tell them apart.
  static const std::string kDecoyHash = [] {
    auto decoy = hash_password("decoy password");
    return decoy.ok() ? decoy.value() : std::string();
  }();
  // Busy (the hashing queue is full) returns before anything is counted: it is not a failure.
  const bool matches = TRY(m_options.password_hasher->matches(account_id ? stored_hash : kDecoyHash, password));

  if (matches && account_id) {
    return m_pool->transact([&](Connection& c) -> Result<workflow::Account> {
      TRY(c.run("DELETE FROM login_failures WHERE username = $1", Params().add(username)));
      return load_account_by_id(c, *account_id);
    });
  }
  TRY(m_pool->transact([&](Connection& c) -> Status {
    // The upsert counts atomically across instances; the lock restarts the count, so the name gets
    // a fresh set of attempts afterwards.
    auto counted = TRY(c.exec(
        "INSERT INTO login_failures(username, failures, locked_until) VALUES ($1, 1, NULL)"
        " ON CONFLICT(username) DO UPDATE SET failures = login_failures.failures + 1 RETURNING failures",
        Params().add(username)));
    if (const auto locked_until = workflow::lock_after_failed_login(static_cast<int>(counted.int64(0, 0)), now))
      TRY(c.run("UPDATE login_failures SET failures = 0, locked_until = $1 WHERE username = $2",
                Params().add(to_unix_seconds(*locked_until)).add(username)));
    return {};
  }));
  return workflow::login_failed();
}

Status PgStore::change_password(std::int64_t account_id, std::string_view old_password,
                                std::string_view new_password, std::string_view kept_session_token) {
  const std::string stored_hash = TRY(m_pool->with_connection([&](Connection& c) -> Result<std::string> {
    auto rows = TRY(c.exec("SELECT password_hash FROM accounts WHERE id = $1", Params().add(account_id)));
    if (rows.empty()) return Error::make(ErrorKind::NotFound, "账户不存在");
    return rows.text(0, 0);
  }));
  if (!TRY(m_options.password_hasher->matches(stored_hash, old_password)))
    return Error::make(ErrorKind::Unauthorized, "原密码错误", "old_password");
  const std::string new_hash = TRY(m_options.password_hasher->hash(new_password));
  return m_pool->transact([&](Connection& c) -> Status {
    TRY(c.run("UPDATE accounts SET password_hash = $1, must_change_password = false WHERE id = $2",
              Params().add(new_hash).add(account_id)));
    return c.run("DELETE FROM sessions WHERE account_id = $1 AND token_hash != $2",
                 Params().add(account_id).add(sha256_hex(kept_session_token)));
  });
}

Status PgStore::reset_password(std::int64_t account_id, std::string_view new_password,
                               const workflow::AuditEvent& event) {
  const std::string new_hash = TRY(m_options.password_hasher->hash(new_password));
  return m_pool->transact([&](Connection& c) -> Status {
    auto updated = TRY(c.exec("UPDATE accounts SET password_hash = $1, must_change_password = true WHERE id = $2",
                              Params().add(new_hash).add(account_id)));
    if (updated.affected() == 0) return Error::make(ErrorKind::NotFound, "账户不存在");
    TRY(c.run("DELETE FROM sessions WHERE account_id = $1", Params().add(account_id)));
    return append_audit_events(c, {event}, std::to_string(account_id));
  });
}

Result<std::string> PgStore::create_session(std::int64_t account_id, Timestamp now) {
  const std::string token = TRY(random_token());
  TRY(m_pool->with_connection([&](Connection& c) {
    return c.run("INSERT INTO sessions(token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
                 Params()
                     .add(sha256_hex(token))
                     .add(account_id)
                     .add(to_unix_seconds(now))
                     .add(to_unix_seconds(workflow::session_expires_at(now))));
  }));
  return token;
}

Result<workflow::Account> PgStore::account_for_session(std::string_view token, Timestamp now) {
  // One round trip: every authenticated request makes it.
  return m_pool->with_connection([&](Connection& c) -> Result<workflow::Account> {
    auto rows = TRY(c.exec(std::string(pg::kAccountColumns) +
                               "WHERE id = (SELECT account_id FROM sessions WHERE token_hash = $1 AND expires_at > $2)",
                           Params().add(sha256_hex(token)).add(to_unix_seconds(now))));
    if (rows.empty()) return Error::make(ErrorKind::Unauthorized, "登录已失效，请重新登录");
    return pg::account_from_row(rows, 0);
  });
}

Status PgStore::end_session(std::string_view token) {
  return m_pool->with_connection([&](Connection& c) {
    return c.run("DELETE FROM sessions WHERE token_hash = $1", Params().add(sha256_hex(token)));
  });
}

// ---- student import ----------------------------------------------------------------------------

Result<StudentImportOutcome> PgStore::import_student(const workflow::College& college,
                                                     const workflow::Student& student,
                                                     std::string_view initial_password, Timestamp now) {
  // The hash is made outside the transaction and only for a name that has no account yet; the
  // insert below still refuses a name taken in the meantime.
  const bool has_account = TRY(m_pool->with_connection([&](Connection& c) -> Result<bool> {
    auto rows = TRY(c.exec("SELECT 1 FROM accounts WHERE username = $1", Params().add(student.student_no)));
    return !rows.empty();
  }));
  std::optional<std::string> password_hash;
  if (!has_account) password_hash = TRY(m_options.password_hasher->hash(initial_password));

  return m_pool->transact([&](Connection& c) -> Result<StudentImportOutcome> {
    auto known = TRY(c.exec("SELECT 1 FROM students WHERE student_no = $1", Params().add(student.student_no)));
    const bool existed = !known.empty();
    TRY(write_college(c, college));
    TRY(write_student(c, student));
    auto account = TRY(c.exec("SELECT role, student_no FROM accounts WHERE username = $1",
                              Params().add(student.student_no)));
    if (!account.empty()) {
      if (account.text(0, 0) != workflow::to_string(workflow::Role::Student) ||
          account.text(0, 1) != student.student_no)
        return Error::make(ErrorKind::Conflict, "该学号已被其他账户用作用户名", "student_no");
    } else {
      if (!password_hash)
        return Error::make(ErrorKind::Conflict, "该学号的账户刚被删除或改名，请重新导入", "student_no");
      TRY(c.run("INSERT INTO accounts(username, password_hash, role, student_no, employer_id, college_code,"
                " must_change_password, created_at) VALUES ($1, $2, $3, $4, NULL, NULL, true, $5)",
                Params()
                    .add(student.student_no)
                    .add(*password_hash)
                    .add(workflow::to_string(workflow::Role::Student))
                    .add(student.student_no)
                    .add(to_unix_seconds(now))));
    }
    return existed ? StudentImportOutcome::Updated : StudentImportOutcome::Imported;
  });
}

Result<int> PgStore::employers_registered_by(std::int64_t account_id) {
  return m_pool->with_connection([&](Connection& c) -> Result<int> {
    auto rows = TRY(c.exec("SELECT COUNT(*) FROM audit_log WHERE entity = 'employer' AND action = 'register'"
                           " AND actor_account_id = $1",
                           Params().add(account_id)));
    return static_cast<int>(rows.int64(0, 0));
  });
}

// ---- captchas ----------------------------------------------------------------------------------

Status PgStore::create_captcha(std::string_view captcha_id, std::string_view answer_digest,
                               Timestamp expires_at, Timestamp now) {
  return m_pool->transact([&](Connection& c) -> Status {
    TRY(c.run("DELETE FROM captchas WHERE expires_at <= $1", Params().add(to_unix_seconds(now))));
    return c.run("INSERT INTO captchas(id, answer_digest, expires_at) VALUES ($1, $2, $3)",
                 Params().add(captcha_id).add(answer_digest).add(to_unix_seconds(expires_at)));
  });
}

Result<bool> PgStore::consume_captcha(std::string_view captcha_id, std::string_view answer_digest,
                                      Timestamp now) {
  return m_pool->with_connection([&](Connection& c) -> Result<bool> {
    // DELETE … RETURNING: of two instances checking the same captcha only one gets the row.
    auto taken = TRY(c.exec("DELETE FROM captchas WHERE id = $1 RETURNING answer_digest, expires_at",
                            Params().add(captcha_id)));
    if (taken.empty()) return false;
    return taken.text(0, 0) == answer_digest && workflow::from_unix_seconds(taken.int64(0, 1)) > now;
  });
}

// ---- API keys ----------------------------------------------------------------------------------

Result<IssuedApiKey> PgStore::create_api_key(std::int64_t account_id, std::string_view name, Timestamp now,
                                             const std::vector<workflow::AuditEvent>& events) {
  IssuedApiKey issued;
  issued.key = TRY(random_token());
  TRY(m_pool->transact([&](Connection& c) -> Status {
    auto inserted = TRY(c.exec("INSERT INTO api_keys(key_hash, account_id, name, created_at, revoked_at)"
                               " VALUES ($1, $2, $3, $4, NULL) RETURNING id",
                               Params().add(sha256_hex(issued.key)).add(account_id).add(name).add(to_unix_seconds(now))));
    issued.info = ApiKeyInfo{inserted.int64(0, 0), account_id, std::string(name), now, std::nullopt};
    if (events.empty()) return {};
    return append_audit_events(c, events, std::to_string(account_id));
  }));
  return issued;
}

Result<workflow::Account> PgStore::account_for_api_key(std::string_view key) {
  // One round trip: every request of the portal and the print room makes it.
  return m_pool->with_connection([&](Connection& c) -> Result<workflow::Account> {
    auto rows = TRY(c.exec(std::string(pg::kAccountColumns) +
                               "WHERE id = (SELECT account_id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL)",
                           Params().add(sha256_hex(key))));
    if (rows.empty()) return Error::make(ErrorKind::Unauthorized, "API 密钥无效或已吊销");
    return pg::account_from_row(rows, 0);
  });
}

Result<std::vector<ApiKeyInfo>> PgStore::api_keys(std::int64_t account_id) {
  return m_pool->with_connection([&](Connection& c) -> Result<std::vector<ApiKeyInfo>> {
    auto rows = TRY(c.exec("SELECT id, account_id, name, created_at, revoked_at FROM api_keys WHERE account_id = $1"
                           " ORDER BY id",
                           Params().add(account_id)));
    std::vector<ApiKeyInfo> keys;
    for (int r = 0; r < rows.size(); ++r)
      keys.push_back({rows.int64(r, 0), rows.int64(r, 1), rows.text(r, 2), workflow::from_unix_seconds(rows.int64(r, 3)),
                      optional_timestamp(rows.optional_int64(r, 4))});
    return keys;
  });
}

Status PgStore::revoke_api_key(std::int64_t account_id, std::int64_t key_id, Timestamp now,
                               const workflow::AuditEvent& event) {
  return m_pool->transact([&](Connection& c) -> Status {
    auto key = TRY(c.exec("SELECT revoked_at IS NOT NULL FROM api_keys WHERE id = $1 AND account_id = $2 FOR UPDATE",
                          Params().add(key_id).add(account_id)));
    if (key.empty()) return workflow::api_key_not_found();
    if (key.boolean(0, 0)) return workflow::api_key_already_revoked();
    TRY(c.run("UPDATE api_keys SET revoked_at = $1 WHERE id = $2", Params().add(to_unix_seconds(now)).add(key_id)));
    return append_audit_events(c, {event}, std::to_string(account_id));
  });
}

Result<int> PgStore::revoke_api_keys(std::int64_t account_id, Timestamp now) {
  return m_pool->with_connection([&](Connection& c) -> Result<int> {
    auto revoked = TRY(c.exec("UPDATE api_keys SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL",
                              Params().add(to_unix_seconds(now)).add(account_id)));
    return static_cast<int>(revoked.affected());
  });
}

// ---- WeChat binding ----------------------------------------------------------------------------

Result<std::string> PgStore::create_wechat_binding_token(std::int64_t account_id, Timestamp expires_at,
                                                         Timestamp now) {
  const std::string token = TRY(random_token());
  TRY(m_pool->transact([&](Connection& c) -> Status {
    // Tokens that expired unused are of no further use to anyone.
    TRY(c.run("DELETE FROM wechat_binding_tokens WHERE expires_at <= $1 AND used_at IS NULL",
              Params().add(to_unix_seconds(now))));
    return c.run("INSERT INTO wechat_binding_tokens(token_hash, account_id, expires_at, used_at)"
                 " VALUES ($1, $2, $3, NULL)",
                 Params().add(sha256_hex(token)).add(account_id).add(to_unix_seconds(expires_at)));
  }));
  return token;
}

Status PgStore::record_wechat_nonce(std::string_view nonce, Timestamp now, Timestamp forget_before) {
  return m_pool->transact([&](Connection& c) -> Status {
    TRY(c.run("DELETE FROM wechat_nonces WHERE seen_at < $1", Params().add(to_unix_seconds(forget_before))));
    auto inserted = TRY(c.exec("INSERT INTO wechat_nonces(nonce, seen_at) VALUES ($1, $2)"
                               " ON CONFLICT(nonce) DO NOTHING",
                               Params().add(nonce).add(to_unix_seconds(now))));
    if (inserted.affected() == 0)
      return workflow::wechat_nonce_replayed();
    return {};
  });
}

Result<std::int64_t> PgStore::forget_expired_credentials(Timestamp now) {
  return m_pool->transact([&](Connection& c) -> Result<std::int64_t> {
    std::int64_t forgotten = 0;
    for (const char* sql : {"DELETE FROM sessions WHERE expires_at <= $1", "DELETE FROM captchas WHERE expires_at <= $1",
                            "DELETE FROM wechat_binding_tokens WHERE expires_at <= $1"})
      forgotten += TRY(c.exec(sql, Params().add(to_unix_seconds(now)))).affected();
    return forgotten;
  });
}

Result<workflow::Account> PgStore::complete_wechat_binding(std::string_view binding_token,
                                                           std::string_view openid, Timestamp now,
                                                           workflow::AuditEvent bound) {
  return m_pool->transact([&](Connection& c) -> Result<workflow::Account> {
    const std::string token_hash = sha256_hex(binding_token);
    // Locked: two callbacks with the same token on two instances use it once.
    auto rows = TRY(c.exec("SELECT account_id, expires_at, used_at FROM wechat_binding_tokens"
                           " WHERE token_hash = $1 FOR UPDATE",
                           Params().add(token_hash)));
    if (rows.empty()) return workflow::wechat_binding_token_invalid();
    const std::int64_t account_id = rows.int64(0, 0);
    if (!rows.is_null(0, 2)) return workflow::wechat_binding_token_used();
    if (workflow::from_unix_seconds(rows.int64(0, 1)) <= now) return workflow::wechat_binding_token_invalid();
    auto other = TRY(c.exec("SELECT account_id FROM wechat_bindings WHERE openid = $1", Params().add(openid)));
    if (!other.empty() && other.int64(0, 0) != account_id) return workflow::wechat_bound_to_another_account();
    TRY(c.run("UPDATE wechat_binding_tokens SET used_at = $1 WHERE token_hash = $2",
              Params().add(to_unix_seconds(now)).add(token_hash)));
    // A concurrent callback binding the same openid elsewhere trips wechat_bindings_openid_key.
    TRY(c.run("INSERT INTO wechat_bindings(account_id, openid, bound_at) VALUES ($1, $2, $3)"
              " ON CONFLICT(account_id) DO UPDATE SET openid = excluded.openid, bound_at = excluded.bound_at",
              Params().add(account_id).add(openid).add(to_unix_seconds(now))));
    workflow::Account account = TRY(load_account_by_id(c, account_id));
    bound.entity_id = std::to_string(account_id);
    bound.actor_account_id = account_id;
    bound.actor_role = account.role;
    TRY(append_audit_events(c, {bound}, bound.entity_id));
    return account;
  });
}

Result<bool> PgStore::wechat_bound(std::int64_t account_id) {
  return m_pool->with_connection([&](Connection& c) -> Result<bool> {
    auto rows = TRY(c.exec("SELECT 1 FROM wechat_bindings WHERE account_id = $1", Params().add(account_id)));
    return !rows.empty();
  });
}

Result<workflow::Account> PgStore::account_for_wechat(std::string_view openid) {
  return m_pool->with_connection([&](Connection& c) -> Result<workflow::Account> {
    auto rows = TRY(c.exec("SELECT account_id FROM wechat_bindings WHERE openid = $1", Params().add(openid)));
    if (rows.empty()) return workflow::wechat_not_bound();
    return load_account_by_id(c, rows.int64(0, 0));
  });
}

Status PgStore::unbind_wechat(std::int64_t account_id, const workflow::AuditEvent& event) {
  return m_pool->transact([&](Connection& c) -> Status {
    auto removed = TRY(c.exec("DELETE FROM wechat_bindings WHERE account_id = $1", Params().add(account_id)));
    if (removed.affected() == 0) return workflow::no_wechat_binding_to_end();
    return append_audit_events(c, {event}, std::to_string(account_id));
  });
}

}  // namespace sanfang::store
