// What people read when the service refuses them: every problem+json `detail` is a whole Simplified
// Chinese sentence that names the member as the form calls it and a state by its Chinese label —
// never a bare key ("version"), an English state name ("withdrawn") or a bare "必填". The test
// walks the refusals of every route group over a real server: missing, wrong-typed, unknown and
// invalid members, and transitions refused in the state the agreement is in.
#include "api/wechat_signature.h"
#include "workflow_test_support.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <regex>

using namespace sanfang;
using namespace sanfang::testing;
using nlohmann::json;

namespace {

const std::map<std::string, std::string> kJson{{"Content-Type", "application/json"}};

struct Refusal {
  std::string request;
  long status = 0;
  std::string field;
  std::string detail;
};

// Collects the refusals; each request is expected to be refused (4xx, problem+json).
class Refusals {
 public:
  void add(const std::string& what, const HttpResult& result) {
    INFO(what << " → " << result.status << " " << result.body);
    REQUIRE(result.status >= 400);
    REQUIRE(result.status < 500);
    REQUIRE(result.header("content-type").find("application/problem+json") == 0);
    const json problem = result.json();
    m_seen.push_back({what, result.status, problem.value("field", ""), problem.value("detail", "")});
  }
  // A refusal inside an answer that itself succeeded: a line of the student import's report.
  void add_line(const std::string& what, const json& error) {
    m_seen.push_back({what + " line " + error["line"].dump(), 200, error.value("field", ""), error.value("detail", "")});
  }
  const std::vector<Refusal>& seen() const { return m_seen; }

 private:
  std::vector<Refusal> m_seen;
};

bool has_cjk(const std::string& text) {
  // Every CJK ideograph of the BMP is three bytes in UTF-8 with a lead byte E4–E9.
  return std::any_of(text.begin(), text.end(), [](unsigned char c) { return c >= 0xE4 && c <= 0xE9; });
}

// An English word of three or more lower-case letters: a key ("version", "release_letter"), an
// English state name ("withdrawn", "in_review") or a JSON literal. Upper-case abbreviations
// (PDF, JSON, YYYY-MM-DD, U+0F63) are how people write those things in Chinese text too.
bool has_english_word(const std::string& text) {
  static const std::regex kWord("[a-z]{3,}");
  return std::regex_search(text, kWord);
}

void check_whole_chinese(const Refusal& refusal) {
  INFO(refusal.request << " → " << refusal.status << " field=" << refusal.field << " detail=" << refusal.detail);
  CHECK(has_cjk(refusal.detail));
  CHECK_FALSE(has_english_word(refusal.detail));
  for (workflow::AgreementState state : workflow::agreement_states())
    CHECK(refusal.detail.find(workflow::to_string(state)) == std::string::npos);
  for (workflow::SourceInfoState state : workflow::source_info_states())
    CHECK(refusal.detail.find(workflow::to_string(state)) == std::string::npos);
  // Never only a verdict without what it is about.
  for (const char* bare : {"必填", "应为字符串", "应为整数", "应为对象", "未知字段"}) CHECK(refusal.detail != bare);
  CHECK(refusal.detail.rfind("必填", 0) != 0);
  CHECK(refusal.detail.rfind("应为", 0) != 0);
}

json with(json body, const std::string& key, json value) {
  body[key] = std::move(value);
  return body;
}

}  // namespace

TEST_CASE("every refusal people read is a whole Chinese sentence naming the member by its form label",
          "[api][messages]") {
  WorkflowWorld world;
  world.add_student("2024001");
  world.verify_source_info("2024001");
  world.add_student("2024002");
  Party student = world.student("2024001");
  Party unverified = world.student("2024002");
  Refusals refusals;
  auto post = [](Party& party, const std::string& path, const json& body) {
    return party->request("POST", path, body.dump(), kJson);
  };

  // ---- agreements: creating ----
  refusals.add("employer creates without student_no", post(world.employer, "/api/v1/agreements", json::object()));
  refusals.add("student_no not a string", post(world.employer, "/api/v1/agreements", {{"student_no", 5}}));
  refusals.add("unknown member", post(world.employer, "/api/v1/agreements", {{"student_no", "2024001"}, {"colour", "red"}}));
  refusals.add("content not an object",
               post(world.employer, "/api/v1/agreements", {{"student_no", "2024001"}, {"content", "x"}}));
  refusals.add("section not an object",
               post(world.employer, "/api/v1/agreements", {{"student_no", "2024001"}, {"content", {{"job", "x"}}}}));
  refusals.add("field not a string", post(world.employer, "/api/v1/agreements",
                                          {{"student_no", "2024001"}, {"content", {{"job", {{"salary", 5}}}}}}));
  refusals.add("unknown member of a section",
               post(world.employer, "/api/v1/agreements",
                    {{"student_no", "2024001"}, {"content", {{"job", {{"colour", "red"}}}}}}));
  refusals.add("unknown section", post(world.employer, "/api/v1/agreements",
                                       {{"student_no", "2024001"}, {"content", {{"colour", "red"}}}}));
  refusals.add("archive postcode invalid",
               post(world.employer, "/api/v1/agreements",
                    {{"student_no", "2024001"}, {"content", {{"archive", {{"postcode", "12"}}}}}}));
  refusals.add("student creates without employer", post(student, "/api/v1/agreements", json::object()));
  refusals.add("employer_id not an integer", post(student, "/api/v1/agreements", {{"employer_id", "1"}}));
  refusals.add("unverified student initiates",
               post(unverified, "/api/v1/agreements", {{"employer_id", world.vetted_employer_id}}));
  refusals.add("list with an unknown state", world.employer->get("/api/v1/agreements?state=bogus"));
  refusals.add("list with limit 0", world.employer->get("/api/v1/agreements?limit=0"));
  refusals.add("list with an unknown parameter", world.employer->get("/api/v1/agreements?colour=red"));
  refusals.add("list with a blank search term", world.employer->get("/api/v1/agreements?q=%20"));
  refusals.add("list with a bad serial", world.employer->get("/api/v1/agreements?serial=123"));
  refusals.add("list with dates the wrong way round",
               world.employer->get("/api/v1/agreements?signed_from=2026-07-01&signed_to=2026-06-01"));

  // ---- agreements: editing and transitions ----
  const std::int64_t id = send_invitation(*world.employer, "2024001");
  refusals.add("patch without content", world.employer->request("PATCH", at(id), json::object().dump(), kJson));
  refusals.add("patch without version",
               world.employer->request("PATCH", at(id), json{{"content", json::object()}}.dump(), kJson));
  refusals.add("version not an integer",
               world.employer->request("PATCH", at(id), json{{"content", json::object()}, {"version", "1"}}.dump(), kJson));
  refusals.add("return without reason", post(student, at(id, "/return"), json::object()));
  refusals.add("return with a blank reason", post(student, at(id, "/return"), {{"reason", "　"}}));
  refusals.add("student submits an invitation", post(student, at(id, "/submit"), json::object()));
  refusals.add("send again while invited", post(world.employer, at(id, "/send"), json::object()));
  refusals.add("review without decision", post(world.college, at(id, "/review"), json::object()));
  refusals.add("review with an unknown decision", post(world.college, at(id, "/review"), {{"decision", "maybe"}}));
  refusals.add("review while invited", post(world.college, at(id, "/review"), {{"decision", "approve"}}));
  refusals.add("upload without purpose", student->request("POST", at(id, "/attachments"), png_bytes(8, 8),
                                                           {{"Content-Type", "image/png"}}));
  refusals.add("upload with an unknown purpose", student->request("POST", at(id, "/attachments?purpose=bogus"),
                                                                  png_bytes(8, 8), {{"Content-Type", "image/png"}}));
  refusals.add("termination without attachments", post(student, at(id, "/termination"), {{"explanation", "换工作"}}));
  refusals.add("attachment ids not a list",
               post(student, at(id, "/termination"), {{"explanation", "换工作"}, {"attachment_ids", "1"}}));
  refusals.add("attachment id not an integer",
               post(student, at(id, "/termination"), {{"explanation", "换工作"}, {"attachment_ids", {"a"}}}));
  refusals.add("termination of an invitation",
               post(student, at(id, "/termination"), {{"explanation", "换工作"}, {"attachment_ids", json::array()}}));
  expect(post(world.employer, at(id, "/withdraw"), json::object()), 200);
  refusals.add("accept a withdrawn invitation", post(student, at(id, "/accept"), json::object()));
  refusals.add("withdraw again", post(world.employer, at(id, "/withdraw"), json::object()));
  const json current = expect(world.employer->get(at(id)), 200);
  refusals.add("edit a withdrawn invitation",
               world.employer->request("PATCH", at(id),
                                       json{{"content", sample_content()}, {"version", current["version"]}}.dump(), kJson));

  // ---- source info ----
  const std::string source = "/api/v1/students/2024002/source-info";
  refusals.add("section not an object", unverified->request("PUT", source, json{{"basic", 5}}.dump(), kJson));
  refusals.add("date not a string",
               unverified->request("PUT", source, json{{"basic", {{"birth_date", 5}}}}.dump(), kJson));
  refusals.add("unknown member of a section",
               unverified->request("PUT", source, json{{"basic", {{"colour", "red"}}}}.dump(), kJson));
  refusals.add("impossible date",
               unverified->request("PUT", source, json{{"basic", {{"birth_date", "1949-02-30"}}}}.dump(), kJson));
  refusals.add("unknown code", unverified->request("PUT", source, json{{"basic", {{"ethnicity", "99"}}}}.dump(), kJson));
  refusals.add("bad mobile", unverified->request("PUT", source, json{{"contact", {{"mobile", "123"}}}}.dump(), kJson));
  refusals.add("version not an integer", unverified->request("PUT", source, json{{"version", "0"}}.dump(), kJson));
  refusals.add("submit without version", post(unverified, source + "/submit", json::object()));
  refusals.add("submit empty sections", post(unverified, source + "/submit", {{"version", 0}}));
  refusals.add("review without decision", post(world.college, source + "/review", json::object()));
  refusals.add("review a draft", post(world.college, source + "/review", {{"decision", "approve"}}));

  // ---- employers ----
  refusals.add("register without name", post(world.school, "/api/v1/employers", json::object()));
  refusals.add("register without uscc", post(world.school, "/api/v1/employers", {{"name", "某某有限公司"}}));
  const std::string uscc = uscc_with_check("91350100M000100Y4");
  refusals.add("register without profile",
               post(world.school, "/api/v1/employers", {{"name", "某某有限公司"}, {"uscc", uscc}}));
  json profile = valid_employer_profile();
  profile.erase("contact");
  refusals.add("profile without a required member",
               post(world.school, "/api/v1/employers", {{"name", "某某有限公司"}, {"uscc", uscc}, {"profile", profile}}));
  refusals.add("profile member not a string",
               post(world.school, "/api/v1/employers",
                    {{"name", "某某有限公司"}, {"uscc", uscc}, {"profile", with(valid_employer_profile(), "phone", 5)}}));
  refusals.add("bad credit code", post(world.school, "/api/v1/employers",
                                       {{"name", "某某有限公司"}, {"uscc", "91350100M000100Y4"},
                                        {"profile", valid_employer_profile()}}));
  refusals.add("registered by an HR account already bound",
               post(world.employer, "/api/v1/employers",
                    {{"name", "某某有限公司"}, {"uscc", uscc}, {"profile", valid_employer_profile()}}));
  refusals.add("search limit 0", world.school->get("/api/v1/employers?limit=0"));
  refusals.add("vet a vetted unit",
               post(world.school, "/api/v1/employers/" + std::to_string(world.vetted_employer_id) + "/vet", json::object()));

  // ---- accounts ----
  HttpClient anonymous(world.fixture().base_url());
  refusals.add("login without username", anonymous.post_json("/api/v1/auth/login", json::object()));
  refusals.add("login with a number", anonymous.post_json("/api/v1/auth/login", {{"username", 5}, {"password", "x"}}));
  refusals.add("login with a wrong password",
               anonymous.post_json("/api/v1/auth/login", {{"username", "hr"}, {"password", "wrong password"}}));
  refusals.add("password change without old password", post(student, "/api/v1/auth/password", json::object()));
  refusals.add("password change with a short one",
               post(student, "/api/v1/auth/password", {{"old_password", "correct horse battery"}, {"new_password", "short"}}));
  refusals.add("binding with an unknown member", post(student, "/api/v1/auth/wechat/binding", {{"scene", "x"}}));
  refusals.add("unbind without a binding", student->request("DELETE", "/api/v1/auth/wechat/binding"));
  refusals.add("sign-in unsigned", anonymous.post_json("/api/v1/wechat/sign-in",
                                                       {{"openid", "oUser"}, {"timestamp", 1}, {"nonce", "n1"}}));
  refusals.add("sign-in without openid", anonymous.post_json("/api/v1/wechat/sign-in", {{"timestamp", 1}, {"nonce", "n1"}}));
  refusals.add("callback without binding token",
               anonymous.post_json("/api/v1/wechat/callback", {{"openid", "oUser"}, {"timestamp", 1}, {"nonce", "n1"}}));

  // ---- print room ----
  refusals.add("serials not a list", post(world.school, "/api/v1/print-jobs", {{"serials", "x"}}));
  refusals.add("serial not a string", post(world.school, "/api/v1/print-jobs", {{"serials", {1}}}));
  refusals.add("bad serial", post(world.school, "/api/v1/print-jobs", {{"serials", {"1073120260000010"}}}));
  refusals.add("copies not a list", post(world.school, "/api/v1/print-jobs", {{"copies", "1"}}));
  refusals.add("copy not an integer", post(world.school, "/api/v1/print-jobs", {{"copies", {"a"}}}));
  refusals.add("no such copy", post(world.school, "/api/v1/print-jobs", {{"copies", {9}}}));
  refusals.add("date in the wrong format", post(world.school, "/api/v1/print-jobs", {{"signed_from", "2026/01/01"}}));
  refusals.add("impossible date", post(world.school, "/api/v1/print-jobs", {{"signed_to", "2026-02-30"}}));
  refusals.add("separator sheets not a boolean", post(world.school, "/api/v1/print-jobs", {{"separator_sheets", "yes"}}));
  refusals.add("empty college", post(world.school, "/api/v1/print-jobs", {{"college", ""}}));

  // ---- student import: each line of the report is read by the school office ----
  const auto imported = world.school->request(
      "POST", "/api/v1/admin/students/import",
      "student_no,name,id_number,gender,college_code,college_name,major,degree,graduation_year\n"
      "2025001,,110105200401010010,男,01,计算机学院,软件工程,本科,2026\n"     // no name
      "20-25,钱一,110105200401010010,男,01,计算机学院,软件工程,本科,2026\n"    // student number
      "2025003,钱二,110105200401010010,未知,01,计算机学院,软件工程,本科,2026\n"  // gender
      "2025004,钱三,110105200401010010,男,01,计算机学院,软件工程,本科,20x6\n"    // year
      "2025005,=钱四,110105200401010010,男,01,计算机学院,软件工程,本科,2026\n"   // formula
      "2025006,钱五,123,男,01,计算机学院,软件工程,本科,2026\n"                  // resident ID
      "2025007,钱六,110105200401010010,男,01,计算机学院,软件工程\n",             // columns
      {{"Content-Type", "text/csv; charset=utf-8"}});
  REQUIRE(imported.status == 200);
  const json report = imported.json();
  REQUIRE(report["errors"].size() >= 7);
  for (const json& error : report["errors"]) refusals.add_line("import", error);

  REQUIRE(refusals.seen().size() > 70);
  for (const Refusal& refusal : refusals.seen()) check_whole_chinese(refusal);
}
