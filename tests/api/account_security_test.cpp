// Account security over a real server: the password policy on every password people choose
// (change, reset, `sanfang user add`), other sessions ended by a change or a reset, and the
// captcha drawn on the render pool.
#include "service_fixture.h"

#include "store/store.h"

#include <catch2/catch.hpp>

#include <future>
#include <string>

using namespace sanfang;
using namespace sanfang::testing;
using nlohmann::json;

namespace {

constexpr const char* kPassword = "Lanzhou-noodles-42";

void create_staff(ServiceFixture& fixture, const std::string& username, const std::string& password) {
  store::NewAccount account;
  account.username = username;
  account.password = password;
  account.role = workflow::Role::School;
  REQUIRE(fixture.app().store->create_account(account, fixture.clock().now()).ok());
}

std::string login(HttpClient& client, const std::string& username, const std::string& password) {
  auto result = client.post_json("/api/v1/auth/login", {{"username", username}, {"password", password}});
  INFO(result.body);
  REQUIRE(result.status == 200);
  return result.json()["token"];
}

json refusal(const HttpResult& result) {
  INFO(result.body);
  CHECK(result.status == 400);
  CHECK(result.header("content-type") == "application/problem+json");
  return result.json();
}

}  // namespace

TEST_CASE("weak new passwords are refused with a Chinese reason and the old password keeps working",
          "[api][accounts][password]") {
  ServiceFixture fixture;
  create_staff(fixture, "wangfang", kPassword);
  HttpClient client(fixture.base_url());
  client.set_token(login(client, "wangfang", kPassword));

  const struct {
    const char* password;
    const char* reason;
  } weak[] = {
      {"12345678", "至少需要 10 个字符"},
      {"password", "至少需要 10 个字符"},
      {"          ", "空格"},
      {"wangfang", "至少需要 10 个字符"},
      {"WangFang2024", "用户名"},
      {"password2024", "常见"},
      {"1234567890", "过于简单"},
      {kPassword, "原密码"},
  };
  for (const auto& [password, reason] : weak) {
    INFO(password);
    json problem = refusal(client.post_json("/api/v1/auth/password", {{"old_password", kPassword}, {"new_password", password}}));
    CHECK(problem["field"] == "new_password");
    CHECK(problem["detail"].get<std::string>().find(reason) != std::string::npos);
  }
  // Nothing changed: the old password still signs in, and this session is still valid.
  HttpClient other(fixture.base_url());
  login(other, "wangfang", kPassword);
  CHECK(client.get("/api/v1/auth/me").status == 200);
}

TEST_CASE("a password change ends the account's other sessions and keeps the one that made it",
          "[api][accounts][sessions]") {
  ServiceFixture fixture;
  create_staff(fixture, "wangfang", kPassword);
  create_staff(fixture, "lijuan", "Guilin-hills-and-rivers");
  HttpClient phone(fixture.base_url()), laptop(fixture.base_url()), colleague(fixture.base_url());
  phone.set_token(login(phone, "wangfang", kPassword));
  laptop.set_token(login(laptop, "wangfang", kPassword));
  colleague.set_token(login(colleague, "lijuan", "Guilin-hills-and-rivers"));

  auto changed = laptop.post_json("/api/v1/auth/password", {{"old_password", kPassword}, {"new_password", "Xi'an-city-wall-88"}});
  INFO(changed.body);
  REQUIRE(changed.status == 200);
  CHECK(laptop.get("/api/v1/auth/me").status == 200);
  CHECK(phone.get("/api/v1/auth/me").status == 401);
  CHECK(colleague.get("/api/v1/auth/me").status == 200);

  HttpClient fresh(fixture.base_url());
  CHECK(fresh.post_json("/api/v1/auth/login", {{"username", "wangfang"}, {"password", kPassword}}).status == 401);
  login(fresh, "wangfang", "Xi'an-city-wall-88");
}

TEST_CASE("sanfang user add refuses weak passwords and creates nothing", "[api][accounts][password][cli]") {
  ServiceFixture fixture;
  const std::string data = " --data '" + fixture.data_dir().string() + "'";
  for (const char* weak : {"12345678", "password123", "centre-office-1", "'          '"}) {
    INFO(weak);
    auto refused = run_sanfang("user add" + data + " --role school --username centre-office --password " + weak);
    CHECK(refused.exit_status == 1);
    CHECK(refused.output.find("--password") != std::string::npos);
  }
  CHECK(fixture.app().store->account_by_username("centre-office").error().kind == ErrorKind::NotFound);
  CHECK(run_sanfang("user add" + data + " --role school --username centre-office --password Hangzhou-west-lake").exit_status == 0);
}

TEST_CASE("sanfang user reset-password applies the policy, ends every session and asks for a change",
          "[api][accounts][sessions][cli]") {
  ServiceFixture fixture;
  create_staff(fixture, "wangfang", kPassword);
  HttpClient client(fixture.base_url());
  client.set_token(login(client, "wangfang", kPassword));
  const std::string data = " --data '" + fixture.data_dir().string() + "'";

  auto weak = run_sanfang("user reset-password" + data + " --username wangfang --password 1234567890");
  CHECK(weak.exit_status == 1);
  CHECK(client.get("/api/v1/auth/me").status == 200);  // a refused reset ends nothing

  auto reset = run_sanfang("user reset-password" + data + " --username wangfang --password Temporary-Kunming-7");
  INFO(reset.output);
  REQUIRE(reset.exit_status == 0);
  CHECK(client.get("/api/v1/auth/me").status == 401);
  HttpClient again(fixture.base_url());
  auto signed_in = again.post_json("/api/v1/auth/login", {{"username", "wangfang"}, {"password", "Temporary-Kunming-7"}});
  REQUIRE(signed_in.status == 200);
  CHECK(signed_in.json()["must_change_password"] == true);
}

TEST_CASE("the captcha is a PNG drawn on the render pool, and a full pool answers 503 with Retry-After",
          "[api][accounts][pools]") {
  ServiceFixture fixture;  // one render thread
  HttpClient client(fixture.base_url());
  auto captcha = client.get("/api/v1/auth/captcha");
  REQUIRE(captcha.status == 200);
  CHECK(captcha.json()["image"].get<std::string>().rfind("data:image/png;base64,iVBORw0KGgo", 0) == 0);

  // Occupy the only render thread, then fill the interactive queue.
  jobs::RenderPool& pool = *fixture.app().renders;
  std::promise<void> started, gate;
  auto gate_open = gate.get_future().share();
  pool.submit_to(0, [&started, gate_open](render::Renderer&) {
    started.set_value();
    gate_open.wait();
  });
  started.get_future().wait();
  for (std::size_t i = 0; i < jobs::RenderPoolOptions{}.interactive_queue_limit; ++i)
    pool.submit([](render::Renderer&) {});
  auto busy = client.get("/api/v1/auth/captcha");
  CHECK(busy.status == 503);
  CHECK(busy.header("retry-after") == "1");
  CHECK(busy.header("content-type") == "application/problem+json");

  gate.set_value();
  // Batch work runs once the interactive queue is empty.
  std::promise<void> drained;
  pool.submit([&drained](render::Renderer&) { drained.set_value(); }, false);
  drained.get_future().wait();
  CHECK(client.get("/api/v1/auth/captcha").status == 200);
}
