// 生源核查 over HTTP (SPEC "Source-info verification"): the student edits and submits, a reviewer
// of the student's college verifies or rejects; everyone else is out of scope.
#include "workflow_test_support.h"

#include <catch2/catch.hpp>

using namespace sanfang;
using namespace sanfang::testing;
using nlohmann::json;

namespace {

const std::string kPath = "/api/v1/students/2023001/source-info";

HttpResult put(HttpClient& client, const json& body) {
  return client.request("PUT", kPath, body.dump(), {{"Content-Type", "application/json"}});
}

}  // namespace

TEST_CASE("a student fills in and submits source info, the college rejects with a reason, then verifies the resubmission",
          "[api][source-info]") {
  WorkflowWorld world;
  world.add_student("2023001");
  Party student = world.student("2023001");

  json fresh = expect(student->get(kPath), 200);
  CHECK(fresh["state"] == "draft");
  CHECK(fresh["version"] == 0);
  CHECK(fresh["name"] == "张三");

  json body = valid_sections();
  body["version"] = 0;
  json saved = expect(put(*student, body), 200);
  CHECK(saved["version"] == 1);
  CHECK(saved["contact"]["mobile"] == "13800138000");

  // A second tab still holding version 0 loses.
  json stale = expect(put(*student, body), 409);
  CHECK(stale["field"] == "version");
  CHECK(stale["current_state"] == "draft");

  CHECK(expect(student->post_json(kPath + "/submit", json::object()), 200)["state"] == "submitted");
  body["version"] = 2;
  CHECK(expect(put(*student, body), 409)["current_state"] == "submitted");

  // Only a reviewer of the student's own college decides; the school is not a source-info reviewer.
  CHECK(world.other_college->post_json(kPath + "/review", {{"decision", "approve"}}).status == 404);
  CHECK(world.school->post_json(kPath + "/review", {{"decision", "approve"}}).status == 403);
  CHECK(student->post_json(kPath + "/review", {{"decision", "approve"}}).status == 403);
  CHECK(expect(world.college->post_json(kPath + "/review", {{"decision", "reject"}}), 400)["field"] == "reason");
  CHECK(expect(student->get(kPath), 200)["state"] == "submitted");

  json rejected = expect(world.college->post_json(kPath + "/review", {{"decision", "reject"}, {"reason", "档案所在地填写有误"}}), 200);
  CHECK(rejected["state"] == "rejected");
  CHECK(rejected["reject_reason"] == "档案所在地填写有误");

  body = valid_sections();
  body["archive"]["origin_region"] = "350200";
  body["version"] = rejected["version"];
  expect(put(*student, body), 200);
  expect(student->post_json(kPath + "/submit", json::object()), 200);
  json verified = expect(world.college->post_json(kPath + "/review", {{"decision", "approve"}}), 200);
  CHECK(verified["state"] == "verified");
  CHECK(verified["archive"]["origin_region"] == "350200");
  CHECK(expect(world.school->get(kPath), 200)["state"] == "verified");
}

TEST_CASE("source info refuses bad sections, other students and other colleges, and changes nothing", "[api][source-info]") {
  WorkflowWorld world;
  world.add_student("2023001");
  world.add_student("2023002");
  Party student = world.student("2023001");
  Party other = world.student("2023002");
  json body = valid_sections();
  body["version"] = 0;
  expect(put(*student, body), 200);
  const json before = expect(student->get(kPath), 200);

  struct Case {
    const char* what;
    json change;  // merged into a valid body
    std::string field;
  };
  const std::vector<Case> cases{
      {"bad mobile", {{"contact", {{"mobile", "1380013800"}}}}, "contact.mobile"},
      {"bad email", {{"contact", {{"email", "no-at-sign"}}}}, "contact.email"},
      {"unknown ethnicity code", {{"basic", {{"ethnicity", "77"}}}}, "basic.ethnicity"},
      {"bad birth date", {{"basic", {{"birth_date", "2003/05/17"}}}}, "basic.birth_date"},
      {"unknown section member", {{"archive", {{"desk", "A1"}}}}, "archive.desk"},
      {"section of the wrong type", {{"enrolment", "本科"}}, "enrolment"},
      {"bidi override in an address", {{"contact", {{"home_address", "福州\u202e市"}}}}, "contact.home_address"},
      {"unknown top-level field", {{"photo", "x"}}, "photo"},
      {"version of the wrong type", {{"version", "1"}}, "version"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    json bad = valid_sections();
    bad["version"] = 1;
    bad.merge_patch(c.change);
    auto result = put(*student, bad);
    INFO(result.body);
    CHECK(result.status == 400);
    CHECK(result.json()["field"] == c.field);
  }
  auto malformed = student->request("PUT", kPath, "{\"basic\": {", {{"Content-Type", "application/json"}});
  CHECK(malformed.status == 400);
  CHECK(malformed.json()["field"] == "$");

  CHECK(other->get(kPath).status == 404);
  CHECK(put(*other, body).status == 404);
  CHECK(other->post_json(kPath + "/submit", json::object()).status == 404);
  CHECK(world.other_college->get(kPath).status == 404);
  CHECK(world.college->get("/api/v1/students/9999999/source-info").status == 404);
  CHECK(world.employer->get(kPath).status == 404);

  CHECK(expect(student->get(kPath), 200) == before);
}

TEST_CASE("a college reviewer's queue lists its submitted source info with the imported identity, other colleges, "
          "students and employers see none of it",
          "[api][source-info][queue]") {
  WorkflowWorld world;
  world.add_student("2023001");
  world.add_student("2023002");
  world.add_student("2023003", "MATH");
  world.verify_source_info("2023002");
  Party student = world.student("2023001");
  json body = valid_sections();
  body["version"] = 0;
  expect(put(*student, body), 200);
  expect(student->post_json(kPath + "/submit", json::object()), 200);

  const json queue = expect(world.college->get("/api/v1/students?source_state=submitted&sort=waiting"), 200);
  REQUIRE(queue["items"].size() == 1);
  CHECK(queue["total"] == 1);
  const json& listed = queue["items"][0];
  CHECK(listed["student_no"] == "2023001");
  CHECK(listed["name"] == "张三");
  CHECK(listed["id_number"] == "110105194912310011");
  CHECK(listed["gender"] == "男");
  CHECK(listed["major"] == "软件工程");
  CHECK(listed["degree"] == "本科");
  CHECK(listed["source_state"] == "submitted");
  CHECK(listed["source_state_label"] == "待审核");
  CHECK(listed["url"] == kPath);
  // The record the reviewer opens carries the same identity to check the sections against.
  const json opened = expect(world.college->get(listed["url"].get<std::string>()), 200);
  CHECK(opened["student"]["id_number"] == "110105194912310011");
  CHECK(opened["student"]["degree"] == "本科");

  const json waiting = expect(world.college->get("/api/v1/waiting-for-me"), 200);
  CHECK(waiting["source_infos"]["count"] == 1);
  CHECK(waiting["agreements"]["count"] == 0);

  // Every student of the college, verified or not; the school's lookup spans colleges.
  CHECK(expect(world.college->get("/api/v1/students"), 200)["total"] == 2);
  CHECK(expect(world.school->get("/api/v1/students?q=2023"), 200)["total"] == 3);
  CHECK(expect(world.school->get("/api/v1/students?college=MATH"), 200)["items"][0]["student_no"] == "2023003");
  CHECK_FALSE(expect(world.school->get("/api/v1/waiting-for-me"), 200).contains("source_infos"));

  // Another college's reviewer sees nothing of CS, even when naming it.
  CHECK(expect(world.other_college->get("/api/v1/students?source_state=submitted"), 200)["total"] == 0);
  CHECK(expect(world.other_college->get("/api/v1/students?college=CS"), 200)["total"] == 0);
  CHECK(expect(world.other_college->get("/api/v1/waiting-for-me"), 200)["source_infos"]["count"] == 0);
  CHECK(student->get("/api/v1/students").status == 404);
  CHECK(world.employer->get("/api/v1/students").status == 404);

  // Refusals name what is wrong.
  CHECK(expect(world.college->get("/api/v1/students?state=submitted"), 400)["field"] == "state");
  CHECK(expect(world.college->get("/api/v1/students?source_state=waiting"), 400)["field"] == "source_state");
  CHECK(expect(world.college->get("/api/v1/students?sort=name"), 400)["field"] == "sort");
  CHECK(expect(world.college->get("/api/v1/students?graduation_year=26"), 400)["field"] == "graduation_year");
  CHECK(expect(world.college->get("/api/v1/students?q=%20"), 400)["field"] == "q");
  CHECK(expect(world.college->get("/api/v1/waiting-for-me?all=1"), 400)["field"] == "all");
}

TEST_CASE("the college resets a student's lost password: the old sessions end, the temporary one must be changed, "
          "and the audit log names the reviewer, no one else may",
          "[api][accounts]") {
  WorkflowWorld world;
  world.add_student("2023001");
  world.add_student("2023003", "MATH");
  Party student = world.student("2023001");
  Party other = world.student("2023003");
  REQUIRE(student->get(kPath).status == 200);
  const std::string reset_path = "/api/v1/students/2023001/password-reset";
  const std::string audit_path = "/api/v1/audit?entity=account&entity_id=" + std::to_string(student.account_id);

  // Refusals first: they change nothing and record nothing.
  CHECK(world.other_college->post_json(reset_path, json::object()).status == 404);
  CHECK(other->post_json(reset_path, json::object()).status == 404);
  CHECK(student->post_json(reset_path, json::object()).status == 404);
  CHECK(world.employer->post_json(reset_path, json::object()).status == 404);
  CHECK(world.college->post_json("/api/v1/students/2029999/password-reset", json::object()).status == 404);
  CHECK(expect(world.college->post_json(reset_path, {{"password", "mine"}}), 400)["field"] == "password");
  CHECK(student->get(kPath).status == 200);
  CHECK(expect(world.school->get(audit_path), 200)["total"] == 0);

  const HttpResult reset = world.college->post_json(reset_path, json::object());
  const json body = expect(reset, 200);
  CHECK(reset.header("cache-control") == "no-store");
  CHECK(body["student_no"] == "2023001");
  CHECK(body["must_change_password"] == true);
  const std::string temporary = body["temporary_password"];
  CHECK(temporary.size() == 12);
  CHECK(student->get(kPath).status == 401);  // every session of the student ended

  HttpClient fresh(world.fixture().base_url());
  const json login =
      expect(fresh.post_json("/api/v1/auth/login", {{"username", body["username"]}, {"password", temporary}}), 200);
  CHECK(login["must_change_password"] == true);

  const json log = expect(world.school->get(audit_path), 200);
  REQUIRE(log["total"] == 1);
  CHECK(log["items"][0]["action"] == "password.reset");
  CHECK(log["items"][0]["actor_name"] == "cs-reviewer");
  CHECK(log["items"][0]["actor_role_label"] == "学院审核人员");

  // The school resets any student's; the other student's session was untouched until then.
  CHECK(other->get("/api/v1/students/2023003/source-info").status == 200);
  const json by_school = expect(world.school->post_json("/api/v1/students/2023003/password-reset", json::object()), 200);
  CHECK(by_school["temporary_password"] != temporary);
  CHECK(other->get("/api/v1/students/2023003/source-info").status == 401);
}
