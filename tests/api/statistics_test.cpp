// The employment office's reports over HTTP against a real server: GET /api/v1/stats and the CSV
// export of signed agreements, their scope (school, own college, nobody else) and bad inputs.
#include "workflow_test_support.h"

#include "api/csv.h"
#include "workflow/agreement_rules.h"

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

using namespace sanfang;
using namespace sanfang::testing;
using nlohmann::json;

namespace {

const std::string kFormulaName = "=HYPERLINK(\"http://example.com\",\"点我\")";
const std::string kQuotedName = "福州\"星辰\",软件有限公司";

// A world with three signed agreements (two in CS, from units with awkward names, one in MATH),
// an open invitation in CS, and a CS graduate without any agreement.
struct ReportWorld {
  WorkflowWorld world;
  Party formula_hr, quoted_hr;

  ReportWorld() {
    formula_hr = employer_named(kFormulaName, "91350100MA2YXXXX0", "hr-formula");
    quoted_hr = employer_named(kQuotedName, "91350100MA2YYYYY0", "hr-quoted");
    for (const char* student_no : {"2022001", "2022002", "2022004"}) world.add_student(student_no, "CS");
    world.add_student("2022003", "MATH");
    for (const char* student_no : {"2022001", "2022002", "2022003", "2022004"}) world.verify_source_info(student_no);
    sign(*formula_hr, "2022001");
    sign(*quoted_hr, "2022002");
    sign(*world.employer, "2022003");
    send_invitation(*world.employer, "2022004");
  }

  Party employer_named(const std::string& name, const std::string& uscc_stem, const std::string& username) {
    workflow::Employer unit;
    unit.name = name;
    unit.uscc = uscc_with_check(uscc_stem.substr(0, 17));
    unit.profile = valid_employer_profile();
    unit.vetted = true;
    auto stored = world.store().insert_employer(unit);
    INFO((stored.ok() ? std::string() : stored.error().describe()));
    REQUIRE(stored.ok());
    const std::int64_t id = stored->id;
    return world.sign_in(workflow::Role::Employer, username, {}, id);
  }

  void sign(HttpClient& hr, const std::string& student_no) {
    const std::int64_t id = send_invitation(hr, student_no);
    Party student = world.student(student_no);
    expect(student->post_json(at(id, "/accept"), seen_version(*student, id)), 200);
    Party& reviewer = student_no == "2022003" ? world.other_college : world.college;
    expect(reviewer->post_json(at(id, "/review"), {{"decision", "approve"}}), 200);
    REQUIRE(expect(world.school->post_json(at(id, "/review"), {{"decision", "approve"}}), 200)["state"] == "signed");
  }
};

std::int64_t count_of(const json& buckets, const std::string& code) {
  for (const auto& bucket : buckets)
    if (bucket["code"] == code) return bucket["count"];
  return 0;
}

std::string label_of(const json& buckets, const std::string& code) {
  for (const auto& bucket : buckets)
    if (bucket["code"] == code) return bucket["label"];
  return {};
}

// RFC 4180 records of `text` (quoted cells with doubled quotes, CRLF line ends).
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string cell;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      record.push_back(std::move(cell));
      cell.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      record.push_back(std::move(cell));
      cell.clear();
      records.push_back(std::move(record));
      record.clear();
      ++i;
    } else {
      cell += c;
    }
  }
  REQUIRE_FALSE(quoted);
  REQUIRE(cell.empty());
  REQUIRE(record.empty());
  return records;
}

std::size_t column(const std::vector<std::string>& header, const std::string& name) {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  FAIL("no column " << name);
  return 0;
}

// Takes a change the workflow rules made to the store, failing the test on a refusal.
workflow::Agreement applied(store::Store& db, Result<workflow::AgreementChange> change, std::int64_t version) {
  INFO((change.ok() ? std::string() : change.error().describe()));
  REQUIRE(change.ok());
  auto stored = version == 0 ? db.insert_agreement(*change) : db.apply_agreement_change(*change, version);
  INFO((stored.ok() ? std::string() : stored.error().describe()));
  REQUIRE(stored.ok());
  return *stored;
}

// Invites, accepts and approves an agreement straight through the store and the workflow rules
// (no document is made: the export does not read documents), for a long export made quickly.
void sign_in_store(WorkflowWorld& world, const std::string& student_no) {
  store::Store& db = world.store();
  const auto now = world.fixture().clock().now();
  const workflow::Actor hr{workflow::Role::Employer, 0, "", world.vetted_employer_id, ""};
  const workflow::Actor student{workflow::Role::Student, 0, student_no, 0, ""};
  const workflow::Actor college{workflow::Role::College, 0, "", 0, "CS"};
  const workflow::Actor school{workflow::Role::School, 0, "", 0, ""};
  const auto parties = [&](std::int64_t id) {
    auto found = db.parties_for(student_no, world.vetted_employer_id, id);
    REQUIRE(found.ok());
    return *found;
  };
  auto agreement = applied(db, workflow::create_invitation(hr, parties(0), sample_content(), now), 0);
  agreement = applied(db, workflow::send_invitation(agreement, hr, parties(agreement.id), now), agreement.version);
  agreement = applied(db, workflow::accept_invitation(agreement, student, parties(agreement.id), {}, now),
                      agreement.version);
  agreement = applied(db, workflow::review_agreement(agreement, college, workflow::ReviewDecision::Approve, "", now),
                      agreement.version);
  agreement = applied(db, workflow::review_agreement(agreement, school, workflow::ReviewDecision::Approve, "", now),
                      agreement.version);
  REQUIRE(agreement.state == workflow::AgreementState::Signed);
}

const std::string kBom = "\xEF\xBB\xBF";

std::vector<std::vector<std::string>> csv_of(const HttpResult& result) {
  INFO(result.body);
  REQUIRE(result.status == 200);
  REQUIRE(result.body.rfind(kBom, 0) == 0);
  return parse_csv(result.body.substr(kBom.size()));
}

}  // namespace

TEST_CASE("the school's statistics count every agreement the test made, with codes and Chinese labels",
          "[api][statistics]") {
  ReportWorld w;
  const json stats = expect(w.world.school->get("/api/v1/stats"), 200);
  const json& agreements = stats["agreements"];
  CHECK(agreements["total"] == 4);
  CHECK(count_of(agreements["by_state"], "signed") == 3);
  CHECK(label_of(agreements["by_state"], "signed") == "已签约");
  CHECK(count_of(agreements["by_state"], "invited") == 1);
  CHECK(count_of(agreements["by_college"], "CS") == 3);
  CHECK(label_of(agreements["by_college"], "CS") == "计算机学院");
  CHECK(count_of(agreements["by_college"], "MATH") == 1);
  CHECK(count_of(agreements["by_major"], "软件工程") == 4);
  CHECK(count_of(agreements["by_employer_nature"], "39") == 4);
  CHECK(label_of(agreements["by_employer_nature"], "39") == "其他企业");
  CHECK(count_of(agreements["by_employer_industry"], "34") == 4);
  CHECK_FALSE(label_of(agreements["by_employer_industry"], "34").empty());
  CHECK(count_of(agreements["by_employer_region"], "350000") == 4);
  CHECK(label_of(agreements["by_employer_region"], "350000") == "福建省");

  const json& overall = stats["signing"]["overall"];
  CHECK(overall["graduates"] == 4);
  CHECK(overall["signed"] == 3);
  CHECK(overall["rate"].get<double>() == Approx(0.75));
  const json& by_college = stats["signing"]["by_college"];
  REQUIRE(by_college.size() == 2);
  CHECK(by_college[0]["code"] == "CS");
  CHECK(by_college[0]["label"] == "计算机学院");
  CHECK(by_college[0]["graduates"] == 3);
  CHECK(by_college[0]["signed"] == 2);
  CHECK(by_college[1]["code"] == "MATH");
  CHECK(by_college[1]["rate"].get<double>() == Approx(1.0));

  // Another graduation year has graduates of its own only.
  const json other_year = expect(w.world.school->get("/api/v1/stats?year=2027"), 200);
  CHECK(other_year["year"] == 2027);
  CHECK(other_year["agreements"]["total"] == 0);
  CHECK(other_year["signing"]["overall"]["graduates"] == 0);
  CHECK(other_year["signing"]["overall"]["rate"] == 0);
}

TEST_CASE("a college reviewer's statistics and export cover their own college only", "[api][statistics]") {
  ReportWorld w;
  const json stats = expect(w.world.college->get("/api/v1/stats"), 200);
  CHECK(stats["agreements"]["total"] == 3);
  CHECK(count_of(stats["agreements"]["by_college"], "MATH") == 0);
  REQUIRE(stats["signing"]["by_college"].size() == 1);
  CHECK(stats["signing"]["overall"]["graduates"] == 3);
  CHECK(stats["signing"]["overall"]["signed"] == 2);

  CHECK(csv_of(w.world.college->get("/api/v1/exports/signed-agreements.csv")).size() == 1 + 2);
  // Naming another college finds nothing, as the agreement list does.
  CHECK(csv_of(w.world.college->get("/api/v1/exports/signed-agreements.csv?college=MATH")).size() == 1);
  CHECK(csv_of(w.world.other_college->get("/api/v1/exports/signed-agreements.csv")).size() == 1 + 1);
}

TEST_CASE("students and employers are refused the statistics and the export as addresses that do not exist",
          "[api][statistics]") {
  ReportWorld w;
  Party student = w.world.student("2022004");
  for (HttpClient* client : {student.client.get(), w.world.employer.client.get()}) {
    CHECK(client->get("/api/v1/stats").status == 404);
    const HttpResult exported = client->get("/api/v1/exports/signed-agreements.csv");
    CHECK(exported.status == 404);
    CHECK(exported.header("content-type").rfind("application/problem+json", 0) == 0);
  }
}

TEST_CASE("bad report parameters answer 400 naming the parameter in Chinese", "[api][statistics]") {
  ReportWorld w;
  struct Case {
    std::string path, field;
  };
  const std::vector<Case> cases{
      {"/api/v1/stats?colege=CS", "colege"},
      {"/api/v1/stats?year=abc", "year"},
      {"/api/v1/stats?year=1850", "year"},
      {"/api/v1/exports/signed-agreements.csv?limit=5", "limit"},
      {"/api/v1/exports/signed-agreements.csv?signed_from=2026-02-30", "signed_from"},
      {"/api/v1/exports/signed-agreements.csv?signed_from=2026-06-02&signed_to=2026-06-01", "signed_to"},
      {"/api/v1/exports/signed-agreements.csv?college=", "college"},
  };
  for (const Case& bad : cases) {
    INFO(bad.path);
    const HttpResult result = w.world.school->get(bad.path);
    REQUIRE(result.status == 400);
    const json problem = result.json();
    CHECK(problem["field"] == bad.field);
    const std::string detail = problem["detail"];
    // A Chinese sentence: its first byte starts a multi-byte UTF-8 character.
    CHECK(static_cast<unsigned char>(detail.at(0)) >= 0x80);
  }
  // Nothing changed.
  CHECK(expect(w.world.school->get("/api/v1/stats"), 200)["agreements"]["total"] == 4);
}

TEST_CASE("the export is a BOM-prefixed CSV with a row per signed agreement and formulas defused",
          "[api][statistics]") {
  ReportWorld w;
  const HttpResult result = w.world.school->get("/api/v1/exports/signed-agreements.csv");
  CHECK(result.header("content-type").rfind("text/csv", 0) == 0);
  CHECK(result.header("transfer-encoding") == "chunked");
  const auto records = csv_of(result);
  REQUIRE(records.size() == 1 + 3);
  const auto& header = records[0];
  CHECK(header[0] == "协议编号");
  for (const auto& record : records) CHECK(record.size() == header.size());
  const std::size_t name = column(header, "单位名称");
  const std::size_t nature = column(header, "单位性质");
  const std::size_t nature_code = column(header, "单位性质代码");
  const std::size_t student_no = column(header, "学号");
  const std::size_t serial = column(header, "协议编号");
  std::vector<std::string> names;
  for (std::size_t i = 1; i < records.size(); ++i) {
    names.push_back(records[i][name]);
    CHECK(records[i][nature_code] == "39");
    CHECK(records[i][nature] == "其他企业");
    CHECK(records[i][serial].size() == 16);
  }
  CHECK(names == std::vector<std::string>{"'" + kFormulaName, kQuotedName, "福州示范软件有限公司"});
  CHECK(records[1][student_no] == "2022001");

  // HEAD answers as GET would, without the rows.
  const HttpResult head = w.world.school->request("HEAD", "/api/v1/exports/signed-agreements.csv");
  CHECK(head.status == 200);
  CHECK(head.body.empty());
  CHECK(result.header("content-disposition").find("attachment") == 0);

  // Narrowed by signing day: the agreements were signed on the clock's day, none the day after.
  const auto later = csv_of(w.world.school->get("/api/v1/exports/signed-agreements.csv?signed_from=2099-01-01"));
  CHECK(later.size() == 1);
  CHECK(later[0] == header);
}

TEST_CASE("a CSV cell a spreadsheet would run as a formula gets a leading quote, and quoting follows RFC 4180",
          "[api][statistics][csv]") {
  CHECK(api::csv_record({"=1+1", "+1", "-1", "@SUM(A1)", "\tx", "plain", "1-1", ""}) ==
        "'=1+1,'+1,'-1,'@SUM(A1),'\tx,plain,1-1,\r\n");
  CHECK(api::csv_record({"a,b", "say \"hi\"", "two\nlines", "\rx"}) ==
        "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"'\rx\"\r\n");
  CHECK(api::csv_record({"=A1,B1"}) == "\"'=A1,B1\"\r\n");
}

TEST_CASE("an export longer than one page carries every signed agreement once, oldest first",
          "[api][statistics]") {
  WorkflowWorld world;
  // One page is 500 agreements: two pages and one more row.
  constexpr int kSigned = 501;
  for (int i = 0; i < kSigned; ++i) {
    const std::string student_no = std::to_string(2022000 + i);
    world.add_student(student_no);
    world.verify_source_info(student_no);
    sign_in_store(world, student_no);
  }
  const auto records = csv_of(world.school->get("/api/v1/exports/signed-agreements.csv"));
  REQUIRE(records.size() == 1 + kSigned);
  const std::size_t student_no = column(records[0], "学号");
  std::set<std::string> serials;
  for (int i = 0; i < kSigned; ++i) {
    CHECK(records[i + 1][student_no] == std::to_string(2022000 + i));
    serials.insert(records[i + 1][0]);
  }
  CHECK(serials.size() == kSigned);
}
