// Account use cases (SPEC "Accounts") that are more than one store call.
#pragma once

#include "app/context.h"
#include "core/result.h"
#include "store/account_store.h"
#include "workflow/account_rules.h"
#include "workflow/entities.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sanfang::app {

// The account changes its own password: the new one must pass the password policy
// (workflow/password_policy.h); a wrong old password is a mistake in the form (InvalidInput naming
// old_password), not a lost session. The change ends the account's other sessions; the session
// `kept_session_token` that made it stays signed in.
Status change_password(const Context& context, const workflow::Account& account, std::string_view old_password,
                       std::string_view new_password, std::string_view kept_session_token);

struct PasswordReset {
  workflow::Account account;  // as stored after the reset: its password must be changed
  std::string temporary_password;  // shown once to the reviewer, who hands it to the student
};

// A reviewer of the student's college or the school resets a student's password
// (workflow::reset_student_password): a random temporary password that passes the password policy
// and must be changed at the next login; every session of the student ends, and the reset is
// audited as the reviewer's action, in one transaction. NotFound naming student_no for anyone
// else, and for a student without an account.
Result<PasswordReset> reset_student_password(const Context& context, const workflow::Actor& actor,
                                             std::string_view student_no);

// ---- the administrator's work (workflow/account_rules.h); NotFound for anyone else ----

// A staff account opened by the administrator: a person gets a temporary password that must be
// changed at the first login; a service (portal, print room) gets its first API key, named
// `api_key_name` (or "initial"), and never a usable password. Both are shown once.
struct OpenedAccount {
  workflow::Account account;
  std::optional<std::string> temporary_password;
  std::optional<store::IssuedApiKey> api_key;
};
Result<OpenedAccount> open_staff_account(const Context& context, const workflow::Actor& actor,
                                         const workflow::StaffAccountRequest& request, std::string_view api_key_name);

struct AccountPage {
  std::vector<workflow::Account> items;
  std::int64_t total = 0;
};
Result<AccountPage> list_accounts(const Context& context, const workflow::Actor& actor, const store::AccountQuery& query);
Result<workflow::Account> administered_account(const Context& context, const workflow::Actor& actor, std::int64_t id);

Result<workflow::Account> disable_account(const Context& context, const workflow::Actor& actor, std::int64_t id);
Result<workflow::Account> enable_account(const Context& context, const workflow::Actor& actor, std::int64_t id);

// A temporary password, changed at the next login; every session of the account ends.
Result<PasswordReset> reset_account_password(const Context& context, const workflow::Actor& actor, std::int64_t id);

Result<std::vector<store::ApiKeyInfo>> api_keys(const Context& context, const workflow::Actor& actor,
                                                std::int64_t account_id);
Result<store::IssuedApiKey> issue_api_key(const Context& context, const workflow::Actor& actor,
                                          std::int64_t account_id, std::string_view name);
Status revoke_api_key(const Context& context, const workflow::Actor& actor, std::int64_t account_id,
                      std::int64_t key_id);

// The account ends its WeChat binding, audited ("account", "wechat.unbind"): the openid no longer
// signs in. Conflict when the account has no binding.
Status unbind_wechat(const Context& context, const workflow::Account& account);

}  // namespace sanfang::app
