// The accounts area of the store (SPEC "Accounts"): accounts and their Argon2id password hashes,
// sessions, API keys of service accounts, captchas, the login throttle and WeChat bindings.
//
// Secrets handed to clients (session tokens, API keys, binding tokens) are random and only their
// sha256 is stored. The policy — when a name is locked and for how long, what a login failure or
// a lock says, how long a session lives — is workflow/login_policy.h's; the store counts, keeps
// and reports the facts it needs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "workflow/entities.h"
#include "workflow/login_policy.h"

namespace sanfang::store {

struct NewAccount {
  std::string username;
  std::string password;  // plain text in, Argon2id hash stored
  workflow::Role role = workflow::Role::Student;
  std::string student_no;        // students
  std::int64_t employer_id = 0;  // employer HR accounts
  std::string college_code;      // college reviewers
  bool must_change_password = false;
};

// Which accounts an administrator's list selects (GET /api/v1/accounts); unset members do not
// narrow. Ordered by user name.
struct AccountQuery {
  std::optional<workflow::Role> role;
  std::optional<std::string> college_code;
  std::optional<bool> disabled;
  std::optional<std::string> username_part;  // a substring of the user name
  int limit = 50;  // 0: every account selected
  int offset = 0;
};

// One API key of a service account as its administrator sees it; the key itself is shown once,
// when issued, and never stored.
struct ApiKeyInfo {
  std::int64_t id = 0;
  std::int64_t account_id = 0;
  std::string name;
  workflow::Timestamp created_at{};
  std::optional<workflow::Timestamp> revoked_at;
};

struct IssuedApiKey {
  ApiKeyInfo info;
  std::string key;
};

// Failed logins are counted per user name whether or not the account exists, so that the
// answers (captcha required, locked) never reveal which names are real (SPEC "Accounts").
using LoginThrottle = workflow::LoginThrottle;

class AccountStore {
 public:
  virtual ~AccountStore() = default;

  // ---- accounts and sessions ----
  virtual Result<workflow::Account> create_account(const NewAccount& account,
                                                   workflow::Timestamp now) = 0;
  // `create_account` with its audit record (an administrator opened it): the account and `created`,
  // whose entity_id the store fills in with the new id, in one transaction.
  virtual Result<workflow::Account> create_audited_account(const NewAccount& account, workflow::Timestamp now,
                                                           workflow::AuditEvent created) = 0;
  virtual Result<workflow::Account> account_by_id(std::int64_t id) = 0;
  virtual Result<workflow::Account> account_by_username(std::string_view username) = 0;
  virtual Result<std::vector<workflow::Account>> list_accounts(const AccountQuery& query) = 0;
  // How many accounts the query selects, without its limit and offset.
  virtual Result<std::int64_t> count_accounts(const AccountQuery& query) = 0;
  // Disables (every session of the account ends) or enables the account and appends `event`, in
  // one transaction; returns the account as it is now. NotFound naming account.
  virtual Result<workflow::Account> set_account_disabled(std::int64_t account_id, bool disabled,
                                                         const workflow::AuditEvent& event) = 0;
  // The account of a student (the first made, when there were several); NotFound without one.
  virtual Result<workflow::Account> account_of_student(std::string_view student_no) = 0;
  // Unauthorized with one message for an unknown name and a wrong password; Forbidden while the
  // name is locked. Counts failures and locks as the login policy says.
  virtual Result<workflow::Account> check_login(std::string_view username,
                                                std::string_view password,
                                                workflow::Timestamp now) = 0;
  virtual Result<LoginThrottle> login_throttle(std::string_view username,
                                               workflow::Timestamp now) = 0;
  // The password policy (workflow/password_policy.h) is the caller's to apply. A change ends
  // every other session of the account: the session `kept_session_token` (the one that made
  // the change) stays valid, so the person changing it is not signed out, while a session an
  // attacker may hold ends. Unauthorized naming old_password when it is wrong.
  virtual Status change_password(std::int64_t account_id, std::string_view old_password,
                                 std::string_view new_password,
                                 std::string_view kept_session_token) = 0;
  // An administrator's reset: sets `new_password`, marks it for change at the next login, ends
  // every session of the account and appends `event` (who reset it), in one transaction.
  virtual Status reset_password(std::int64_t account_id, std::string_view new_password,
                                const workflow::AuditEvent& event) = 0;
  // Returns the bearer token; only its sha256 is stored.
  virtual Result<std::string> create_session(std::int64_t account_id, workflow::Timestamp now) = 0;
  virtual Result<workflow::Account> account_for_session(std::string_view token,
                                                        workflow::Timestamp now) = 0;
  virtual Status end_session(std::string_view token) = 0;

  // ---- captchas ----
  // Only a digest of the answer is kept; checking one deletes it (single use), and expired ones
  // are pruned when new ones are made.
  virtual Status create_captcha(std::string_view captcha_id, std::string_view answer_digest,
                                workflow::Timestamp expires_at, workflow::Timestamp now) = 0;
  // True when the captcha exists, has not expired and its digest matches.
  virtual Result<bool> consume_captcha(std::string_view captcha_id, std::string_view answer_digest,
                                       workflow::Timestamp now) = 0;

  // ---- API keys ----
  // API keys of service accounts (portal, print room): returned once, only the sha256 is stored;
  // they never expire but can be revoked. An account holds several at once, each with a name,
  // so that a key is rotated without downtime. `events` (the audit record, if any) are
  // appended in the same transaction.
  virtual Result<IssuedApiKey> create_api_key(std::int64_t account_id, std::string_view name,
                                              workflow::Timestamp now,
                                              const std::vector<workflow::AuditEvent>& events) = 0;
  virtual Result<workflow::Account> account_for_api_key(std::string_view key) = 0;
  // The account's keys, live and revoked, oldest first.
  virtual Result<std::vector<ApiKeyInfo>> api_keys(std::int64_t account_id) = 0;
  // Revokes one key of the account and appends `event`, in one transaction. NotFound naming key_id
  // when the account has no such key, Conflict naming key_id when it was revoked already.
  virtual Status revoke_api_key(std::int64_t account_id, std::int64_t key_id, workflow::Timestamp now,
                                const workflow::AuditEvent& event) = 0;
  // Revokes every live key of the account; returns how many were revoked.
  virtual Result<int> revoke_api_keys(std::int64_t account_id, workflow::Timestamp now) = 0;

  // ---- WeChat binding ----
  // A one-time token for the account, stored hashed.
  virtual Result<std::string> create_wechat_binding_token(std::int64_t account_id,
                                                          workflow::Timestamp expires_at,
                                                          workflow::Timestamp now) = 0;
  // Remembers a callback nonce; Conflict when it was seen before (a replayed callback). Nonces
  // older than `forget_before` are dropped: callbacks that old are refused by their timestamp.
  virtual Status record_wechat_nonce(std::string_view nonce, workflow::Timestamp now,
                                     workflow::Timestamp forget_before) = 0;
  // Deletes what can no longer be used at `now` — sessions, captchas and WeChat binding tokens
  // past their end — and returns how many rows went. Each is refused by its own expiry anyway;
  // this keeps the tables from growing all year (run once per period by jobs::ExpirySweeper).
  virtual Result<std::int64_t> forget_expired_credentials(workflow::Timestamp now) = 0;
  // Uses the binding token (once), binds `openid` to its account and appends `bound` to the audit
  // log in the same transaction, with the token's account as entity and actor (the caller cannot
  // know it before the token is looked up). InvalidInput naming binding_token when it is unknown or
  // expired, Conflict when it was used already or the openid is bound to another account.
  virtual Result<workflow::Account> complete_wechat_binding(std::string_view binding_token,
                                                            std::string_view openid, workflow::Timestamp now,
                                                            workflow::AuditEvent bound) = 0;
  virtual Result<bool> wechat_bound(std::int64_t account_id) = 0;
  // The account bound to `openid`, for a WeChat sign-in: Unauthorized naming openid when no
  // account is bound to it (never bound, or unbound since).
  virtual Result<workflow::Account> account_for_wechat(std::string_view openid) = 0;
  // Ends the account's binding and appends `event`, its audit record, in the same transaction:
  // the openid no longer signs in. Conflict naming the binding when the account has none.
  virtual Status unbind_wechat(std::int64_t account_id, const workflow::AuditEvent& event) = 0;
};

}  // namespace sanfang::store
