// Accounts over HTTP (SPEC "Accounts"): login with the captcha after 3 failures and the lock after
// 10, the forced first password change, logout, the captcha image and who am I.
#include "api/captcha.h"
#include "api/json_body.h"
#include "api/png_image.h"
#include "api/problem.h"
#include "api/routes.h"
#include "api/workflow_http.h"
#include "app/accounts.h"
#include "core/field_labels.h"
#include "store/secrets.h"
#include "workflow/password_policy.h"

namespace sanfang::api {

namespace {

// SPEC "Accounts": after 3 failed logins for an account a captcha is required.
constexpr int kFailuresBeforeCaptcha = 3;
constexpr std::size_t kMaxUsernameBytes = 64;
constexpr std::size_t kMaxPasswordBytes = workflow::kMaxPasswordBytes;

HttpResponse captcha_required(const std::string& detail, const std::string& field) {
  return problem_response(401, "captcha_required", detail, field);
}

HttpResponse account_locked(const std::string& detail) {
  return problem_response(403, "account_locked", detail);
}

Result<std::string> bounded(const JsonBody& body, const char* name, std::size_t max_bytes) {
  std::string value = TRY(body.string(name));
  if (value.size() > max_bytes)
    return Error::invalid(name, core::field_label(name) + "不能超过 " + std::to_string(max_bytes) + " 个字节");
  return value;
}

// POST /api/v1/auth/login {username, password[, captcha_id, captcha_answer]}
// The answers never say whether the name exists: failures are counted per name (store), and an
// unknown name gets the same message, the same captcha demand and the same lock as a real one.
Result<HttpResponse> login(RouteContext& context) {
  const auto body = TRY(JsonBody::parse(context.request.body,
                                        {"username", "password", "captcha_id", "captcha_answer"}));
  const std::string username = TRY(bounded(body, "username", kMaxUsernameBytes));
  const std::string password = TRY(bounded(body, "password", kMaxPasswordBytes));
  const auto captcha_id = TRY(body.optional_string("captcha_id"));
  const auto captcha_answer = TRY(body.optional_string("captcha_answer"));
  store::Store& store = *context.app.store;
  const auto now = context.now();

  const store::LoginThrottle before = TRY(store.login_throttle(username, now));
  if (before.locked_until) return account_locked("登录失败次数过多，账户已暂时锁定，请15分钟后再试");
  if (before.failures >= kFailuresBeforeCaptcha) {
    if (!captcha_id || captcha_id->empty())
      return captcha_required("请先获取验证码并填写", "captcha_id");
    if (!captcha_answer || captcha_answer->empty())
      return captcha_required("请填写验证码", "captcha_answer");
    // Checked once: a wrong answer uses the captcha up, so each guess needs a new image.
    const bool solved =
        TRY(store.consume_captcha(*captcha_id, captcha::answer_digest(*captcha_id, *captcha_answer), now));
    if (!solved) return captcha_required("验证码错误或已过期，请重新获取", "captcha_answer");
  }

  auto account = store.check_login(username, password, now);
  if (!account) {
    if (account.error().kind == ErrorKind::Forbidden) return account_locked(account.error().message);
    if (account.error().kind != ErrorKind::Unauthorized) return account.take_error();
    const store::LoginThrottle after = TRY(store.login_throttle(username, now));
    if (after.locked_until) return account_locked("登录失败次数过多，账户已暂时锁定，请15分钟后再试");
    if (after.failures >= kFailuresBeforeCaptcha)
      return captcha_required(account.error().message + "；请获取验证码后重试", "captcha_id");
    return problem_response(401, "login_failed", account.error().message);
  }
  const std::string token = TRY(store.create_session(account->id, now));
  return json_response(200, nlohmann::json{{"token", token},
                                           {"role", workflow::to_string(account->role)},
                                           {"must_change_password", account->must_change_password}}
                                .dump());
}

// POST /api/v1/auth/password {old_password, new_password}: the one call an account that must
// change its password may make (SPEC "Accounts"). The new password must pass the password policy;
// the change ends the account's other sessions, and the session making it stays signed in.
Result<HttpResponse> change_password(RouteContext& context) {
  const auto body = TRY(JsonBody::parse(context.request.body, {"old_password", "new_password"}));
  const std::string old_password = TRY(bounded(body, "old_password", kMaxPasswordBytes));
  const std::string new_password = TRY(bounded(body, "new_password", kMaxPasswordBytes));
  TRY(app::change_password(use_cases(context.app), *context.account, old_password, new_password, context.token));
  return json_response(200, R"({"must_change_password":false})");
}

// POST /api/v1/auth/logout: ends the presented session (an API key is revoked from the CLI).
Result<HttpResponse> logout(RouteContext& context) {
  TRY(context.app.store->end_session(context.token));
  return bytes_response(204, "application/json", {});
}

// GET /api/v1/auth/captcha → {captcha_id, image, expires_at}
Result<HttpResponse> new_captcha(RouteContext& context) {
  App& app = context.app;
  const std::string text = app.captcha_text ? app.captcha_text() : captcha::random_text();
  if (text.empty()) return Error::make(ErrorKind::Internal, "no captcha text");
  const std::string png = TRY(captcha::render_png(*app.renders, text));
  const std::string id = TRY(store::random_token());
  const auto now = context.now();
  const auto expires_at = now + captcha::kLifetime;
  TRY(app.store->create_captcha(id, captcha::answer_digest(id, text), expires_at, now));
  return json_response(200, nlohmann::json{{"captcha_id", id},
                                           {"image", png_data_uri(png)},
                                           {"expires_at", rfc3339(expires_at)}}
                                .dump());
}

// GET /api/v1/auth/me → {username, role, wechat_bound, must_change_password, ...scope}
Result<HttpResponse> me(RouteContext& context) {
  const workflow::Account& account = *context.account;
  const bool wechat_bound = TRY(context.app.store->wechat_bound(account.id));
  nlohmann::json out{{"username", account.username},
                     {"role", workflow::to_string(account.role)},
                     {"wechat_bound", wechat_bound},
                     {"must_change_password", account.must_change_password}};
  if (!account.student_no.empty()) out["student_no"] = account.student_no;
  if (!account.college_code.empty()) out["college_code"] = account.college_code;
  if (account.employer_id != 0) out["employer_id"] = account.employer_id;
  return json_response(200, out.dump());
}

}  // namespace

void register_auth_routes(RouteTable& table) {
  table.add("POST", "/api/v1/auth/login", Access::Public, login);
  table.add("POST", "/api/v1/auth/password", Access::PasswordChange, change_password);
  table.add("POST", "/api/v1/auth/logout", Access::PasswordChange, logout);
  table.add("GET", "/api/v1/auth/captcha", Access::Public, new_captcha);
  table.add("GET", "/api/v1/auth/me", Access::Account, me);
}

}  // namespace sanfang::api
