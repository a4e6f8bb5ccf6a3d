// WeChat binding (SPEC "Accounts"): an account asks for a one-time binding token shown as a QR
// code; the user scans it in the official account, whose backend (external) confirms the binding
// through a signed callback. Nothing here talks to WeChat itself.
#include "api/json_body.h"
#include "api/png_image.h"
#include "api/problem.h"
#include "api/routes.h"
#include "api/wechat_signature.h"
#include "api/workflow_http.h"
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

// POST /api/v1/auth/wechat/binding → {binding_token, qr_png, expires_at}
Result<HttpResponse> new_binding(RouteContext& context) {
  if (!context.request.body.empty()) TRY(JsonBody::parse(context.request.body, {}));
  const auto now = context.now();
  const auto expires_at = now + kBindingLifetime;
  const std::string token =
      TRY(context.app.store->create_wechat_binding_token(context.account->id, expires_at, now));
  const std::string png = TRY(qr_png(token));
  return json_response(200, nlohmann::json{{"binding_token", token},
                                           {"qr_png", png_data_uri(png)},
                                           {"expires_at", rfc3339(expires_at)}}
                                .dump());
}

bool is_printable_ascii_token(const std::string& value) {
  for (unsigned char c : value)
    if (!(std::isalnum(c) || c == '-' || c == '_')) return false;
  return true;
}

// POST /api/v1/wechat/callback {binding_token, openid, timestamp, nonce}
// with X-Sanfang-Signature: hex(HMAC-SHA256(secret, timestamp "\n" nonce "\n" body)).
Result<HttpResponse> callback(RouteContext& context) {
  const HttpRequest& request = context.request;
  const auto body = TRY(JsonBody::parse(request.body, {"binding_token", "openid", "timestamp", "nonce"}));
  const std::string binding_token = TRY(body.string("binding_token"));
  const std::string openid = TRY(body.string("openid"));
  const std::string nonce = TRY(body.string("nonce"));
  const auto timestamp = TRY(body.optional_integer("timestamp"));
  if (!timestamp) return Error::invalid("timestamp", "缺少时间戳（Unix 秒）");

  const auto signature = request.header("x-sanfang-signature");
  if (!signature || signature->empty())
    return problem_response(401, "invalid_signature", "缺少签名", "X-Sanfang-Signature");
  if (!wechat_signature_matches(context.app.wechat_secret, std::to_string(*timestamp), nonce,
                                request.body, *signature))
    return problem_response(401, "invalid_signature", "签名无效", "X-Sanfang-Signature");

  // Signed, so the fields come from the backend; a malformed one is still refused by name.
  if (nonce.size() > kMaxNonceBytes || !is_printable_ascii_token(nonce))
    return Error::invalid("nonce", "nonce 应为不超过 64 个字母、数字、- 或 _");
  if (openid.size() > kMaxOpenIdBytes || !is_printable_ascii_token(openid))
    return Error::invalid("openid", "openid 应为不超过 128 个字母、数字、- 或 _");
  const auto now = context.now();
  const auto signed_at = workflow::from_unix_seconds(*timestamp);
  if (signed_at < now - kCallbackWindow || signed_at > now + kCallbackWindow)
    return problem_response(401, "stale_timestamp", "时间戳与服务器时间相差超过5分钟", "timestamp");

  TRY(context.app.store->record_wechat_nonce(nonce, now, now - 2 * kCallbackWindow));
  const workflow::Account account =
      TRY(context.app.store->complete_wechat_binding(binding_token, openid, now));
  return json_response(200, nlohmann::json{{"bound", true}, {"username", account.username}}.dump());
}

}  // namespace

void register_wechat_routes(RouteTable& table) {
  table.add("POST", "/api/v1/auth/wechat/binding", Access::Account, new_binding);
  table.add("POST", "/api/v1/wechat/callback", Access::Public, callback);
}

}  // namespace sanfang::api
