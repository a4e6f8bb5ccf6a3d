// The school administrator's accounts over HTTP (workflow/account_rules.h): staff accounts opened
// with a temporary password, listed, disabled and enabled, passwords reset, and the named API keys
// of service accounts issued and revoked — each through the routes as the administrator uses
// them, with the refusals that change nothing.
#include "workflow_test_support.h"

#include <catch2/catch.hpp>

using namespace sanfang;
using namespace sanfang::testing;
using nlohmann::json;

namespace {

std::string account_path(std::int64_t id, const std::string& suffix = {}) {
  return "/api/v1/accounts/" + std::to_string(id) + suffix;
}

json sign_in(WorkflowWorld& world, const std::string& username, const std::string& password) {
  HttpClient client(world.fixture().base_url());
  return client.post_json("/api/v1/auth/login", {{"username", username}, {"password", password}}).json();
}

}  // namespace

TEST_CASE("the administrator opens a reviewer account whose temporary password must be changed at first login",
          "[api][accounts][admin]") {
  WorkflowWorld world;
  Party admin = world.sign_in(workflow::Role::Admin, "admin");
  const json reviewer = {{"username", "cs.reviewer2"}, {"role", "college"}, {"college_code", "CS"}};

  // Refusals first: nobody else sees these addresses, and a bad request stores nothing.
  CHECK(world.school->get("/api/v1/accounts").status == 404);
  CHECK(world.school->post_json("/api/v1/accounts", reviewer).status == 404);
  CHECK(world.college->get(account_path(world.college.account_id)).status == 404);
  const json before = expect(admin->get("/api/v1/accounts"), 200);
  CHECK(expect(admin->post_json("/api/v1/accounts", {{"username", "s1"}, {"role", "student"}}), 400)["field"] == "role");
  CHECK(expect(admin->post_json("/api/v1/accounts", {{"username", "r1"}, {"role", "college"}}), 400)["field"] ==
        "college_code");
  CHECK(expect(admin->post_json("/api/v1/accounts", {{"username", "r1"}, {"role", "college"}, {"college_code", "LAW"}}),
               400)["field"] == "college_code");
  CHECK(expect(admin->post_json("/api/v1/accounts", {{"username", "有空格 的名字"}, {"role", "school"}}), 400)["field"] ==
        "username");
  CHECK(expect(admin->post_json("/api/v1/accounts", {{"username", "cs-reviewer"}, {"role", "school"}}), 409)["field"] ==
        "username");
  CHECK(expect(admin->get("/api/v1/accounts"), 200)["total"] == before["total"]);

  const HttpResult opened = admin->post_json("/api/v1/accounts", reviewer);
  const json body = expect(opened, 201);
  CHECK(opened.header("cache-control") == "no-store");
  CHECK(body["account"]["role_label"] == "学院审核人员");
  CHECK(body["account"]["must_change_password"] == true);
  const std::string temporary = body["temporary_password"];
  const json login = sign_in(world, "cs.reviewer2", temporary);
  CHECK(login["must_change_password"] == true);

  const json listed = expect(admin->get("/api/v1/accounts?role=college&college_code=CS&q=reviewer2"), 200);
  REQUIRE(listed["total"] == 1);
  CHECK(listed["items"][0]["username"] == "cs.reviewer2");
  CHECK(expect(admin->get("/api/v1/accounts?colour=red"), 400)["field"] == "colour");
  CHECK(expect(admin->get("/api/v1/accounts?role=dean"), 400)["field"] == "role");

  const std::int64_t id = body["account"]["id"];
  const json log = expect(admin->get("/api/v1/audit?entity=account&entity_id=" + std::to_string(id)), 200);
  REQUIRE(log["total"] == 1);
  CHECK(log["items"][0]["action"] == "create");
  CHECK(log["items"][0]["actor_role_label"] == "学校管理员");
  CHECK(log["items"][0]["actor_name"] == "admin");
}

TEST_CASE("a revoked API key is refused while the second key of the same account works", "[api][accounts][admin]") {
  WorkflowWorld world;
  Party admin = world.sign_in(workflow::Role::Admin, "admin");
  const json opened = expect(admin->post_json("/api/v1/accounts", {{"username", "portal2"}, {"role", "portal"},
                                                                    {"api_key_name", "2026 春季"}}),
                             201);
  CHECK_FALSE(opened.contains("temporary_password"));
  const std::int64_t portal = opened["account"]["id"];
  const std::string first_key = opened["api_key"]["key"];
  const std::int64_t first_id = opened["api_key"]["id"];
  const HttpResult issued = admin->post_json(account_path(portal, "/api-keys"), {{"name", "2026 秋季"}});
  const json second = expect(issued, 201);
  CHECK(issued.header("cache-control") == "no-store");
  const std::string second_key = second["key"];

  HttpClient with_first(world.fixture().base_url());
  with_first.set_token(first_key);
  HttpClient with_second(world.fixture().base_url());
  with_second.set_token(second_key);
  CHECK(expect(with_first.get("/api/v1/auth/me"), 200)["username"] == "portal2");
  CHECK(expect(with_second.get("/api/v1/auth/me"), 200)["username"] == "portal2");

  // A person's account holds no keys, a nameless key is refused, and neither changes anything.
  CHECK(expect(admin->post_json(account_path(world.school.account_id, "/api-keys"), {{"name", "x"}}), 409)["field"] ==
        "account");
  CHECK(expect(admin->post_json(account_path(portal, "/api-keys"), json::object()), 400)["field"] == "name");
  CHECK(world.school->request("DELETE", account_path(portal, "/api-keys/" + std::to_string(first_id))).status == 404);

  CHECK(admin->request("DELETE", account_path(portal, "/api-keys/" + std::to_string(first_id))).status == 204);
  CHECK(with_first.get("/api/v1/auth/me").status == 401);
  CHECK(with_second.get("/api/v1/auth/me").status == 200);
  CHECK(expect(admin->request("DELETE", account_path(portal, "/api-keys/" + std::to_string(first_id))), 409)["field"] ==
        "key_id");
  CHECK(admin->request("DELETE", account_path(world.school.account_id, "/api-keys/" + std::to_string(first_id + 1)))
            .status == 404);

  const json keys = expect(admin->get(account_path(portal, "/api-keys")), 200);
  REQUIRE(keys["items"].size() == 2);
  CHECK(keys["items"][0]["name"] == "2026 春季");
  CHECK(keys["items"][0]["revoked"] == true);
  CHECK(keys["items"][1]["revoked"] == false);
  CHECK_FALSE(keys["items"][1].contains("key"));
}

TEST_CASE("a disabled account is refused everywhere until it is enabled, and nobody disables themselves",
          "[api][accounts][admin]") {
  WorkflowWorld world;
  Party admin = world.sign_in(workflow::Role::Admin, "admin");
  const json portal = expect(admin->post_json("/api/v1/accounts", {{"username", "portal2"}, {"role", "portal"}}), 201);
  HttpClient service(world.fixture().base_url());
  service.set_token(portal["api_key"]["key"].get<std::string>());
  CHECK(service.get("/api/v1/auth/me").status == 200);

  CHECK(expect(admin->post_json(account_path(admin.account_id, "/disable"), json::object()), 409)["field"] == "account");
  CHECK(world.school->post_json(account_path(world.college.account_id, "/disable"), json::object()).status == 404);
  CHECK(world.college->get("/api/v1/students").status == 200);

  const json disabled = expect(admin->post_json(account_path(world.college.account_id, "/disable"), json::object()), 200);
  CHECK(disabled["disabled"] == true);
  CHECK(world.college->get("/api/v1/students").status == 401);  // its sessions ended
  const json login = sign_in(world, "cs-reviewer", "correct horse battery");
  CHECK(login["type"] == "account_disabled");
  CHECK(expect(admin->post_json(account_path(world.college.account_id, "/disable"), json::object()), 409)["field"] ==
        "account");
  CHECK(expect(admin->get("/api/v1/accounts?disabled=true"), 200)["total"] == 1);

  expect(admin->post_json(account_path(portal["account"]["id"].get<std::int64_t>(), "/disable"), json::object()), 200);
  CHECK(service.get("/api/v1/auth/me").status == 403);  // the key stays, and opens nothing
  expect(admin->post_json(account_path(portal["account"]["id"].get<std::int64_t>(), "/enable"), json::object()), 200);
  CHECK(service.get("/api/v1/auth/me").status == 200);

  CHECK(expect(admin->post_json(account_path(world.college.account_id, "/enable"), json::object()), 200)["disabled"] ==
        false);
  CHECK(sign_in(world, "cs-reviewer", "correct horse battery").contains("token"));
}

TEST_CASE("an administrator's password reset ends the account's sessions and forces a change",
          "[api][accounts][admin]") {
  WorkflowWorld world;
  Party admin = world.sign_in(workflow::Role::Admin, "admin");
  const json portal = expect(admin->post_json("/api/v1/accounts", {{"username", "portal2"}, {"role", "portal"}}), 201);
  CHECK(expect(admin->post_json(account_path(portal["account"]["id"].get<std::int64_t>(), "/password-reset"),
                                json::object()),
               409)["field"] == "account");
  CHECK(world.college->post_json(account_path(world.school.account_id, "/password-reset"), json::object()).status == 404);
  CHECK(world.school->get("/api/v1/students").status == 200);

  const HttpResult reset = admin->post_json(account_path(world.school.account_id, "/password-reset"), json::object());
  const json body = expect(reset, 200);
  CHECK(reset.header("cache-control") == "no-store");
  CHECK(world.school->get("/api/v1/students").status == 401);
  const json login = sign_in(world, body["account"]["username"], body["temporary_password"]);
  CHECK(login["must_change_password"] == true);
}
