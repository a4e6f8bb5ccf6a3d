// WeChat binding and sign-in (SPEC "Accounts"): a one-time binding token with its QR code of the
// official account's page, confirmed by a callback signed with DATA/wechat.secret; a signed
// sign-in callback opening a session for the bound account; unbinding. Forged, replayed, stale and
// expired callbacks are refused. The tests play the official account's backend by signing with
// the shared secret.
#include "service_fixture.h"

#include "api/wechat_signature.h"
#include "store/store.h"
#include "workflow/login_policy.h"

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

// Signs a sign-in request the way the official-account backend does.
HttpResult signed_sign_in(HttpClient& client, const std::string& secret, const std::string& openid,
                          std::int64_t timestamp, const std::string& nonce) {
  const std::string body = json{{"openid", openid}, {"timestamp", timestamp}, {"nonce", nonce}}.dump();
  std::map<std::string, std::string> headers{{"Content-Type", "application/json"},
                                             {"X-Sanfang-Signature",
                                              api::wechat_signature(secret, std::to_string(timestamp), nonce, body)}};
  return client.request("POST", "/api/v1/wechat/sign-in", body, headers);
}

// A student (2022001) with an account, signed in with the password.
std::int64_t sign_in_as_student(ServiceFixture& fixture, HttpClient& client) {
  store::Store& store = *fixture.app().store;
  REQUIRE(store.put_college({"CS", "计算机学院"}).ok());
  REQUIRE(store.put_student({"2022001", "张三", "110105194912310011", "男", "CS", "软件工程", "本科", 2026}).ok());
  store::NewAccount account;
  account.username = "2022001";
  account.password = "correct horse battery";
  account.role = workflow::Role::Student;
  account.student_no = "2022001";
  const auto created = store.create_account(account, fixture.clock().now());
  REQUIRE(created.ok());
  auto login = client.post_json("/api/v1/auth/login", {{"username", "2022001"}, {"password", "correct horse battery"}});
  REQUIRE(login.status == 200);
  client.set_token(login.json()["token"].get<std::string>());
  return created->id;
}

// Binds `openid` to the account signed in on `account` through the binding QR and a signed callback.
void bind(ServiceFixture& fixture, HttpClient& account, const std::string& openid, const std::string& nonce) {
  auto binding = account.post_json("/api/v1/auth/wechat/binding", json::object());
  REQUIRE(binding.status == 200);
  HttpClient backend(fixture.base_url());
  auto confirmed = signed_callback(backend, read_secret(fixture), binding.json()["binding_token"].get<std::string>(), openid,
                                   now_seconds(fixture), nonce);
  REQUIRE(confirmed.status == 200);
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

TEST_CASE("the binding QR code opens the official account's page with the token", "[api][wechat]") {
  ServiceFixtureOptions options;
  options.wechat_page_base = "https://mp.example.edu.cn/sanfang/bind";
  ServiceFixture fixture(options);
  HttpClient account(fixture.base_url());
  account.set_token(sanfang::testing::sign_in_as_school(fixture, account));
  auto binding = account.post_json("/api/v1/auth/wechat/binding", json::object());
  REQUIRE(binding.status == 200);
  const std::string token = binding.json()["binding_token"];
  CHECK(binding.json()["binding_url"] == "https://mp.example.edu.cn/sanfang/bind?binding_token=" + token);

  ServiceFixture by_default;
  HttpClient other(by_default.base_url());
  other.set_token(sanfang::testing::sign_in_as_school(by_default, other));
  auto default_binding = other.post_json("/api/v1/auth/wechat/binding", json::object());
  REQUIRE(default_binding.status == 200);
  CHECK(default_binding.json()["binding_url"] == by_default.base_url() + "/wechat/bind?binding_token=" +
                                                     default_binding.json()["binding_token"].get<std::string>());
}

TEST_CASE("a bound student signs in through a signed WeChat callback with a session like a password login's",
          "[api][wechat]") {
  ServiceFixture fixture;
  HttpClient student(fixture.base_url());
  sign_in_as_student(fixture, student);
  bind(fixture, student, "oStudent_1", "bind-1");

  HttpClient backend(fixture.base_url());
  auto signed_in = signed_sign_in(backend, read_secret(fixture), "oStudent_1", now_seconds(fixture), "sign-1");
  REQUIRE(signed_in.status == 200);
  CHECK(signed_in.json()["role"] == "student");
  CHECK(signed_in.json()["must_change_password"] == false);

  HttpClient phone(fixture.base_url());
  phone.set_token(signed_in.json()["token"].get<std::string>());
  auto me = phone.get("/api/v1/auth/me");
  REQUIRE(me.status == 200);
  CHECK(me.json()["username"] == "2022001");
  CHECK(me.json()["wechat_bound"] == true);
  // An authenticated route that only this student may read.
  CHECK(phone.get("/api/v1/students/2022001/source-info").status == 200);
  CHECK(phone.request("POST", "/api/v1/auth/logout").status == 204);
  CHECK(phone.get("/api/v1/auth/me").status == 401);
}

TEST_CASE("a bound student whose name was locked by wrong passwords still signs in through WeChat", "[api][wechat]") {
  ServiceFixture fixture;
  HttpClient student(fixture.base_url());
  sign_in_as_student(fixture, student);
  bind(fixture, student, "oStudent_1", "bind-1");

  // Someone guesses at the student's name until it locks (straight through the store, which
  // counts the failures, so that the test need not solve captchas).
  store::Store& store = *fixture.app().store;
  for (int attempt = 0; attempt < workflow::kFailedLoginsBeforeLock; ++attempt)
    CHECK_FALSE(store.check_login("2022001", "wrong guess", fixture.clock().now()).ok());
  HttpClient guesser(fixture.base_url());
  auto locked = guesser.post_json("/api/v1/auth/login", {{"username", "2022001"}, {"password", "correct horse battery"}});
  CHECK(locked.status == 403);
  CHECK(locked.json()["type"] == "account_locked");

  HttpClient backend(fixture.base_url());
  auto signed_in = signed_sign_in(backend, read_secret(fixture), "oStudent_1", now_seconds(fixture), "sign-1");
  REQUIRE(signed_in.status == 200);
  HttpClient phone(fixture.base_url());
  phone.set_token(signed_in.json()["token"].get<std::string>());
  CHECK(phone.get("/api/v1/auth/me").json()["username"] == "2022001");
}

TEST_CASE("forged, replayed, stale and unbound WeChat sign-ins are refused and open no session", "[api][wechat]") {
  ServiceFixture fixture;
  HttpClient student(fixture.base_url());
  sign_in_as_student(fixture, student);
  bind(fixture, student, "oStudent_1", "bind-1");
  const std::string secret = read_secret(fixture);
  HttpClient backend(fixture.base_url());
  const std::int64_t now = now_seconds(fixture);

  SECTION("forged signature") {
    auto forged = signed_sign_in(backend, std::string(64, 'a'), "oStudent_1", now, "n1");
    CHECK(forged.status == 401);
    CHECK(forged.json()["type"] == "invalid_signature");
    CHECK_FALSE(forged.json().contains("token"));
  }
  SECTION("body changed after signing") {
    const std::string body = json{{"openid", "oSomeone"}, {"timestamp", now}, {"nonce", "n1"}}.dump();
    const std::string signature = api::wechat_signature(secret, std::to_string(now), "n1", body);
    std::string altered = body;
    altered.replace(altered.find("oSomeone"), 8, "oStudent_1");
    auto refused = backend.request("POST", "/api/v1/wechat/sign-in", altered,
                                   {{"Content-Type", "application/json"}, {"X-Sanfang-Signature", signature}});
    CHECK(refused.status == 401);
    CHECK(refused.json()["type"] == "invalid_signature");
  }
  SECTION("replayed nonce") {
    REQUIRE(signed_sign_in(backend, secret, "oStudent_1", now, "n1").status == 200);
    auto replay = signed_sign_in(backend, secret, "oStudent_1", now, "n1");
    CHECK(replay.status == 409);
    CHECK(replay.json()["field"] == "nonce");
    CHECK_FALSE(replay.json().contains("token"));
  }
  SECTION("stale or future timestamp") {
    auto stale = signed_sign_in(backend, secret, "oStudent_1", now - 301, "n1");
    CHECK(stale.status == 401);
    CHECK(stale.json()["type"] == "stale_timestamp");
    CHECK(stale.json()["field"] == "timestamp");
    CHECK(signed_sign_in(backend, secret, "oStudent_1", now + 301, "n2").status == 401);
  }
  SECTION("openid bound to no account") {
    auto unbound = signed_sign_in(backend, secret, "oStranger", now, "n1");
    CHECK(unbound.status == 401);
    CHECK(unbound.json()["field"] == "openid");
    CHECK_FALSE(unbound.json().contains("token"));
  }
  SECTION("malformed request") {
    const std::string body = json{{"openid", "oStudent_1"}, {"nonce", "n1"}}.dump();
    auto refused = backend.request("POST", "/api/v1/wechat/sign-in", body,
                                   {{"Content-Type", "application/json"},
                                    {"X-Sanfang-Signature", api::wechat_signature(secret, "", "n1", body)}});
    CHECK(refused.status == 400);
    CHECK(refused.json()["field"] == "timestamp");
  }
}

TEST_CASE("after the student unbinds, the openid no longer signs in, and binding and unbinding are audited",
          "[api][wechat]") {
  ServiceFixture fixture;
  HttpClient student(fixture.base_url());
  const std::int64_t account_id = sign_in_as_student(fixture, student);
  bind(fixture, student, "oStudent_1", "bind-1");
  const std::string secret = read_secret(fixture);
  HttpClient backend(fixture.base_url());

  auto unbound = student.request("DELETE", "/api/v1/auth/wechat/binding");
  REQUIRE(unbound.status == 200);
  CHECK(unbound.json()["wechat_bound"] == false);
  CHECK_FALSE(wechat_bound(student));

  auto refused = signed_sign_in(backend, secret, "oStudent_1", now_seconds(fixture), "after-1");
  CHECK(refused.status == 401);
  CHECK(refused.json()["field"] == "openid");

  const auto trail = fixture.app().store->audit_trail("account", std::to_string(account_id));
  REQUIRE(trail.ok());
  REQUIRE(trail->size() == 2);
  CHECK(trail->at(0).event.action == "wechat.bind");
  CHECK(trail->at(0).event.actor_account_id == account_id);
  CHECK(trail->at(1).event.action == "wechat.unbind");
  CHECK(trail->at(1).event.actor_account_id == account_id);

  // Nothing left to unbind; someone signed out cannot unbind at all.
  auto again = student.request("DELETE", "/api/v1/auth/wechat/binding");
  CHECK(again.status == 409);
  CHECK(again.json()["field"] == "wechat_binding");
  HttpClient anonymous(fixture.base_url());
  CHECK(anonymous.request("DELETE", "/api/v1/auth/wechat/binding").status == 401);
  CHECK(fixture.app().store->audit_trail("account", std::to_string(account_id))->size() == 2);

  // Binding again signs in again.
  bind(fixture, student, "oStudent_1", "bind-2");
  CHECK(signed_sign_in(backend, secret, "oStudent_1", now_seconds(fixture), "after-2").status == 200);
}
