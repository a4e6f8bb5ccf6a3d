// The employer library over HTTP: search with vetted units flagged, registration (an HR account is
// bound to its unit), the school's vetting, and the rule that an unvetted unit cannot invite.
#include "workflow_test_support.h"

#include <catch2/catch.hpp>

using namespace sanfang;
using namespace sanfang::testing;
using nlohmann::json;

namespace {

json new_unit(const std::string& name, const std::string& uscc) {
  return {{"name", name}, {"uscc", uscc}, {"profile", valid_employer_profile()}};
}

}  // namespace

TEST_CASE("the library search flags vetted units and lists them first", "[api][employers]") {
  WorkflowWorld world;
  world.add_student("2024001");
  Party student = world.student("2024001");
  json all = expect(student->get("/api/v1/employers"), 200);
  REQUIRE(all["items"].size() == 2);
  CHECK(all["items"][0]["vetted"] == true);
  CHECK(all["items"][1]["vetted"] == false);

  json found = expect(student->get("/api/v1/employers?q=%E7%A6%8F%E5%B7%9E"), 200);  // 福州
  REQUIRE(found["items"].size() == 1);
  CHECK(found["items"][0]["name"] == "福州示范软件有限公司");
  CHECK(expect(student->get("/api/v1/employers?q=%25"), 200)["items"].empty());  // % is literal
  CHECK(expect(student->get("/api/v1/employers?limit=0"), 400)["field"] == "limit");
  CHECK(expect(student->get("/api/v1/employers/" + std::to_string(world.vetted_employer_id)), 200)["vetted"] == true);
  CHECK(student->get("/api/v1/employers/999").status == 404);
}

TEST_CASE("an HR account registers its unit, cannot invite until the school vets it, then can", "[api][employers]") {
  WorkflowWorld world;
  world.add_student("2024002");
  world.verify_source_info("2024002");
  Party hr = world.sign_in(workflow::Role::Employer, "new-hr");
  const std::string uscc = uscc_with_check("91350100MA34567X1");

  CHECK(hr->post_json("/api/v1/agreements", {{"student_no", "2024002"}}).status == 403);  // no unit yet

  json bad_postcode = new_unit("新星网络有限公司", uscc);
  bad_postcode["profile"]["postcode"] = "3500";
  CHECK(expect(hr->post_json("/api/v1/employers", bad_postcode), 400)["field"] == "profile.postcode");
  json incomplete = new_unit("新星网络有限公司", uscc);
  incomplete["profile"].erase("phone");
  CHECK(expect(hr->post_json("/api/v1/employers", incomplete), 400)["field"] == "profile.phone");
  CHECK(expect(hr->post_json("/api/v1/employers", new_unit("新星网络有限公司", "91350100MA34567X1Z")), 400)["field"] ==
        "uscc");
  CHECK(expect(hr->post_json("/api/v1/employers", new_unit("重复公司", "91350100M000100Y43")), 409)["field"] == "uscc");

  json unit = expect(hr->post_json("/api/v1/employers", new_unit("新星网络有限公司", uscc)), 201);
  CHECK(unit["vetted"] == false);
  CHECK(unit["uscc"] == uscc);
  const std::int64_t unit_id = unit["id"];
  // The account now keeps that unit and cannot register a second one.
  CHECK(expect(hr->post_json("/api/v1/employers", new_unit("另一家公司", uscc_with_check("91350100MA34567X2"))), 409)["field"] ==
        "account");

  // SPEC: an unvetted unit cannot send invitations.
  json refused = expect(hr->post_json("/api/v1/agreements", {{"student_no", "2024002"}, {"content", sample_content()}}), 403);
  CHECK(refused["field"] == "employer_id");

  const std::string vet_path = "/api/v1/employers/" + std::to_string(unit_id) + "/vet";
  CHECK(world.college->post_json(vet_path, json::object()).status == 403);
  CHECK(expect(world.school->post_json(vet_path, json::object()), 200)["vetted"] == true);
  CHECK(world.school->post_json(vet_path, json::object()).status == 409);

  const std::int64_t id = send_invitation(*hr, "2024002");
  CHECK(id > 0);
}

TEST_CASE("a student may add a unit that is not in the library, filled in full, but a reviewer may not",
          "[api][employers]") {
  WorkflowWorld world;
  world.add_student("2024003");
  Party student = world.student("2024003");
  json added = expect(student->post_json("/api/v1/employers", new_unit("自主联系单位有限公司", uscc_with_check("91110108MA01ABCD1"))), 201);
  CHECK(added["vetted"] == false);
  CHECK(world.college->post_json("/api/v1/employers", new_unit("学院代填单位", uscc_with_check("91110108MA01ABCD2"))).status ==
        403);
  json blank_name = new_unit("", uscc_with_check("91110108MA01ABCD3"));
  CHECK(expect(student->post_json("/api/v1/employers", blank_name), 400)["field"] == "name");
}

TEST_CASE("a unit signs itself up with a solved captcha and stays pending until the school vets it",
          "[api][employers][sign_up]") {
  WorkflowWorld world;
  world.fixture().app().captcha_text = [] { return std::string("K7PX"); };
  HttpClient visitor(world.fixture().base_url());
  const std::string uscc = uscc_with_check("91350100MA3PQ7K01");
  auto captcha = [&] { return visitor.get("/api/v1/auth/captcha").json()["captcha_id"].get<std::string>(); };
  auto form = [&](const std::string& captcha_id, const std::string& answer) {
    return json{{"username", "xinxing-hr"},
                {"password", "Blue river 2026 lantern"},
                {"captcha_id", captcha_id},
                {"captcha_answer", answer},
                {"unit", new_unit("新星科技有限公司", uscc)}};
  };
  const std::string path = "/api/v1/employer-sign-ups";

  // Refusals store nothing: no unit, no account.
  json no_captcha = form("", "");
  no_captcha.erase("captcha_id");
  CHECK(expect(visitor.post_json(path, no_captcha), 400)["field"] == "captcha_id");
  CHECK(expect(visitor.post_json(path, form(captcha(), "WRONG")), 400)["field"] == "captcha_answer");
  json weak = form(captcha(), "K7PX");
  weak["password"] = "12345678";
  CHECK(expect(visitor.post_json(path, weak), 400)["field"] == "password");
  json taken_code = form(captcha(), "K7PX");
  taken_code["unit"]["uscc"] = "91350100M000100Y43";
  CHECK(expect(visitor.post_json(path, taken_code), 409)["field"] == "uscc");
  CHECK(expect(world.school->get("/api/v1/employers?q=%E6%96%B0%E6%98%9F"), 200)["items"].empty());  // 新星
  CHECK(visitor.post_json("/api/v1/auth/login", {{"username", "xinxing-hr"}, {"password", "Blue river 2026 lantern"}})
            .status == 401);

  const json signed_up = expect(visitor.post_json(path, form(captcha(), "k7px")), 201);
  CHECK(signed_up["employer"]["vetted"] == false);
  const std::int64_t unit_id = signed_up["employer"]["id"];
  const json login = expect(
      visitor.post_json("/api/v1/auth/login", {{"username", "xinxing-hr"}, {"password", "Blue river 2026 lantern"}}), 200);
  CHECK(login["must_change_password"] == false);
  HttpClient hr(world.fixture().base_url());
  hr.set_token(login["token"].get<std::string>());
  CHECK(expect(hr.get("/api/v1/auth/me"), 200)["employer_id"] == unit_id);

  world.add_student("2024009");
  world.verify_source_info("2024009");
  CHECK(expect(hr.post_json("/api/v1/agreements", {{"student_no", "2024009"}, {"content", sample_content()}}), 403)["field"] ==
        "employer_id");
  expect(world.school->post_json("/api/v1/employers/" + std::to_string(unit_id) + "/vet", json::object()), 200);
  CHECK(send_invitation(hr, "2024009") > 0);
}

TEST_CASE("a unit's own change of its legal name puts it back to pending while a new phone number does not",
          "[api][employers][edit]") {
  WorkflowWorld world;
  const std::string path = "/api/v1/employers/" + std::to_string(world.vetted_employer_id);
  auto patch = [](HttpClient& client, const std::string& target, const json& body) {
    return client.request("PATCH", target, body.dump(), {{"Content-Type", "application/json"}});
  };
  world.add_student("2024010");
  Party student = world.student("2024010");
  Party other_hr = world.sign_in(workflow::Role::Employer, "other-hr", {}, world.unvetted_employer_id);

  // Refusals change nothing.
  CHECK(patch(*student, path, {{"profile", {{"phone", "0591-87654321"}}}}).status == 403);
  CHECK(patch(*other_hr, path, {{"profile", {{"phone", "0591-87654321"}}}}).status == 403);
  CHECK(expect(patch(*world.employer, path, {{"profile", {{"postcode", "35"}}}}), 400)["field"] == "profile.postcode");
  CHECK(expect(patch(*world.employer, path, {{"colour", "red"}}), 400)["field"] == "colour");
  CHECK(expect(patch(*world.employer, path, {{"name", "福州示范软件有限公司"}}), 409)["field"] == "employer");
  const json unchanged = expect(world.school->get(path), 200);
  CHECK(unchanged["version"] == 1);

  const json phone = expect(patch(*world.employer, path, {{"profile", {{"phone", "0591-88886666"}}}, {"version", 1}}), 200);
  CHECK(phone["vetted"] == true);
  CHECK(phone["profile"]["phone"] == "0591-88886666");
  CHECK(phone["profile"]["address"] == unchanged["profile"]["address"]);
  CHECK(patch(*world.employer, path, {{"name", "福州示范软件股份有限公司"}, {"version", 1}}).status == 409);  // stale

  const json renamed = expect(patch(*world.employer, path, {{"name", "福州示范软件股份有限公司"}}), 200);
  CHECK(renamed["vetted"] == false);
  expect(world.school->post_json(path + "/vet", json::object()), 200);
  const json by_school = expect(patch(*world.school, path, {{"name", "福州示范软件集团有限公司"}}), 200);
  CHECK(by_school["vetted"] == true);

  CHECK(expect(world.school->post_json(path + "/unvet", json::object()), 400)["field"] == "reason");
  CHECK(world.college->post_json(path + "/unvet", {{"reason", "经营异常"}}).status == 403);
  CHECK(expect(world.school->post_json(path + "/unvet", {{"reason", "经营异常"}}), 200)["vetted"] == false);
  CHECK(world.school->post_json(path + "/unvet", {{"reason", "经营异常"}}).status == 409);
  const json log = expect(world.school->get("/api/v1/audit?entity=employer&entity_id=" +
                                            std::to_string(world.vetted_employer_id)),
                          200);
  CHECK(log["items"][0]["action"] == "unvet");
  CHECK(log["items"][0]["reason"] == "经营异常");
}
