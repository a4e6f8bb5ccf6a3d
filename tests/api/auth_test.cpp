// Accounts over HTTP (SPEC "Accounts"): login, captcha after 3 failures, lock after 10, the forced
// first password change, logout, and API keys of service accounts made with `sanfang user`.
#include "service_fixture.h"

#include "core/validate.h"
#include "store/store.h"

#include <catch2/catch.hpp>
#include <sys/wait.h>
#include <sodium.h>

#include <array>
#include <cstdio>
#include <memory>

using namespace sanfang;
using sanfang::testing::run_sanfang;
using namespace sanfang::testing;
using nlohmann::json;

namespace {

constexpr const char* kCaptchaText = "K7MX";

void create_staff(ServiceFixture& fixture, const std::string& username, const std::string& password,
                  workflow::Role role = workflow::Role::School) {
  store::NewAccount account;
  account.username = username;
  account.password = password;
  account.role = role;
  if (role == workflow::Role::College) account.college_code = "01";
  auto created = fixture.app().store->create_account(account, fixture.clock().now());
  REQUIRE(created.ok());
}

HttpResult login(HttpClient& client, const std::string& username, const std::string& password,
                 const json& extra = json::object()) {
  json body{{"username", username}, {"password", password}};
  body.update(extra);
  return client.post_json("/api/v1/auth/login", body);
}

json captcha_solution(HttpClient& client, const std::string& answer) {
  auto captcha = client.get("/api/v1/auth/captcha");
  REQUIRE(captcha.status == 200);
  return {{"captcha_id", captcha.json()["captcha_id"]}, {"captcha_answer", answer}};
}

// A valid GB 11643 resident ID from its first 17 digits.
std::string resident_id(const std::string& first17) { return first17 + core::iso7064_mod11_2(first17); }

}  // namespace

TEST_CASE("login gives a token and the same answer for an unknown user and a wrong password", "[api][auth]") {
  ServiceFixture fixture;
  create_staff(fixture, "centre", "correct-horse");
  HttpClient client(fixture.base_url());

  auto ok = login(client, "centre", "correct-horse");
  REQUIRE(ok.status == 200);
  CHECK(ok.json()["role"] == "school");
  CHECK(ok.json()["must_change_password"] == false);
  CHECK(ok.json()["token"].get<std::string>().size() == 64);

  auto wrong = login(client, "centre", "wrong-horse");
  auto unknown = login(client, "nobody", "wrong-horse");
  CHECK(wrong.status == 401);
  CHECK(unknown.status == 401);
  CHECK(wrong.header("content-type") == "application/problem+json");
  CHECK(wrong.json()["detail"] == unknown.json()["detail"]);
  CHECK(wrong.json()["type"] == unknown.json()["type"]);

  client.set_token(ok.json()["token"]);
  auto me = client.get("/api/v1/auth/me");
  REQUIRE(me.status == 200);
  CHECK(me.json()["username"] == "centre");
  CHECK(me.json()["role"] == "school");
  CHECK(me.json()["wechat_bound"] == false);
}

TEST_CASE("after 3 failed logins a captcha is required and only its right answer is accepted, once", "[api][auth]") {
  ServiceFixture fixture;
  fixture.app().captcha_text = [] { return std::string(kCaptchaText); };
  create_staff(fixture, "centre", "correct-horse");
  HttpClient client(fixture.base_url());

  CHECK(login(client, "centre", "bad-1").json()["type"] == "login_failed");
  CHECK(login(client, "centre", "bad-2").json()["type"] == "login_failed");
  auto third = login(client, "centre", "bad-3");
  CHECK(third.status == 401);
  CHECK(third.json()["type"] == "captcha_required");

  auto without = login(client, "centre", "correct-horse");
  CHECK(without.status == 401);
  CHECK(without.json()["type"] == "captcha_required");
  CHECK(without.json()["field"] == "captcha_id");

  auto captcha = client.get("/api/v1/auth/captcha");
  REQUIRE(captcha.status == 200);
  const std::string image = captcha.json()["image"];
  const std::string prefix = "data:image/png;base64,";
  REQUIRE(image.rfind(prefix, 0) == 0);
  std::string png(image.size(), '\0');
  std::size_t png_size = 0;
  REQUIRE(sodium_base642bin(reinterpret_cast<unsigned char*>(png.data()), png.size(), image.data() + prefix.size(),
                            image.size() - prefix.size(), nullptr, &png_size, nullptr,
                            sodium_base64_VARIANT_ORIGINAL) == 0);
  png.resize(png_size);
  CHECK(png.substr(0, 8) == "\x89PNG\r\n\x1a\n");
  CHECK(png.size() > 1000);  // drawn text and noise, not a blank image

  const json wrong_answer{{"captcha_id", captcha.json()["captcha_id"]}, {"captcha_answer", "AAAA"}};
  auto refused = login(client, "centre", "correct-horse", wrong_answer);
  CHECK(refused.status == 401);
  CHECK(refused.json()["field"] == "captcha_answer");
  // Single use: the same captcha with the right answer is gone after one check.
  const json reused{{"captcha_id", captcha.json()["captcha_id"]}, {"captcha_answer", kCaptchaText}};
  CHECK(login(client, "centre", "correct-horse", reused).json()["field"] == "captcha_answer");

  // Typing the answer in lower case is fine.
  auto accepted = login(client, "centre", "correct-horse", captcha_solution(client, "k7mx"));
  CHECK(accepted.status == 200);
}

TEST_CASE("a captcha older than 5 minutes is refused", "[api][auth]") {
  ServiceFixture fixture;
  fixture.app().captcha_text = [] { return std::string(kCaptchaText); };
  create_staff(fixture, "centre", "correct-horse");
  HttpClient client(fixture.base_url());
  for (int i = 0; i < 3; ++i) login(client, "centre", "bad");
  const json solution = captcha_solution(client, kCaptchaText);
  fixture.clock().advance(std::chrono::minutes(6));
  auto late = login(client, "centre", "correct-horse", solution);
  CHECK(late.status == 401);
  CHECK(late.json()["field"] == "captcha_answer");
}

TEST_CASE("10 failed logins lock a name for 15 minutes, real or not", "[api][auth]") {
  ServiceFixture fixture;
  fixture.app().captcha_text = [] { return std::string(kCaptchaText); };
  create_staff(fixture, "centre", "correct-horse");
  HttpClient client(fixture.base_url());

  for (const std::string name : {"centre", "nobody"}) {
    HttpResult last;
    for (int i = 0; i < 10; ++i) {
      const json solution = i < 3 ? json::object() : captcha_solution(client, kCaptchaText);
      last = login(client, name, "bad-password", solution);
    }
    CHECK(last.status == 403);
    CHECK(last.json()["type"] == "account_locked");
  }
  auto locked = login(client, "centre", "correct-horse", captcha_solution(client, kCaptchaText));
  CHECK(locked.status == 403);
  CHECK(locked.json()["type"] == "account_locked");

  fixture.clock().advance(std::chrono::minutes(14));
  CHECK(login(client, "centre", "correct-horse").status == 403);
  fixture.clock().advance(std::chrono::minutes(2));
  CHECK(login(client, "centre", "correct-horse").status == 200);
}

TEST_CASE("an imported student must change the password before any other call", "[api][auth]") {
  ServiceFixture fixture;
  const std::string id = resident_id("11010520040101002");  // 17th digit 2: a woman
  workflow::Student student;
  student.student_no = "20261234";
  student.name = "李华";
  student.id_number = id;
  student.gender = "2";
  student.college_code = "01";
  student.major = "软件工程";
  student.degree = "本科";
  student.graduation_year = 2026;
  REQUIRE(fixture.app().store->import_student({"01", "计算机学院"}, student, id.substr(12), fixture.clock().now()).ok());
  HttpClient client(fixture.base_url());

  auto first = login(client, "20261234", id.substr(12));
  REQUIRE(first.status == 200);
  CHECK(first.json()["role"] == "student");
  CHECK(first.json()["must_change_password"] == true);
  client.set_token(first.json()["token"]);

  auto blocked = client.get("/api/v1/auth/me");
  CHECK(blocked.status == 403);
  CHECK(blocked.json()["type"] == "password_change_required");
  CHECK(client.post_json("/api/v1/auth/wechat/binding", json::object()).json()["type"] == "password_change_required");

  struct BadChange {
    json body;
    const char* field;
  };
  const BadChange bad_changes[] = {
      {{{"old_password", id.substr(12)}, {"new_password", "short"}}, "new_password"},
      {{{"old_password", id.substr(12)}, {"new_password", id.substr(12)}}, "new_password"},
      {{{"old_password", "not-the-old-one"}, {"new_password", "a-new-secret"}}, "old_password"},
      {{{"old_password", id.substr(12)}}, "new_password"},
      {{{"old_password", id.substr(12)}, {"new_password", "a-new-secret"}, {"confirm", "x"}}, "confirm"},
      {{{"old_password", id.substr(12)}, {"new_password", 12345678}}, "new_password"},
  };
  for (const auto& bad : bad_changes) {
    auto refused = client.post_json("/api/v1/auth/password", bad.body);
    CHECK(refused.status == 400);
    CHECK(refused.json()["field"] == bad.field);
  }
  CHECK(client.get("/api/v1/auth/me").status == 403);  // nothing changed

  auto changed = client.post_json("/api/v1/auth/password",
                                  {{"old_password", id.substr(12)}, {"new_password", "a-new-secret"}});
  CHECK(changed.status == 200);
  auto me = client.get("/api/v1/auth/me");
  REQUIRE(me.status == 200);
  CHECK(me.json()["must_change_password"] == false);
  CHECK(me.json()["student_no"] == "20261234");

  HttpClient other(fixture.base_url());
  CHECK(login(other, "20261234", id.substr(12)).status == 401);
  CHECK(login(other, "20261234", "a-new-secret").status == 200);
}

TEST_CASE("logout ends the session", "[api][auth]") {
  ServiceFixture fixture;
  create_staff(fixture, "centre", "correct-horse");
  HttpClient client(fixture.base_url());
  client.set_token(login(client, "centre", "correct-horse").json()["token"]);
  CHECK(client.get("/api/v1/auth/me").status == 200);
  CHECK(client.request("POST", "/api/v1/auth/logout").status == 204);
  CHECK(client.get("/api/v1/auth/me").status == 401);
}

TEST_CASE("bad login bodies are refused naming the field and count no failure", "[api][auth]") {
  ServiceFixture fixture;
  create_staff(fixture, "centre", "correct-horse");
  HttpClient client(fixture.base_url());
  struct Bad {
    std::string body;
    const char* field;
  };
  const Bad bad[] = {
      {R"({"password":"x"})", "username"},
      {R"({"username":"centre"})", "password"},
      {R"({"username":"centre","password":"x","remember":true})", "remember"},
      {R"({"username":42,"password":"x"})", "username"},
      {R"({"username":"centre","password":"x","captcha_id":7})", "captcha_id"},
      {R"({"username":")" + std::string(100, 'a') + R"(","password":"x"})", "username"},
  };
  for (const auto& item : bad) {
    auto refused = client.request("POST", "/api/v1/auth/login", item.body, {{"Content-Type", "application/json"}});
    CHECK(refused.status == 400);
    CHECK(refused.header("content-type") == "application/problem+json");
    CHECK(refused.json()["field"] == item.field);
  }
  CHECK(client.request("POST", "/api/v1/auth/login", "{not json", {{"Content-Type", "application/json"}}).status == 400);
  auto throttle = fixture.app().store->login_throttle("centre", fixture.clock().now());
  REQUIRE(throttle.ok());
  CHECK(throttle->failures == 0);
}

TEST_CASE("sanfang user add makes staff accounts and refuses incomplete ones", "[api][auth][cli]") {
  ServiceFixture fixture;
  const std::string data = " --data " + fixture.data_dir().string();

  auto missing_college = run_sanfang("user add" + data + " --role college --username reviewer --password long-enough");
  CHECK(missing_college.exit_status == 1);
  CHECK(missing_college.output.find("--college") != std::string::npos);
  auto short_password = run_sanfang("user add" + data + " --role school --username centre --password short");
  CHECK(short_password.exit_status == 1);
  CHECK(short_password.output.find("--password") != std::string::npos);
  auto student = run_sanfang("user add" + data + " --role student --username s1 --password long-enough");
  CHECK(student.exit_status == 1);
  CHECK_FALSE(fixture.app().store->account_by_username("reviewer").ok());
  CHECK_FALSE(fixture.app().store->account_by_username("centre").ok());

  auto reviewer = run_sanfang("user add" + data + " --role college --username reviewer --password long-enough --college 01");
  CHECK(reviewer.exit_status == 0);
  HttpClient client(fixture.base_url());
  auto logged_in = login(client, "reviewer", "long-enough");
  REQUIRE(logged_in.status == 200);
  CHECK(logged_in.json()["role"] == "college");
  CHECK(logged_in.json()["must_change_password"] == false);

  auto again = run_sanfang("user add" + data + " --role school --username reviewer --password long-enough");
  CHECK(again.exit_status == 1);
}

TEST_CASE("an API key from sanfang user add works as a bearer token until it is revoked", "[api][auth][cli]") {
  ServiceFixture fixture;
  const std::string data = " --data " + fixture.data_dir().string();
  auto added = run_sanfang("user add" + data + " --role portal --username portal");
  REQUIRE(added.exit_status == 0);
  const std::string marker = "API key (shown once, keep it safe): ";
  const auto at = added.output.find(marker);
  REQUIRE(at != std::string::npos);
  const std::string key = added.output.substr(at + marker.size(), 64);

  CHECK(run_sanfang("user add" + data + " --role print --username printer --password long-enough").exit_status == 1);

  HttpClient client(fixture.base_url());
  client.set_token(key);
  auto me = client.get("/api/v1/auth/me");
  REQUIRE(me.status == 200);
  CHECK(me.json()["role"] == "portal");
  CHECK(me.json()["username"] == "portal");

  auto revoked = run_sanfang("user revoke-key" + data + " --username portal");
  CHECK(revoked.exit_status == 0);
  CHECK(client.get("/api/v1/auth/me").status == 401);
  CHECK(run_sanfang("user revoke-key" + data + " --username portal").exit_status == 1);
  CHECK(run_sanfang("user revoke-key" + data + " --username nobody").exit_status == 1);
}
