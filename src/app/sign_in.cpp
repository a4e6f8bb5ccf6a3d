#include "app/sign_in.h"

#include "store/secrets.h"
#include "workflow/account_rules.h"
#include "workflow/login_policy.h"

#include <algorithm>
#include <cctype>

namespace sanfang::app {

namespace {

// What the store keeps of a captcha answer: sha256 over the captcha id and the answer with
// surrounding spaces removed and letters upper-cased (the image shows capitals; typing lower case
// is fine).
std::string captcha_answer_digest(std::string_view captcha_id, std::string_view answer) {
  std::string normalised(answer);
  normalised.erase(0, normalised.find_first_not_of(" \t"));
  normalised.erase(normalised.find_last_not_of(" \t") + 1);
  std::transform(normalised.begin(), normalised.end(), normalised.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return store::sha256_hex(std::string(captcha_id) + "\n" + normalised);
}

LoginOutcome refused(LoginRefusal refusal, Error reason) { return {std::nullopt, refusal, std::move(reason)}; }

LoginOutcome captcha_required(std::string detail, std::string field) {
  return refused(LoginRefusal::CaptchaRequired, Error::make(ErrorKind::Unauthorized, std::move(detail), std::move(field)));
}

}  // namespace

Result<LoginOutcome> log_in(const Context& context, const PasswordLogin& login) {
  store::Store& store = context.store;
  const auto now = context.now();

  const workflow::LoginThrottle before = TRY(store.login_throttle(login.username, now));
  if (auto locked = workflow::check_login_not_locked(before); !locked)
    return refused(LoginRefusal::Locked, locked.error());
  if (workflow::captcha_required(before)) {
    if (!login.captcha_id || login.captcha_id->empty()) return captcha_required("请先获取验证码并填写", "captcha_id");
    if (!login.captcha_answer || login.captcha_answer->empty()) return captcha_required("请填写验证码", "captcha_answer");
    // Checked once: a wrong answer uses the captcha up, so each guess needs a new image.
    const bool solved = TRY(store.consume_captcha(
        *login.captcha_id, captcha_answer_digest(*login.captcha_id, *login.captcha_answer), now));
    if (!solved) return captcha_required("验证码错误或已过期，请重新获取", "captcha_answer");
  }

  auto account = store.check_login(login.username, login.password, now);
  if (!account) {
    if (account.error().kind == ErrorKind::Forbidden) return refused(LoginRefusal::Locked, account.error());
    if (account.error().kind != ErrorKind::Unauthorized) return account.take_error();
    const workflow::LoginThrottle after = TRY(store.login_throttle(login.username, now));
    if (auto locked = workflow::check_login_not_locked(after); !locked)
      return refused(LoginRefusal::Locked, locked.error());
    if (workflow::captcha_required(after))
      return captcha_required(account.error().message + "；请获取验证码后重试", "captcha_id");
    return refused(LoginRefusal::WrongCredentials, account.error());
  }
  // Asked only after the password matched: a disabled name is not told apart from others before.
  if (auto usable = workflow::check_account_usable(*account); !usable)
    return refused(LoginRefusal::Disabled, usable.error());
  std::string token = TRY(store.create_session(account->id, now));
  return LoginOutcome{SignedIn{std::move(*account), std::move(token)}, LoginRefusal::WrongCredentials, {}};
}

Result<IssuedCaptcha> issue_captcha(const Context& context, std::string_view text) {
  IssuedCaptcha issued{TRY(store::random_token()), context.now() + workflow::kCaptchaLifetime};
  TRY(context.store.create_captcha(issued.id, captcha_answer_digest(issued.id, text), issued.expires_at, context.now()));
  return issued;
}

Status require_solved_captcha(const Context& context, const std::optional<std::string>& captcha_id,
                              const std::optional<std::string>& captcha_answer) {
  if (!captcha_id || captcha_id->empty()) return Error::invalid("captcha_id", "请先获取验证码并填写");
  if (!captcha_answer || captcha_answer->empty()) return Error::invalid("captcha_answer", "请填写验证码");
  const bool solved = TRY(context.store.consume_captcha(
      *captcha_id, captcha_answer_digest(*captcha_id, *captcha_answer), context.now()));
  if (!solved) return Error::invalid("captcha_answer", "验证码错误或已过期，请重新获取");
  return {};
}

Result<SignedIn> sign_in_with_wechat(const Context& context, std::string_view openid) {
  workflow::Account account = TRY(context.store.account_for_wechat(openid));
  TRY(workflow::check_account_usable(account));
  std::string token = TRY(context.store.create_session(account.id, context.now()));
  return SignedIn{std::move(account), std::move(token)};
}

Result<workflow::Account> bind_wechat(const Context& context, std::string_view binding_token, std::string_view openid) {
  workflow::AuditEvent bound;
  bound.entity = "account";
  bound.action = "wechat.bind";
  bound.at = context.now();
  bound.from_state = "unbound";
  bound.to_state = "bound";
  return context.store.complete_wechat_binding(binding_token, openid, context.now(), std::move(bound));
}

}  // namespace sanfang::app
