// Signing in (SPEC "Accounts"): a password login with the captcha after a few failures and the
// lock after many, the captcha itself, and WeChat sign-in and binding for an account the official
// account's backend vouches for. HTTP and the CLI call these; what a refusal is called on the wire
// (status, problem type) is theirs to decide, so a refusal comes back as a kind plus the words
// people read.
#pragma once

#include "app/context.h"
#include "core/result.h"
#include "workflow/clock.h"
#include "workflow/entities.h"

#include <optional>
#include <string>
#include <string_view>

namespace sanfang::app {

// A session for an account: the bearer token (only its digest is stored).
struct SignedIn {
  workflow::Account account;
  std::string token;
};

struct PasswordLogin {
  std::string_view username;
  std::string_view password;
  std::optional<std::string> captcha_id;
  std::optional<std::string> captcha_answer;
};

// Why a login opened no session. The answers never tell whether the name exists: an unknown name
// is counted, asked for a captcha and locked like a real one.
enum class LoginRefusal {
  WrongCredentials,  // unknown name or wrong password (one message for both)
  CaptchaRequired,   // the name failed often enough that a solved captcha must come with the next try
  Locked,            // the name is locked for a while, even for the right password
  Disabled,          // the right password of an account an administrator disabled
};

struct LoginOutcome {
  std::optional<SignedIn> signed_in;     // set when the login succeeded
  LoginRefusal refusal = LoginRefusal::WrongCredentials;
  Error reason;                          // otherwise: the words people read, naming the member
};

// Errors only when the store fails; a refused login is an outcome.
Result<LoginOutcome> log_in(const Context& context, const PasswordLogin& login);

// A new captcha showing `text`, its answer kept as a digest until `expires_at`.
struct IssuedCaptcha {
  std::string id;
  workflow::Timestamp expires_at;
};
Result<IssuedCaptcha> issue_captcha(const Context& context, std::string_view text);

// For a form anyone may send (an employer's self-registration): the captcha must come with it and
// be solved; checked once, like the login's. InvalidInput naming captcha_id or captcha_answer.
Status require_solved_captcha(const Context& context, const std::optional<std::string>& captcha_id,
                              const std::optional<std::string>& captcha_answer);

// A session for the account bound to a WeChat user; the caller has verified the official account's
// signed callback. The login lock does not apply: it stops password guessing, and this proves the
// person by their WeChat account instead — so a student whose name someone locked on purpose can
// still sign in (login_policy.h names that price of a per-name lock).
Result<SignedIn> sign_in_with_wechat(const Context& context, std::string_view openid);

// Uses a binding token (once) to bind `openid` to its account, audited ("account", "wechat.bind")
// in the same transaction.
Result<workflow::Account> bind_wechat(const Context& context, std::string_view binding_token, std::string_view openid);

}  // namespace sanfang::app
