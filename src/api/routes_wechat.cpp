// WeChat binding and sign-in (SPEC "Accounts"): an account asks for a one-time binding token shown
// as a QR code of the official account's page; the user scans it in WeChat, and the official
// account's backend (external) confirms the binding through a signed callback. Later that backend
// signs the user in the same way (a signed callback naming the openid), and the account may end
// the binding. Nothing here talks to WeChat itself.
#include "api/auth.h"
#include "api/json_body.h"
#include "api/png_image.h"
#include "api/problem.h"
#include "api/routes.h"
#include "api/wechat_signature.h"
#include "api/workflow_http.h"
#include "app/accounts.h"
#include "app/sign_in.h"
#include "core/validate.h"
#include "render/qr.h"

#include <cctype>

namespace sanfang::api {

namespace {

constexpr std::chrono::minutes kBindingLifetime{10};
// Callbacks signed more than this far from the service clock are refused; nonces are remembered
// for as long, so a replay inside the window is caught by its nonce and one outside by its time.
constexpr std::chrono::minutes kCallbackWindow{5};
constexpr int kQrPixelsPerModule = 6;
constexpr std::size_t kMaxOpenIdBytes = 128;
constexpr std::size_t kMaxNonceBytes = 64;

Result<std::string> qr_png(const std::string& payload) {
  const render::QrSymbol symbol = TRY(render::encode_qr(payload));
  const int size = symbol.modules * kQrPixelsPerModule;
  render::SurfacePtr image(cairo_image_surface_create(CAIRO_FORMAT_RGB24, size, size));
  render::CairoPtr cr(cairo_create(image.get()));
  render::draw_qr(cr.get(), symbol, 0, 0, size);
  if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS)
    return Error::make(ErrorKind::Render, "QR drawing failed");
  cr.reset();
  return encode_png(image.get());
}

// The official account's binding page carrying the token (hex, so it needs no escaping).
std::string binding_url(const std::string& page_base, const std::string& token) {
  const char separator = page_base.find('?') == std::string::npos ? '?' : '&';
  return page_base + separator + "binding_token=" + token;
}

// POST /api/v1/auth/wechat/binding → {binding_token, binding_url, qr_png, expires_at}
Result<HttpResponse> new_binding(RouteContext& context) {
  if (!context.request.body.empty()) TRY(JsonBody::parse(context.request.body, {}));
  const auto now = context.now();
  const auto expires_at = now + kBindingLifetime;
  const std::string token =
      TRY(context.app.store->create_wechat_binding_token(context.account->id, expires_at, now));
  const std::string url = binding_url(context.app.config.wechat_page_base, token);
  const std::string png = TRY(qr_png(url));
  return json_response(200, nlohmann::json{{"binding_token", token},
                                           {"binding_url", url},
                                           {"qr_png", png_data_uri(png)},
                                           {"expires_at", rfc3339(expires_at)}}
                                .dump());
}

// DELETE /api/v1/auth/wechat/binding: the account ends its binding (audited).
Result<HttpResponse> end_binding(RouteContext& context) {
  TRY(read_json_body(context.request, {}));
  TRY(app::unbind_wechat(use_cases(context.app), *context.account));
  return json_response(200, nlohmann::json{{"wechat_bound", false}}.dump());
}

bool is_printable_ascii_token(const std::string& value) {
  for (unsigned char c : value)
    if (!(std::isalnum(c) || c == '-' || c == '_')) return false;
  return true;
}

// A callback the official account's backend signed:
// X-Sanfang-Signature: hex(HMAC-SHA256(secret, timestamp "\n" nonce "\n" body)), with a timestamp
// within kCallbackWindow of the service clock and a nonce never seen before (kept in the store, so
// a replay to another instance is caught too). `body` is the request's, read by the caller, whose
// own members are checked first: a malformed request uses no nonce. Returns the openid.
Result<std::string> verified_openid(RouteContext& context, const JsonBody& body) {
  const HttpRequest& request = context.request;
  const std::string openid = TRY(body.string("openid"));
  const std::string nonce = TRY(body.string("nonce"));
  const auto timestamp = TRY(body.optional_integer("timestamp"));
  if (!timestamp) return Error::invalid("timestamp", "请求缺少时间戳（Unix 秒）");

  const auto signature = request.header("x-sanfang-signature");
  if (!signature || signature->empty())
    return Error::make(ErrorKind::Unauthorized, "请求缺少签名", "X-Sanfang-Signature");
  if (!wechat_signature_matches(context.app.wechat_secret, std::to_string(*timestamp), nonce,
                                request.body, *signature))
    return Error::make(ErrorKind::Unauthorized, "请求签名无效", "X-Sanfang-Signature");

  // Signed, so the fields come from the backend; a malformed one is still refused by name.
  if (nonce.size() > kMaxNonceBytes || !is_printable_ascii_token(nonce))
    return Error::invalid("nonce", "随机串应为不超过 64 个字母、数字、- 或 _");
  if (openid.size() > kMaxOpenIdBytes || !is_printable_ascii_token(openid))
    return Error::invalid("openid", "微信用户标识应为不超过 128 个字母、数字、- 或 _");
  const auto now = context.now();
  const auto signed_at = workflow::from_unix_seconds(*timestamp);
  if (signed_at < now - kCallbackWindow || signed_at > now + kCallbackWindow)
    return Error::make(ErrorKind::Unauthorized, "时间戳与服务器时间相差超过5分钟", "timestamp");

  TRY(context.app.store->record_wechat_nonce(nonce, now, now - 2 * kCallbackWindow));
  return openid;
}

// A refused callback keeps the machine-readable types the backend tells apart.
HttpResponse callback_problem(const Error& error) {
  if (error.kind != ErrorKind::Unauthorized || error.field == "openid") return problem_response(error);
  const char* type = error.field == "timestamp" ? "stale_timestamp" : "invalid_signature";
  return problem_response(http_status(error.kind), type, error.message, error.field);
}

// POST /api/v1/wechat/callback {binding_token, openid, timestamp, nonce}, signed.
Result<HttpResponse> callback(RouteContext& context) {
  const auto body = TRY(JsonBody::parse(context.request.body, {"binding_token", "openid", "timestamp", "nonce"}));
  const std::string binding_token = TRY(body.string("binding_token"));
  auto openid = verified_openid(context, body);
  if (!openid) return callback_problem(openid.error());
  const workflow::Account account = TRY(app::bind_wechat(use_cases(context.app), binding_token, *openid));
  return json_response(200, nlohmann::json{{"bound", true}, {"username", account.username}}.dump());
}

// POST /api/v1/wechat/sign-in {openid, timestamp, nonce}, signed → the session of the bound
// account, as POST /api/v1/auth/login answers.
Result<HttpResponse> sign_in(RouteContext& context) {
  const auto body = TRY(JsonBody::parse(context.request.body, {"openid", "timestamp", "nonce"}));
  auto openid = verified_openid(context, body);
  if (!openid) return callback_problem(openid.error());
  return session_response(TRY(app::sign_in_with_wechat(use_cases(context.app), *openid)));
}

}  // namespace

void register_wechat_routes(RouteTable& table) {
  table.add("POST", "/api/v1/auth/wechat/binding", Access::Account, new_binding);
  table.add("DELETE", "/api/v1/auth/wechat/binding", Access::Account, end_binding);
  table.add("POST", "/api/v1/wechat/callback", Access::Public, callback);
  table.add("POST", "/api/v1/wechat/sign-in", Access::Public, sign_in);
}

}  // namespace sanfang::api
