// Accounts over HTTP (SPEC "Accounts"): login with the captcha after 3 failures and the lock after
// 10, the forced first password change, logout, the captcha image and who am I.
#include "api/auth.h"
#include "api/captcha.h"
#include "api/json_body.h"
#include "api/png_image.h"
#include "api/problem.h"
#include "api/routes.h"
#include "api/workflow_http.h"
#include "app/accounts.h"
#include "app/sign_in.h"
#include "core/field_labels.h"
#include "workflow/password_policy.h"

namespace sanfang::api {

namespace {

constexpr std::size_t kMaxUsernameBytes = 64;
constexpr std::size_t kMaxPasswordBytes = workflow::kMaxPasswordBytes;

// The wire form of a refused login: the problem type tells a client what to do next.
HttpResponse login_refused(const app::LoginOutcome& outcome) {
  switch (outcome.refusal) {
    case app::LoginRefusal::CaptchaRequired:
      return problem_response(401, "captcha_required", outcome.reason.message, outcome.reason.field);
    case app::LoginRefusal::Locked: return problem_response(403, "account_locked", outcome.reason.message);
    case app::LoginRefusal::Disabled: return problem_response(403, "account_disabled", outcome.reason.message);
    case app::LoginRefusal::WrongCredentials: break;
  }
  return problem_response(401, "login_failed", outcome.reason.message);
}

Result<std::string> bounded(const JsonBody& body, const char* name, std::size_t max_bytes) {
  std::string value = TRY(body.string(name));
  if (value.size() > max_bytes)
    return Error::invalid(name, core::field_label(name) + "不能超过 " + std::to_string(max_bytes) + " 个字节");
  return value;
}

// POST /api/v1/auth/login {username, password[, captcha_id, captcha_answer]} (app/sign_in.h).
Result<HttpResponse> login(RouteContext& context) {
  const auto body = TRY(JsonBody::parse(context.request.body,
                                        {"username", "password", "captcha_id", "captcha_answer"}));
  const std::string username = TRY(bounded(body, "username", kMaxUsernameBytes));
  const std::string password = TRY(bounded(body, "password", kMaxPasswordBytes));
  const app::PasswordLogin login{username, password, TRY(body.optional_string("captcha_id")),
                                 TRY(body.optional_string("captcha_answer"))};
  const app::LoginOutcome outcome = TRY(app::log_in(use_cases(context.app), login));
  if (!outcome.signed_in) return login_refused(outcome);
  return session_response(*outcome.signed_in);
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
  const app::IssuedCaptcha issued = TRY(app::issue_captcha(use_cases(app), text));
  return json_response(200, nlohmann::json{{"captcha_id", issued.id},
                                           {"image", png_data_uri(png)},
                                           {"expires_at", rfc3339(issued.expires_at)}}
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
