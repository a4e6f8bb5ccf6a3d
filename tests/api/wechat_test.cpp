// WeChat binding (SPEC "Accounts"): a one-time binding token with its QR code, confirmed by a
// callback signed with DATA/wechat.secret; forged, replayed, stale and expired callbacks refused.
#include "service_fixture.h"

#include "api/wechat_signature.h"
#include "store/store.h"

#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <fstream>

using namespace sanfang;
using namespace sanfang::testing;
using nlohmann::json;

namespace {

std::string read_secret(const ServiceFixture& fixture) {
  std::ifstream in(fixture.data_dir() / "wechat.secret");
  std::string secret;
  std::getline(in, secret);
  REQUIRE(secret.size() == 64);
  return secret;
}

std::int64_t now_seconds(ServiceFixture& fixture) { return workflow::to_unix_seconds(fixture.clock().now()); }

HttpResult send_callback(HttpClient& client, const std::string& body, const std::string& signature) {
  std::map<std::string, std::string> headers{{"Content-Type", "application/json"}};
  if (!signature.empty()) headers["X-Sanfang-Signature"] = signature;
  return client.request("POST", "/api/v1/wechat/callback", body, headers);
}

// Signs with `secret` the way the official-account backend does.
HttpResult signed_callback(HttpClient& client, const std::string& secret, const std::string& token,
                           const std::string& openid, std::int64_t timestamp, const std::string& nonce) {
  const std::string body =
      json{{"binding_token", token}, {"openid", openid}, {"timestamp", timestamp}, {"nonce", nonce}}.dump();
  return send_callback(client, body, api::wechat_signature(secret, std::to_string(timestamp), nonce, body));
}

bool wechat_bound(HttpClient& client) {
  auto me = client.get("/api/v1/auth/me");
  REQUIRE(me.status == 200);
  return me.json()["wechat_bound"];
}

}  // namespace

TEST_CASE("the WeChat secret is created at first start, readable by the service's user only", "[api][wechat]") {
  ServiceFixture fixture;
  struct stat info {};
  REQUIRE(::stat((fixture.data_dir() / "wechat.secret").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  CHECK(read_secret(fixture).size() == 64);
}

TEST_CASE("a signed callback binds the openid to the account that asked for the token", "[api][wechat]") {
  ServiceFixture fixture;
  HttpClient account(fixture.base_url());
  account.set_token(sanfang::testing::sign_in_as_school(fixture, account));
  CHECK_FALSE(wechat_bound(account));

  auto binding = account.post_json("/api/v1/auth/wechat/binding", json::object());
  REQUIRE(binding.status == 200);
  const std::string token = binding.json()["binding_token"];
  CHECK(binding.json()["qr_png"].get<std::string>().rfind("data:image/png;base64,iVBORw0KGgo", 0) == 0);
  CHECK(binding.json()["expires_at"].is_string());

  HttpClient backend(fixture.base_url());
  auto confirmed = signed_callback(backend, read_secret(fixture), token, "oUser_123", now_seconds(fixture), "n1");
  CHECK(confirmed.status == 200);
  CHECK(confirmed.json()["bound"] == true);
  CHECK(wechat_bound(account));

  // One-time: the same token again, even with a fresh nonce, is refused.
  auto used = signed_callback(backend, read_secret(fixture), token, "oUser_123", now_seconds(fixture), "n2");
  CHECK(used.status == 409);
  CHECK(used.json()["field"] == "binding_token");
}

TEST_CASE("forged, replayed and stale callbacks are refused and bind nothing", "[api][wechat]") {
  ServiceFixture fixture;
  HttpClient account(fixture.base_url());
  account.set_token(sanfang::testing::sign_in_as_school(fixture, account));
  const std::string token = account.post_json("/api/v1/auth/wechat/binding", json::object()).json()["binding_token"];
  const std::string secret = read_secret(fixture);
  HttpClient backend(fixture.base_url());
  const std::int64_t now = now_seconds(fixture);

  SECTION("wrong secret") {
    auto forged = signed_callback(backend, std::string(64, 'a'), token, "oEvil", now, "n1");
    CHECK(forged.status == 401);
    CHECK(forged.json()["type"] == "invalid_signature");
    CHECK(forged.json()["field"] == "X-Sanfang-Signature");
  }
  SECTION("no signature") {
    const std::string body = json{{"binding_token", token}, {"openid", "oEvil"}, {"timestamp", now}, {"nonce", "n1"}}.dump();
    CHECK(send_callback(backend, body, "").status == 401);
  }
  SECTION("body changed after signing") {
    const std::string body = json{{"binding_token", token}, {"openid", "oUser"}, {"timestamp", now}, {"nonce", "n1"}}.dump();
    const std::string signature = api::wechat_signature(secret, std::to_string(now), "n1", body);
    std::string altered = body;
    altered.replace(altered.find("oUser"), 5, "oEvil");
    CHECK(send_callback(backend, altered, signature).status == 401);
  }
  SECTION("timestamp more than 5 minutes old or ahead") {
    auto old = signed_callback(backend, secret, token, "oUser", now - 301, "n1");
    CHECK(old.status == 401);
    CHECK(old.json()["field"] == "timestamp");
    CHECK(signed_callback(backend, secret, token, "oUser", now + 301, "n2").status == 401);
  }
  SECTION("token expired after 10 minutes") {
    fixture.clock().advance(std::chrono::minutes(11));
    auto late = signed_callback(backend, secret, token, "oUser", now_seconds(fixture), "n1");
    CHECK(late.status == 400);
    CHECK(late.json()["field"] == "binding_token");
  }
  SECTION("unknown token") {
    auto unknown = signed_callback(backend, secret, std::string(64, 'f'), "oUser", now, "n1");
    CHECK(unknown.status == 400);
    CHECK(unknown.json()["field"] == "binding_token");
  }
  SECTION("replayed nonce") {
    const std::string body = json{{"binding_token", std::string(64, 'f')}, {"openid", "oUser"}, {"timestamp", now}, {"nonce", "n1"}}.dump();
    const std::string signature = api::wechat_signature(secret, std::to_string(now), "n1", body);
    CHECK(send_callback(backend, body, signature).status == 400);
    // The same signed request again: its nonce was used, even though the first one failed.
    auto replay = signed_callback(backend, secret, token, "oUser", now, "n1");
    CHECK(replay.status == 409);
    CHECK(replay.json()["field"] == "nonce");
  }
  CHECK_FALSE(wechat_bound(account));
}

TEST_CASE("malformed callbacks and binding requests are refused naming the field", "[api][wechat]") {
  ServiceFixture fixture;
  HttpClient account(fixture.base_url());
  account.set_token(sanfang::testing::sign_in_as_school(fixture, account));
  const std::string token = account.post_json("/api/v1/auth/wechat/binding", json::object()).json()["binding_token"];
  const std::string secret = read_secret(fixture);
  HttpClient backend(fixture.base_url());
  const std::int64_t now = now_seconds(fixture);
  struct Bad {
    json body;
    const char* field;
  };
  const Bad bad[] = {
      {{{"binding_token", token}, {"openid", "oUser"}, {"timestamp", now}, {"nonce", "n1"}, {"extra", 1}}, "extra"},
      {{{"binding_token", token}, {"timestamp", now}, {"nonce", "n1"}}, "openid"},
      {{{"binding_token", token}, {"openid", "oUser"}, {"timestamp", std::to_string(now)}, {"nonce", "n1"}}, "timestamp"},
      {{{"binding_token", token}, {"openid", "oUser"}, {"nonce", "n1"}}, "timestamp"},
      {{{"binding_token", token}, {"openid", "o User\u202E"}, {"timestamp", now}, {"nonce", "n1"}}, "openid"},
      {{{"openid", "oUser"}, {"timestamp", now}, {"nonce", "n1"}}, "binding_token"},
  };
  for (const auto& item : bad) {
    const std::string body = item.body.dump();
    const std::string signature = api::wechat_signature(secret, std::to_string(now), "n1", body);
    auto refused = send_callback(backend, body, signature);
    CHECK(refused.status == 400);
    CHECK(refused.json()["field"] == item.field);
  }
  auto unknown_member = account.post_json("/api/v1/auth/wechat/binding", {{"scene", "x"}});
  CHECK(unknown_member.status == 400);
  CHECK(unknown_member.json()["field"] == "scene");
  CHECK_FALSE(wechat_bound(account));
  // None of the refused callbacks used the nonce: a good one with it still binds.
  CHECK(signed_callback(backend, secret, token, "oUser", now, "n1").status == 200);
}
