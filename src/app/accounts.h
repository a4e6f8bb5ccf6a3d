// Account use cases (SPEC "Accounts") that are more than one store call.
#pragma once

#include "app/context.h"
#include "core/result.h"
#include "workflow/entities.h"

#include <string>
#include <string_view>

namespace sanfang::app {

// The account changes its own password: the new one must pass the password policy
// (workflow/password_policy.h); a wrong old password is a mistake in the form (InvalidInput naming
// old_password), not a lost session. The change ends the account's other sessions; the session
// `kept_session_token` that made it stays signed in.
Status change_password(const Context& context, const workflow::Account& account, std::string_view old_password,
                       std::string_view new_password, std::string_view kept_session_token);

struct PasswordReset {
  workflow::Account account;
  std::string temporary_password;  // shown once to the reviewer, who hands it to the student
};

// A reviewer of the student's college or the school resets a student's password
// (workflow::reset_student_password): a random temporary password that passes the password policy
// and must be changed at the next login; every session of the student ends, and the reset is
// audited as the reviewer's action, in one transaction. NotFound naming student_no for anyone
// else, and for a student without an account.
Result<PasswordReset> reset_student_password(const Context& context, const workflow::Actor& actor,
                                             std::string_view student_no);

// The account ends its WeChat binding, audited ("account", "wechat.unbind"): the openid no longer
// signs in. Conflict when the account has no binding.
Status unbind_wechat(const Context& context, const workflow::Account& account);

}  // namespace sanfang::app
