// The accounts area of the store (SPEC "Accounts"): accounts and their Argon2id password hashes,
// sessions, API keys of service accounts, captchas, the login throttle and WeChat bindings.
//
// Secrets handed to clients (session tokens, API keys, binding tokens) are random and only their
// sha256 is stored. The policy — when a name is locked and for how long, what a login failure or
// a lock says, how long a session lives — is workflow/login_policy.h's; the store counts, keeps
// and reports the facts it needs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

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

// Failed logins are counted per user name whether or not the account exists, so that the
// answers (captcha required, locked) never reveal which names are real (SPEC "Accounts").
using LoginThrottle = workflow::LoginThrottle;

class AccountStore {
 public:
  virtual ~AccountStore() = default;

  // ---- accounts and sessions ----
  virtual Result<workflow::Account> create_account(const NewAccount& account,
                                                   workflow::Timestamp now) = 0;
  virtual Result<workflow::Account> account_by_username(std::string_view username) = 0;
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
  // they never expire but can be revoked.
  virtual Result<std::string> create_api_key(std::int64_t account_id, workflow::Timestamp now) = 0;
  virtual Result<workflow::Account> account_for_api_key(std::string_view key) = 0;
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
