// The WeChat binding callback (POST /api/v1/wechat/callback): the input is the body. When the
// first byte is odd the request is signed correctly with the service's secret (so the fields
// past the signature check are reached), otherwise the rest of a line after the body is presented
// as the signature. An unsigned callback is always refused (400 for a bad body, 401 otherwise);
// nothing is ever a server error.
#include "fuzz_support.h"

#include "api/wechat_signature.h"

#include <nlohmann/json.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sanfang;
  if (size < 1) return 0;
  auto& world = fuzz::ServiceWorld::instance();
  static const api::Route& callback = world.route("POST", "/api/v1/wechat/callback");
  const bool sign = data[0] & 1;
  std::string body(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string signature;
  if (sign) {
    const auto fields = nlohmann::json::parse(body, nullptr, false);
    if (!fields.is_object()) return 0;
    const auto timestamp = fields.find("timestamp");
    const auto nonce = fields.find("nonce");
    if (timestamp == fields.end() || !timestamp->is_number_integer() || nonce == fields.end() ||
        !nonce->is_string())
      return 0;
    signature = api::wechat_signature(world.wechat_secret(), std::to_string(timestamp->get<std::int64_t>()),
                                      nonce->get<std::string>(), body);
  } else if (const auto newline = body.find('\n'); newline != std::string::npos) {
    signature = body.substr(newline + 1);
    body.resize(newline);
  }
  std::map<std::string, std::string> headers{{"content-type", "application/json"}};
  if (!signature.empty()) headers["x-sanfang-signature"] = signature;
  const api::HttpResponse response = world.call(callback, fuzz::Caller::Anonymous, body, headers);
  fuzz::require(response.status < 500, "a callback never causes a server error");
  if (!sign) fuzz::require(response.status == 400 || response.status == 401, "an unsigned callback is refused");
  return 0;
}
