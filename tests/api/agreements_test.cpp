// The agreement lifecycle over HTTP against a real server (SPEC "Agreement lifecycle", issue 3
// "Tests"): both ways in, termination, expiry, and a table of bad inputs that change nothing.
#include "workflow_test_support.h"

#include <catch2/catch.hpp>

#include <map>
#include <mutex>
#include <tuple>
#include <vector>

using namespace sanfang;
using namespace sanfang::testing;
using nlohmann::json;

namespace {

// College then school approve an agreement in review; returns it signed.
json approve_to_signed(WorkflowWorld& world, std::int64_t id) {
  expect(world.college->post_json(at(id, "/review"), {{"decision", "approve"}}), 200);
  json signed_agreement = expect(world.school->post_json(at(id, "/review"), {{"decision", "approve"}}), 200);
  REQUIRE(signed_agreement["state"] == "signed");
  return signed_agreement;
}

std::int64_t upload(HttpClient& client, std::int64_t id, const std::string& purpose, const std::string& bytes,
                    const std::string& content_type) {
  auto result = client.request("POST", at(id, "/attachments?purpose=" + purpose), bytes, {{"Content-Type", content_type}});
  return expect(result, 201)["id"].get<std::int64_t>();
}

std::vector<std::string> actions(HttpClient& client, std::int64_t id) {
  std::vector<std::string> list;
  const json history = expect(client.get(at(id, "/history")), 200);
  for (const auto& item : history["items"]) list.push_back(item["action"]);
  return list;
}

}  // namespace

TEST_CASE("an invitation is returned with a reason, resent, accepted and approved by college then school into a serial",
          "[api][agreements]") {
  WorkflowWorld world;
  std::mutex mutex;
  std::vector<std::int64_t> signed_ids;
  auto make_document = world.fixture().app().make_signed_document;
  world.fixture().app().make_signed_document = [&, make_document](const workflow::Agreement& a) {
    std::lock_guard lock(mutex);
    signed_ids.push_back(a.id);
    return make_document(a);
  };
  world.add_student("2022001");
  world.verify_source_info("2022001");
  Party student = world.student("2022001");

  const std::int64_t id = send_invitation(*world.employer, "2022001");
  json listed = expect(student->get("/api/v1/agreements?state=invited"), 200);
  REQUIRE(listed["items"].size() == 1);
  CHECK(listed["items"][0]["id"] == id);
  CHECK(listed["items"][0]["state_label"].get<std::string>().size() > 0);
  CHECK(listed["items"][0]["expires_at"].is_string());

  json returned = expect(student->post_json(at(id, "/return"), {{"reason", "岗位与面谈时所说不符"}}), 200);
  CHECK(returned["state"] == "returned");
  CHECK(returned["last_reason"] == "岗位与面谈时所说不符");

  json content = sample_content();
  content["job"]["position"] = "后端开发工程师";
  json edited = expect(world.employer->request("PATCH", at(id), json{{"content", content}, {"version", returned["version"]}}.dump(),
                                               {{"Content-Type", "application/json"}}),
                       200);
  CHECK(edited["content"]["job"]["position"] == "后端开发工程师");
  CHECK(expect(world.employer->post_json(at(id, "/send"), json::object()), 200)["state"] == "invited");

  json accepted = expect(student->post_json(at(id, "/accept"), seen_version(*student, id)), 200);
  CHECK(accepted["state"] == "in_review");
  CHECK(accepted["review"]["pending"] == "college");
  CHECK(accepted["snapshot"]["student"]["name"] == "张三");

  // The school's turn comes after the college's.
  CHECK(world.school->post_json(at(id, "/review"), {{"decision", "approve"}}).status == 403);
  json signed_agreement = approve_to_signed(world, id);
  const std::string serial = signed_agreement["serial"];
  CHECK(serial.size() == 16);
  CHECK(serial.rfind("107312026", 0) == 0);
  CHECK(signed_agreement["signed_at"].is_string());
  {
    std::lock_guard lock(mutex);
    CHECK(signed_ids == std::vector<std::int64_t>{id});
  }

  const auto trail = actions(*student, id);
  CHECK(trail == std::vector<std::string>{"create", "send", "return", "edit", "send", "accept", "enter_review",
                                          "review.approve.college", "review.approve.school"});
  json history = expect(world.college->get(at(id, "/history")), 200);
  CHECK(history["items"][2]["actor_role"] == "student");
  CHECK(history["items"][2]["reason"] == "岗位与面谈时所说不符");
  CHECK(expect(world.employer->get("/api/v1/agreements?state=signed"), 200)["items"].size() == 1);
}

TEST_CASE("a student-initiated signing needs an uploaded proof before review and is signed after both reviews",
          "[api][agreements]") {
  WorkflowWorld world;
  world.add_student("2022002");
  world.verify_source_info("2022002");
  Party student = world.student("2022002");

  json draft = expect(student->post_json("/api/v1/agreements",
                                         {{"employer_id", world.vetted_employer_id}, {"content", sample_content()}}),
                      201);
  const std::int64_t id = draft["id"];
  CHECK(draft["origin"] == "student_initiated");
  CHECK(draft["state"] == "draft");

  json refused = expect(student->post_json(at(id, "/submit"), json::object()), 400);
  CHECK(refused["field"] == "attachments");

  upload(*student, id, "proof", png_bytes(40, 30), "image/png");
  upload(*student, id, "other", jpeg_bytes(32, 24), "image/jpeg");
  json with_files = expect(student->get(at(id)), 200);
  REQUIRE(with_files["attachments"].size() == 2);
  CHECK(with_files["attachments"][0]["media_type"] == "image/png");
  CHECK(with_files["attachments"][1]["media_type"] == "image/jpeg");

  CHECK(expect(student->post_json(at(id, "/submit"), json::object()), 200)["state"] == "in_review");
  json signed_agreement = approve_to_signed(world, id);
  CHECK(signed_agreement["serial"].is_string());
  CHECK(signed_agreement["serial_display"].get<std::string>().size() > 16);
}

TEST_CASE("an employer edits an invitation the student has, accepting the earlier version is 409 and changes nothing",
          "[api][agreements][edit]") {
  WorkflowWorld world;
  world.add_student("2022011");
  world.verify_source_info("2022011");
  Party student = world.student("2022011");
  const std::int64_t id = send_invitation(*world.employer, "2022011");
  const json seen = seen_version(*student, id);
  const json before = expect(student->get(at(id)), 200);

  json content = sample_content();
  content["job"]["position"] = "测试开发工程师";
  const auto patch = [&](const json& body) {
    return world.employer->request("PATCH", at(id), body.dump(), {{"Content-Type", "application/json"}});
  };
  json edited = expect(patch({{"content", content}, {"version", seen["version"]}}), 200);
  CHECK(edited["state"] == "invited");
  CHECK(edited["version"].get<std::int64_t>() > seen["version"].get<std::int64_t>());
  CHECK(edited["content"]["job"]["position"] == "测试开发工程师");
  CHECK(edited["expires_at"] == before["expires_at"]);  // an edit is not a sending (SPEC expiry rule)
  // The same stale page cannot edit again.
  CHECK(expect(patch({{"content", content}, {"version", seen["version"]}}), 409)["current_state"] == "invited");

  json stale = expect(student->post_json(at(id, "/accept"), seen), 409);
  CHECK(stale["detail"] == "单位已修改邀约，请重新查看后再应约");
  CHECK(stale["field"] == "version");
  CHECK(stale["current_state"] == "invited");
  CHECK(expect(student->get(at(id)), 200)["version"] == edited["version"]);
  json no_version = expect(student->post_json(at(id, "/accept"), json::object()), 400);
  CHECK(no_version["field"] == "version");

  const json history = expect(student->get(at(id, "/history")), 200)["items"];
  REQUIRE(history.size() >= 3);
  const json& last = history.back();
  CHECK(last["action"] == "edit");
  CHECK(last["actor_role"] == "employer");
  CHECK(last["from_state"] == "invited");
  CHECK(last["at"].is_string());

  CHECK(expect(student->post_json(at(id, "/accept"), json{{"version", edited["version"]}}), 200)["state"] ==
        "in_review");
  CHECK(expect(patch({{"content", content}, {"version", edited["version"]}}), 409)["current_state"] == "in_review");
}

TEST_CASE("acceptance needs verified source info and a student holds at most one live agreement", "[api][agreements]") {
  WorkflowWorld world;
  world.add_student("2022003");
  Party student = world.student("2022003");
  const std::int64_t first = send_invitation(*world.employer, "2022003");

  json refused = expect(student->post_json(at(first, "/accept"), seen_version(*student, first)), 409);
  CHECK(refused["field"] == "source_info");
  CHECK(refused["current_state"] == "invited");
  json initiated = expect(student->post_json("/api/v1/agreements", {{"employer_id", world.vetted_employer_id}}), 409);
  CHECK(initiated["field"] == "source_info");

  world.verify_source_info("2022003");
  workflow::Employer second_unit;
  second_unit.name = "厦门第二软件有限公司";
  second_unit.uscc = uscc_with_check("91350200MA2XYW001");
  second_unit.profile = valid_employer_profile();
  second_unit.vetted = true;
  auto stored_unit = world.store().insert_employer(second_unit);
  REQUIRE(stored_unit.ok());
  Party second_hr = world.sign_in(workflow::Role::Employer, "hr2", {}, stored_unit->id);
  const std::int64_t second = send_invitation(*second_hr, "2022003");

  CHECK(expect(student->post_json(at(first, "/accept"), seen_version(*student, first)), 200)["state"] == "in_review");
  json second_refused = expect(student->post_json(at(second, "/accept"), seen_version(*student, second)), 409);
  CHECK(second_refused["field"] == "student_no");
  CHECK(second_refused["current_state"] == "invited");
  // The other invitation stays visible.
  CHECK(expect(student->get("/api/v1/agreements"), 200)["items"].size() == 2);
}

TEST_CASE("a termination with both letters passes college and school, the student signs again, and a second termination is refused",
          "[api][agreements][termination]") {
  WorkflowWorld world;
  world.add_student("2022004");
  world.verify_source_info("2022004");
  Party student = world.student("2022004");

  const std::int64_t first = send_invitation(*world.employer, "2022004");
  expect(student->post_json(at(first, "/accept"), seen_version(*student, first)), 200);
  const std::string first_serial = approve_to_signed(world, first)["serial"];

  const std::int64_t release = upload(*student, first, "release_letter", png_bytes(60, 80), "image/png");
  const std::int64_t acceptance = upload(*student, first, "acceptance_letter", jpeg_bytes(60, 80), "image/jpeg");
  // An employer cannot upload termination material for the student.
  CHECK(world.employer->request("POST", at(first, "/attachments?purpose=release_letter"), png_bytes(10, 10),
                                {{"Content-Type", "image/png"}}).status == 403);

  json no_explanation = expect(student->post_json(at(first, "/termination"), {{"attachment_ids", {release, acceptance}}}), 400);
  CHECK(no_explanation["field"] == "explanation");
  json one_letter = expect(student->post_json(at(first, "/termination"),
                                              {{"explanation", "已与新单位签约"}, {"attachment_ids", {release}}}),
                           400);
  CHECK(one_letter["field"] == "attachments");
  CHECK(expect(student->get(at(first)), 200)["state"] == "signed");

  json requested = expect(student->post_json(at(first, "/termination"),
                                             {{"explanation", "已与新单位签约"}, {"attachment_ids", {release, acceptance}}}),
                          200);
  CHECK(requested["state"] == "termination_requested");
  CHECK(expect(student->get(at(first)), 200)["termination"]["material"].size() == 2);

  CHECK(world.school->post_json(at(first, "/termination/review"), {{"decision", "approve"}}).status == 403);
  CHECK(expect(world.college->post_json(at(first, "/termination/review"), {{"decision", "approve"}}), 200)["state"] ==
        "termination_requested");
  json terminated = expect(world.school->post_json(at(first, "/termination/review"), {{"decision", "approve"}}), 200);
  CHECK(terminated["state"] == "terminated");
  CHECK(terminated["serial"] == first_serial);

  const std::int64_t second = send_invitation(*world.employer, "2022004");
  expect(student->post_json(at(second, "/accept"), seen_version(*student, second)), 200);
  const std::string second_serial = approve_to_signed(world, second)["serial"];
  CHECK(second_serial != first_serial);

  const std::int64_t release2 = upload(*student, second, "release_letter", png_bytes(61, 80), "image/png");
  const std::int64_t acceptance2 = upload(*student, second, "acceptance_letter", png_bytes(62, 80), "image/png");
  json again = expect(student->post_json(at(second, "/termination"),
                                         {{"explanation", "再次解约"}, {"attachment_ids", {release2, acceptance2}}}),
                      409);
  CHECK(again["field"] == "student_no");
  CHECK(again["current_state"] == "signed");
  CHECK(again["detail"].get<std::string>().find("一次") != std::string::npos);
  CHECK(expect(student->get(at(first)), 200)["state"] == "terminated");
}

TEST_CASE("an invitation expires 14 days after it was last sent", "[api][agreements][expiry]") {
  WorkflowWorld world;
  world.add_student("2022005");
  world.verify_source_info("2022005");
  Party student = world.student("2022005");
  auto& clock = world.fixture().clock();
  auto& sweeper = world.fixture().service().expiry_sweeper();

  const std::int64_t id = send_invitation(*world.employer, "2022005");
  clock.advance(std::chrono::days{1});
  world.renew_session(student);
  expect(student->post_json(at(id, "/return"), {{"reason", "请补充薪资"}}), 200);
  clock.advance(std::chrono::days{9});
  world.renew_session(world.employer);
  expect(world.employer->post_json(at(id, "/send"), json::object()), 200);  // day 10: the clock restarts

  clock.advance(std::chrono::days{14} - std::chrono::seconds{1});
  world.renew_session(student);  // sessions last hours, not weeks
  world.renew_session(world.employer);
  REQUIRE(sweeper.run_once().ok());
  CHECK(expect(student->get(at(id)), 200)["state"] == "invited");

  clock.advance(std::chrono::seconds{1});
  world.renew_session(student);
  world.renew_session(world.employer);
  REQUIRE(sweeper.run_once().ok());
  CHECK(expect(student->get(at(id)), 200)["state"] == "expired");
  json late = expect(student->post_json(at(id, "/accept"), seen_version(*student, id)), 409);
  CHECK(late["current_state"] == "expired");
  CHECK(actions(*world.employer, id).back() == "expire");
}

TEST_CASE("bad inputs get a problem naming the field and change nothing", "[api][agreements][bad-input]") {
  WorkflowWorld world;
  world.add_student("2022006");
  world.verify_source_info("2022006");
  world.add_student("2022007");
  Party student = world.student("2022006");
  Party other_student = world.student("2022007");
  const std::int64_t id = send_invitation(*world.employer, "2022006");

  const json before = expect(world.employer->get(at(id)), 200);
  const auto history_before = actions(*world.employer, id);
  const json source_before = expect(student->get("/api/v1/students/2022006/source-info"), 200);
  const auto library_before = expect(world.school->get("/api/v1/employers"), 200)["items"].size();

  std::string fake_png("\x89PNG\r\n\x1a\n", 8);
  fake_png += std::string(200, 'x');
  std::string truncated_jpeg = jpeg_bytes(64, 64);
  truncated_jpeg.resize(truncated_jpeg.size() / 2);
  json bad_mobile = valid_sections();
  bad_mobile["contact"]["mobile"] = "12345";
  bad_mobile["version"] = source_before["version"];
  Party no_token{0, std::make_unique<HttpClient>(world.fixture().base_url())};
  const std::map<std::string, std::string> as_json{{"Content-Type", "application/json"}};

  struct Case {
    const char* what;
    HttpClient* client;
    std::string method;
    std::string path;
    std::string body;
    std::map<std::string, std::string> headers;
    long status;
    std::string field;  // empty: not checked
  };
  const std::vector<Case> cases{
      {"malformed JSON", student.client.get(), "POST", at(id, "/return"), "{\"reason\":", as_json, 400, "$"},
      {"unknown field", student.client.get(), "POST", at(id, "/return"), R"({"reason":"x","extra":1})", as_json, 400, "extra"},
      {"wrong type", student.client.get(), "POST", at(id, "/return"), R"({"reason":5})", as_json, 400, "reason"},
      {"missing reason", student.client.get(), "POST", at(id, "/return"), "{}", as_json, 400, "reason"},
      {"blank reason", student.client.get(), "POST", at(id, "/return"), R"({"reason":"　 "})", as_json, 400, "reason"},
      {"oversized JSON body", student.client.get(), "POST", at(id, "/return"),
       json{{"reason", std::string(70 * 1024, 'a')}}.dump(), as_json, 413, ""},
      {"fake PNG", world.employer.client.get(), "POST", at(id, "/attachments?purpose=other"), fake_png,
       {{"Content-Type", "image/png"}}, 400, "body"},
      {"truncated JPEG", world.employer.client.get(), "POST", at(id, "/attachments?purpose=other"), truncated_jpeg,
       {{"Content-Type", "image/jpeg"}}, 400, "body"},
      {"type header contradicts the bytes", world.employer.client.get(), "POST", at(id, "/attachments?purpose=other"),
       png_bytes(8, 8), {{"Content-Type", "image/jpeg"}}, 400, "Content-Type"},
      {"upload without purpose", world.employer.client.get(), "POST", at(id, "/attachments"), png_bytes(8, 8),
       {{"Content-Type", "image/png"}}, 400, "purpose"},
      {"upload over 10 MB", world.employer.client.get(), "POST", at(id, "/attachments?purpose=other"),
       std::string(10 * 1024 * 1024 + 1, 'a'), {{"Content-Type", "image/png"}}, 413, ""},
      {"upload in the wrong state", world.employer.client.get(), "POST", at(id, "/attachments?purpose=other"),
       png_bytes(8, 8), {{"Content-Type", "image/png"}}, 409, ""},
      {"invalid uscc", student.client.get(), "POST", "/api/v1/employers",
       json{{"name", "某某公司"}, {"uscc", "91350100M000100Y44"}, {"profile", valid_employer_profile()}}.dump(), as_json,
       400, "uscc"},
      {"bad mobile", student.client.get(), "PUT", "/api/v1/students/2022006/source-info", bad_mobile.dump(), as_json, 400,
       "contact.mobile"},
      {"unknown content member", world.employer.client.get(), "PATCH", at(id),
       json{{"content", {{"bonus", "x"}}}, {"version", before["version"]}}.dump(), as_json, 400, "content.bonus"},
      {"unknown state filter", student.client.get(), "GET", "/api/v1/agreements?state=bogus", "", {}, 400, "state"},
      {"unknown decision", world.college.client.get(), "POST", at(id, "/review"), R"({"decision":"maybe"})", as_json, 400,
       "decision"},
      {"other student's agreement", other_student.client.get(), "GET", at(id), "", {}, 404, ""},
      {"other student's accept", other_student.client.get(), "POST", at(id, "/accept"), R"({"version": 2})", as_json, 404, ""},
      {"other student's source info", other_student.client.get(), "GET", "/api/v1/students/2022006/source-info", "", {},
       404, "student_no"},
      {"other college's agreement", world.other_college.client.get(), "GET", at(id), "", {}, 404, ""},
      {"other college's source info", world.other_college.client.get(), "GET", "/api/v1/students/2022006/source-info", "",
       {}, 404, "student_no"},
      {"wrong state", world.employer.client.get(), "POST", at(id, "/send"), "{}", as_json, 409, ""},
      {"staff cannot accept for a student", world.college.client.get(), "POST", at(id, "/accept"), R"({"version": 2})", as_json, 403, ""},
      {"not a number id", student.client.get(), "GET", "/api/v1/agreements/abc", "", {}, 404, ""},
      {"no token", no_token.client.get(), "GET", at(id), "", {}, 401, ""},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    const HttpResult result = c.client->request(c.method, c.path, c.body, c.headers);
    INFO(result.body.substr(0, 400));
    CHECK(result.status == c.status);
    CHECK(result.header("content-type") == "application/problem+json");
    if (!c.field.empty()) CHECK(result.json()["field"] == c.field);
    if (c.status == 409 && std::string(c.what) == "wrong state") CHECK(result.json()["current_state"] == "invited");
  }

  const json after = expect(world.employer->get(at(id)), 200);
  CHECK(after["version"] == before["version"]);
  CHECK(after["state"] == "invited");
  CHECK(after["attachments"].empty());
  CHECK(actions(*world.employer, id) == history_before);
  CHECK(expect(student->get("/api/v1/students/2022006/source-info"), 200) == source_before);
  CHECK(expect(world.school->get("/api/v1/employers"), 200)["items"].size() == library_before);
  auto uploads = world.store().uploads_of(id);
  REQUIRE(uploads.ok());
  CHECK(uploads->empty());
}

TEST_CASE("reviewers search agreements by a Chinese name fragment within their scope, with totals and pages",
          "[api][agreements][search]") {
  WorkflowWorld world;
  const std::vector<std::tuple<std::string, std::string, std::string>> students{
      {"2022001", "王小明", "CS"}, {"2022002", "汪王", "CS"}, {"2022003", "王五", "MATH"}, {"2022004", "李四", "CS"}};
  for (const auto& [student_no, name, college] : students) {
    world.add_student(student_no, college);
    world.verify_source_info(student_no);
    REQUIRE(world.store()
                .put_student({student_no, name, "110105194912310011", "男", college, "软件工程", "本科", 2026})
                .ok());
    send_invitation(*world.employer, student_no);
  }
  const std::string wang = "%E7%8E%8B";  // 王, as a browser sends it

  const json of_college = expect(world.college->get("/api/v1/agreements?q=" + wang), 200);
  CHECK(of_college["total"] == 2);  // 王五 is of another college
  CHECK(of_college["items"].size() == 2);
  const json everywhere = expect(world.school->get("/api/v1/agreements?q=" + wang + "&limit=1&offset=1&sort=-id"), 200);
  CHECK(everywhere["total"] == 3);
  REQUIRE(everywhere["items"].size() == 1);
  CHECK(everywhere["items"][0]["student_no"] == "2022002");
  const json one_student = expect(world.school->get("/api/v1/agreements?student_no=2022004"), 200);
  CHECK(one_student["total"] == 1);
  // A reviewer naming another college's student finds nothing rather than seeing it.
  CHECK(expect(world.college->get("/api/v1/agreements?student_no=2022003"), 200)["total"] == 0);
  CHECK(expect(world.college->get("/api/v1/agreements?college=MATH"), 200)["total"] == 0);
  CHECK(expect(world.school->get("/api/v1/agreements?college=MATH&state=invited"), 200)["total"] == 1);

  // What the list does not know is refused, naming the parameter, never silently ignored.
  const json unknown = expect(world.school->get("/api/v1/agreements?name=" + wang), 400);
  CHECK(unknown["field"] == "name");
  CHECK(unknown["detail"] == "查询条件中没有这一项，请检查后删除");
  CHECK(expect(world.school->get("/api/v1/agreements?sort=name"), 400)["field"] == "sort");
  CHECK(expect(world.school->get("/api/v1/agreements?q=%20"), 400)["field"] == "q");
  CHECK(expect(world.school->get("/api/v1/agreements?serial=12345"), 400)["field"] == "serial");
  CHECK(expect(world.school->get("/api/v1/agreements?signed_from=2026-07-01&signed_to=2026-06-01"), 400)["field"] ==
        "signed_to");
}

TEST_CASE("a review chain changed in the configuration applies to agreements entering review afterwards, one already "
          "in review keeps its chain",
          "[api][agreements][config]") {
  WorkflowWorld world;
  for (const std::string student_no : {"2022101", "2022102"}) {
    world.add_student(student_no);
    world.verify_source_info(student_no);
  }
  Party first_student = world.student("2022101");
  const std::int64_t first = send_invitation(*world.employer, "2022101");
  expect(first_student->post_json(at(first, "/accept"), seen_version(*first_student, first)), 200);

  // What a restart with {"review_chain": {"invitation": ["school"]}} in the config file sets.
  world.fixture().app().workflow.invitation_review_chain = {workflow::ReviewLevel::School};
  const json settings = expect(world.school->get("/api/v1/config"), 200);
  CHECK(settings["review_chain"]["invitation"].size() == 1);
  CHECK(settings["review_chain"]["invitation"][0]["level"] == "school");

  Party second_student = world.student("2022102");
  const std::int64_t second = send_invitation(*world.employer, "2022102");
  const json second_in_review =
      expect(second_student->post_json(at(second, "/accept"), seen_version(*second_student, second)), 200);
  CHECK(second_in_review["review"]["chain"] == json::array({"school"}));
  CHECK(second_in_review["review"]["pending"] == "school");
  CHECK(expect(world.school->post_json(at(second, "/review"), {{"decision", "approve"}}), 200)["state"] == "signed");

  const json first_in_review = expect(world.school->get(at(first)), 200);
  CHECK(first_in_review["review"]["chain"] == json::array({"college", "school"}));
  CHECK(world.school->post_json(at(first, "/review"), {{"decision", "approve"}}).status == 403);  // the college first
  CHECK(expect(world.school->get(at(first)), 200)["version"] == first_in_review["version"]);
  approve_to_signed(world, first);
}

TEST_CASE("waiting for me: the student's invitation, then the college's review, then the school's, each only in its "
          "own list",
          "[api][agreements][queue]") {
  WorkflowWorld world;
  world.add_student("2022201");
  world.verify_source_info("2022201");
  world.add_student("2022202", "MATH");
  world.verify_source_info("2022202");
  Party student = world.student("2022201");
  const auto waiting_ids = [](HttpClient& client) {
    std::vector<std::int64_t> ids;
    const json page = expect(client.get("/api/v1/agreements?waiting_for=me"), 200);
    for (const auto& item : page["items"]) ids.push_back(item["id"].get<std::int64_t>());
    CHECK(page["total"] == static_cast<std::int64_t>(ids.size()));
    CHECK(expect(client.get("/api/v1/waiting-for-me"), 200)["agreements"]["count"] == page["total"]);
    return ids;
  };
  using Ids = std::vector<std::int64_t>;

  const std::int64_t id = send_invitation(*world.employer, "2022201");
  send_invitation(*world.employer, "2022202");  // another college's, waiting on its own student
  CHECK(waiting_ids(*student) == Ids{id});
  CHECK(waiting_ids(*world.college).empty());
  CHECK(waiting_ids(*world.employer).empty());

  expect(student->post_json(at(id, "/accept"), seen_version(*student, id)), 200);
  CHECK(waiting_ids(*student).empty());
  CHECK(waiting_ids(*world.college) == Ids{id});
  CHECK(waiting_ids(*world.other_college).empty());
  CHECK(waiting_ids(*world.school).empty());

  expect(world.college->post_json(at(id, "/review"), {{"decision", "approve"}}), 200);
  CHECK(waiting_ids(*world.college).empty());
  CHECK(waiting_ids(*world.school) == Ids{id});
  // Narrowed further like any list: the waiting agreements of a state that is not waiting → none.
  CHECK(expect(world.school->get("/api/v1/agreements?waiting_for=me&state=signed"), 200)["total"] == 0);

  expect(world.school->post_json(at(id, "/review"), {{"decision", "approve"}}), 200);
  CHECK(waiting_ids(*world.school).empty());

  CHECK(expect(world.school->get("/api/v1/agreements?waiting_for=school"), 400)["field"] == "waiting_for");
}

TEST_CASE("history and the audit log name who acted by role and name, only the school reads the whole log",
          "[api][agreements][audit]") {
  WorkflowWorld world;
  world.add_student("2022301");
  world.verify_source_info("2022301");
  Party student = world.student("2022301");
  const std::int64_t id = send_invitation(*world.employer, "2022301");
  expect(student->post_json(at(id, "/accept"), seen_version(*student, id)), 200);
  expect(world.college->post_json(at(id, "/review"), {{"decision", "approve"}}), 200);

  std::map<std::string, std::pair<std::string, std::string>> who;  // action → (name, role label)
  const json history = expect(student->get(at(id, "/history")), 200);
  for (const auto& item : history["items"])
    who[item["action"].get<std::string>()] = {item["actor_name"].get<std::string>(), item["actor_role_label"].get<std::string>()};
  CHECK(who["send"] == std::pair<std::string, std::string>{"福州示范软件有限公司", "用人单位"});
  CHECK(who["accept"] == std::pair<std::string, std::string>{"张三", "学生"});
  CHECK(who["review.approve.college"] == std::pair<std::string, std::string>{"cs-reviewer", "学院审核人员"});

  const json log = expect(world.school->get("/api/v1/audit?entity=agreement&entity_id=" + std::to_string(id)), 200);
  CHECK(log["total"] == history["items"].size());
  REQUIRE(log["items"].size() == history["items"].size());
  CHECK(log["items"][0]["action"] == "review.approve.college");  // newest first
  CHECK(log["items"][0]["actor_name"] == "cs-reviewer");
  CHECK(log["items"][0]["entity"] == "agreement");

  const json by_reviewer = expect(
      world.school->get("/api/v1/audit?actor_account_id=" + std::to_string(world.college.account_id)), 200);
  REQUIRE(by_reviewer["total"] == 1);
  CHECK(by_reviewer["items"][0]["entity_id"] == std::to_string(id));
  // The fixture's clock stands at 2026-05-29 04:26 Beijing time: every event is of that day.
  CHECK(expect(world.school->get("/api/v1/audit?from=2026-05-29&to=2026-05-29"), 200)["total"] ==
        expect(world.school->get("/api/v1/audit"), 200)["total"]);
  CHECK(expect(world.school->get("/api/v1/audit?to=2026-05-28"), 200)["total"] == 0);

  CHECK(world.college->get("/api/v1/audit").status == 404);
  CHECK(student->get("/api/v1/audit").status == 404);
  CHECK(expect(world.school->get("/api/v1/audit?who=1"), 400)["field"] == "who");
  CHECK(expect(world.school->get("/api/v1/audit?from=2026-13-01"), 400)["field"] == "from");
  CHECK(expect(world.school->get("/api/v1/audit?from=2026-06-02&to=2026-06-01"), 400)["field"] == "to");
  CHECK(expect(world.school->get("/api/v1/audit?actor_account_id=x"), 400)["field"] == "actor_account_id");
}
