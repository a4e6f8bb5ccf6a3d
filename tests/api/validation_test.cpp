// One validation over HTTP: a value the workflow accepts always renders. Impossible dates,
// out-of-range years, characters no font has and values that do not fit are refused at save with
// a problem naming the field, and change nothing; reasons obey the text policy; and the last
// approval signs only when the agreement's document is made in the same decision.
#include "api/documents.h"
#include "workflow_test_support.h"

#include <catch2/catch.hpp>

using namespace sanfang;
using namespace sanfang::testing;
using nlohmann::json;

namespace {

const std::map<std::string, std::string> kJson{{"Content-Type", "application/json"}};

std::size_t history_length(HttpClient& client, std::int64_t id) {
  return expect(client.get(at(id, "/history")), 200)["items"].size();
}

}  // namespace

TEST_CASE("source info with an impossible date, a year out of range or an unprintable character is refused and changes nothing",
          "[api][validation]") {
  WorkflowWorld world;
  world.add_student("2023001");
  Party student = world.student("2023001");
  const std::string path = "/api/v1/students/2023001/source-info";
  json body = valid_sections();
  body["version"] = 0;
  expect(student->request("PUT", path, body.dump(), kJson), 200);
  const json before = expect(student->get(path), 200);

  struct Case {
    const char* what;
    json change;
    long status;
    std::string field;
    std::string detail_start;
  };
  const std::vector<Case> cases{
      {"2月30日", {{"basic", {{"birth_date", "1949-02-30"}}}}, 400, "basic.birth_date", "出生日期必须是有效日期"},
      {"2023-02-29", {{"basic", {{"birth_date", "2023-02-29"}}}}, 400, "basic.birth_date", "出生日期必须是有效日期"},
      {"year before 1900", {{"basic", {{"birth_date", "1899-12-31"}}}}, 400, "basic.birth_date", "出生日期的年份应在"},
      {"date not the resident ID's", {{"basic", {{"birth_date", "1950-01-01"}}}}, 400, "basic.birth_date",
       "出生日期与身份证号不一致"},
      {"character no font has", {{"contact", {{"home_address", "拉萨市\u0F63\u0F7A"}}}}, 422, "contact.home_address",
       "家庭地址"},
      {"Hangul filler", {{"contact", {{"home_address", "\u3164"}}}}, 400, "contact.home_address", "家庭地址"},
      {"blank address", {{"contact", {{"home_address", "　　"}}}}, 400, "contact.home_address", "家庭地址"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    json bad = valid_sections();
    bad["version"] = before["version"];
    bad.merge_patch(c.change);
    const auto result = student->request("PUT", path, bad.dump(), kJson);
    INFO(result.body);
    CHECK(result.status == c.status);
    CHECK(result.header("content-type").find("application/problem+json") == 0);
    CHECK(result.json()["field"] == c.field);
    CHECK(result.json()["detail"].get<std::string>().find(c.detail_start) == 0);
  }
  CHECK(expect(student->get(path), 200) == before);
}

TEST_CASE("agreement terms that do not fit or cannot be printed are refused at create and PATCH, nothing changed",
          "[api][validation]") {
  WorkflowWorld world;
  world.add_student("2023002");
  world.verify_source_info("2023002");
  const std::int64_t id = send_invitation(*world.employer, "2023002");
  const json before = expect(world.employer->get(at(id)), 200);
  const auto listed_before = expect(world.employer->get("/api/v1/agreements"), 200)["items"].size();

  std::string too_wide;
  for (int i = 0; i < 64; ++i) too_wide += "龘";
  json overflowing = sample_content();
  overflowing["job"]["position"] = too_wide;
  json uncovered = sample_content();
  uncovered["remarks"] = "违约金\U00013000元";

  const auto patch = world.employer->request(
      "PATCH", at(id), json{{"content", overflowing}, {"version", before["version"]}}.dump(), kJson);
  INFO(patch.body);
  CHECK(patch.status == 422);
  CHECK(patch.json()["field"] == "content.job.position");
  CHECK(patch.json()["detail"].get<std::string>().find("工作岗位") == 0);

  const auto create = world.employer->request("POST", "/api/v1/agreements",
                                              json{{"student_no", "2023002"}, {"content", uncovered}}.dump(), kJson);
  INFO(create.body);
  CHECK(create.status == 422);
  CHECK(create.json()["field"] == "content.remarks");

  CHECK(expect(world.employer->get(at(id)), 200) == before);
  CHECK(expect(world.employer->get("/api/v1/agreements"), 200)["items"].size() == listed_before);
}

TEST_CASE("an employer whose name has a character no font has is not registered", "[api][validation]") {
  WorkflowWorld world;
  const auto before = expect(world.school->get("/api/v1/employers"), 200)["items"].size();
  const auto result = world.school->request(
      "POST", "/api/v1/employers",
      json{{"name", "\U00013000科技有限公司"}, {"uscc", uscc_with_check("91350100M00010001")},
           {"profile", valid_employer_profile()}}
          .dump(),
      kJson);
  INFO(result.body);
  CHECK(result.status == 422);
  CHECK(result.json()["field"] == "name");
  CHECK(result.json()["detail"].get<std::string>().find("单位名称") == 0);
  CHECK(expect(world.school->get("/api/v1/employers"), 200)["items"].size() == before);
}

TEST_CASE("reasons and explanations obey the text policy, a refused one leaves no audit row", "[api][validation]") {
  WorkflowWorld world;
  world.add_student("2023004");
  world.verify_source_info("2023004");
  Party student = world.student("2023004");
  const std::int64_t id = send_invitation(*world.employer, "2023004");
  const auto history_before = history_length(*world.employer, id);
  for (const char* reason : {"岗位不符\u202E", "\u3164", "\u2800\u2800", "不\u00AD符"}) {
    INFO(reason);
    const auto result = student->post_json(at(id, "/return"), {{"reason", reason}});
    CHECK(result.status == 400);
    CHECK(result.json()["field"] == "reason");
  }
  CHECK(expect(student->get(at(id)), 200)["state"] == "invited");
  CHECK(history_length(*world.employer, id) == history_before);

  expect(student->post_json(at(id, "/accept"), seen_version(*student, id)), 200);
  const auto approve = world.college->post_json(at(id, "/review"), {{"decision", "approve"}, {"reason", "同意\u202E"}});
  CHECK(approve.status == 400);
  CHECK(approve.json()["field"] == "reason");
  CHECK(expect(world.college->get(at(id)), 200)["review"]["step"] == 0);
}

TEST_CASE("when the document cannot be made at the last approval the agreement is not signed and no serial is used",
          "[api][validation][signing]") {
  WorkflowWorld world;
  world.add_student("2023005");
  world.verify_source_info("2023005");
  Party student = world.student("2023005");
  const std::int64_t id = send_invitation(*world.employer, "2023005");
  expect(student->post_json(at(id, "/accept"), seen_version(*student, id)), 200);
  expect(world.college->post_json(at(id, "/review"), {{"decision", "approve"}}), 200);
  const auto history_before = history_length(*world.school, id);

  api::App& app = world.fixture().app();
  const auto make_document = app.make_signed_document;
  std::vector<std::string> serials_tried;
  app.make_signed_document = [&](const workflow::Agreement& agreement) -> Status {
    serials_tried.push_back(agreement.serial.value_or(""));
    return Error::make(ErrorKind::Overflow, "内容过长，缩小到 6 磅并换行后仍放不下", "employer.name");
  };
  const auto refused = world.school->post_json(at(id, "/review"), {{"decision", "approve"}});
  INFO(refused.body);
  CHECK(refused.status == 422);
  CHECK(refused.json()["field"] == "employer.name");
  REQUIRE(serials_tried.size() == 1);

  const json after = expect(world.school->get(at(id)), 200);
  CHECK(after["state"] == "in_review");
  CHECK(after["serial"].is_null());
  CHECK(history_length(*world.school, id) == history_before);
  CHECK(app.store->signed_document(id).error().kind == ErrorKind::NotFound);
  CHECK(app.store->agreements_in_state(workflow::AgreementState::Signed).value().empty());

  // Once the document can be made, the same decision signs with the serial that was not used up.
  app.make_signed_document = make_document;
  const json signed_agreement = expect(world.school->post_json(at(id, "/review"), {{"decision", "approve"}}), 200);
  CHECK(signed_agreement["state"] == "signed");
  CHECK(signed_agreement["serial"] == serials_tried[0]);
  const auto document = app.store->signed_document(id);
  REQUIRE(document.ok());
  CHECK(document->serial == serials_tried[0]);
}
