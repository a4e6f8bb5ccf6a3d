// One visibility rule (workflow/visibility.h), seen over HTTP: every role — the student whose
// agreement it is and another, the inviting employer and another, the reviewers of the college and
// of another, the school, the portal, the print room, and no account at all — against every kind
// of record, in the states draft, invited, in review and signed. Out of scope is always 404, the
// same answer as a record that does not exist: never 403, 409 or the record's state.
#include "workflow_test_support.h"

#include <catch2/catch.hpp>

#include <array>
#include <string>
#include <vector>

using namespace sanfang;
using namespace sanfang::testing;
using nlohmann::json;

namespace {

// Columns of every row, in this order.
constexpr std::array<const char*, 10> kRoles = {"student own",   "student other", "employer own", "employer other",
                                                "college own",   "college other", "school",       "portal",
                                                "print",         "anonymous"};
using Expected = std::array<int, 10>;

std::string agreement_path(std::int64_t id, const std::string& suffix = {}) {
  return "/api/v1/agreements/" + std::to_string(id) + suffix;
}

json expect_ok(const HttpResult& result) {
  INFO(result.body);
  REQUIRE(result.status / 100 == 2);
  return result.json();
}

struct World {
  WorkflowWorld world;
  Party student_draft, student_invited, student_in_review, student_signed, student_other;
  Party employer_other, portal, print;
  HttpClient anonymous{world.fixture().base_url()};
  std::int64_t draft = 0, invited = 0, in_review = 0, is_signed = 0;
  std::string serial;

  World() {
    const std::vector<std::string> numbers = {"2026101", "2026102", "2026103", "2026104", "2026105"};
    for (const auto& number : numbers) {
      world.add_student(number);
      // The resident ID's gender digit says female: the agreement must be printable.
      REQUIRE(world.store().put_student({number, "张三", "11010519491231002X", "女", "CS", "软件工程", "本科", 2026}).ok());
      world.verify_source_info(number);
    }
    student_draft = world.student(numbers[0]);
    student_invited = world.student(numbers[1]);
    student_in_review = world.student(numbers[2]);
    student_signed = world.student(numbers[3]);
    student_other = world.student(numbers[4]);
    employer_other = world.sign_in(workflow::Role::Employer, "hr-other", {}, world.unvetted_employer_id);
    portal = world.sign_in(workflow::Role::Portal, "portal");
    print = world.sign_in(workflow::Role::Print, "print-room");

    draft = expect_ok(world.employer->post_json("/api/v1/agreements",
                                                {{"student_no", numbers[0]}, {"content", sample_content()}}))["id"];
    invited = send_invitation(*world.employer, numbers[1]);
    in_review = send_invitation(*world.employer, numbers[2]);
    expect_ok(student_in_review->post_json(agreement_path(in_review, "/accept"), seen_version(*student_in_review, in_review)));
    is_signed = send_invitation(*world.employer, numbers[3]);
    expect_ok(student_signed->post_json(agreement_path(is_signed, "/accept"), seen_version(*student_signed, is_signed)));
    expect_ok(world.college->post_json(agreement_path(is_signed, "/review"), {{"decision", "approve"}}));
    const json done = expect_ok(world.school->post_json(agreement_path(is_signed, "/review"), {{"decision", "approve"}}));
    REQUIRE(done["state"] == "signed");
    serial = done["serial"].get<std::string>();
  }

  // The clients of a row, in kRoles order; `own_student` is the student the row is about.
  std::array<HttpClient*, 10> clients(Party& own_student) {
    return {own_student.client.get(), student_other.client.get(), world.employer.client.get(),
            employer_other.client.get(), world.college.client.get(), world.other_college.client.get(),
            world.school.client.get(), portal.client.get(), print.client.get(), &anonymous};
  }
};

// GETs `path` as every role and compares the statuses with `expected`; a 404 must not tell
// anything about the record.
void check_row(World& w, Party& own_student, const std::string& what, const std::string& path, const Expected& expected) {
  const auto clients = w.clients(own_student);
  for (std::size_t i = 0; i < kRoles.size(); ++i) {
    const HttpResult result = clients[i]->get(path);
    INFO(what << " as " << kRoles[i] << ": GET " << path << " → " << result.status << " " << result.body.substr(0, 200));
    CHECK(result.status == expected[i]);
    if (result.status == 404) {
      CHECK(result.header("content-type") == "application/problem+json");
      CHECK_FALSE(result.json().contains("current_state"));
    }
  }
}

}  // namespace

TEST_CASE("visibility table: every role against every kind of record and state, out of scope is 404",
          "[api][visibility]") {
  World w;
  struct StateRow {
    const char* state;
    std::int64_t id;
    Party* student;
    Expected agreement, history, document;
  };
  // clang-format off
  const std::vector<StateRow> rows = {
      // An unsent invitation is the employer's alone.
      {"draft", w.draft, &w.student_draft,
       {404, 404, 200, 404, 404, 404, 404, 404, 404, 401},
       {404, 404, 200, 404, 404, 404, 404, 404, 404, 401},
       {404, 404, 404, 404, 404, 404, 404, 404, 404, 401}},
      // Sent: the parties, the college and the school see it; its preview is the parties' alone
      // until it reaches review, and after that the employer's no more.
      {"invited", w.invited, &w.student_invited,
       {200, 404, 200, 404, 200, 404, 200, 200, 200, 401},
       {200, 404, 200, 404, 200, 404, 200, 404, 404, 401},
       {200, 404, 200, 404, 404, 404, 404, 404, 404, 401}},
      {"in_review", w.in_review, &w.student_in_review,
       {200, 404, 200, 404, 200, 404, 200, 200, 200, 401},
       {200, 404, 200, 404, 200, 404, 200, 404, 404, 401},
       {200, 404, 404, 404, 200, 404, 200, 200, 404, 401}},
      {"signed", w.is_signed, &w.student_signed,
       {200, 404, 200, 404, 200, 404, 200, 200, 200, 401},
       {200, 404, 200, 404, 200, 404, 200, 404, 404, 401},
       {200, 404, 404, 404, 200, 404, 200, 200, 404, 401}},
  };
  // clang-format on
  for (const auto& row : rows) {
    check_row(w, *row.student, std::string("agreement ") + row.state, agreement_path(row.id), row.agreement);
    check_row(w, *row.student, std::string("history ") + row.state, agreement_path(row.id, "/history"), row.history);
    check_row(w, *row.student, std::string("document ") + row.state, agreement_path(row.id, "/pdf"), row.document);
    check_row(w, *row.student, std::string("page image ") + row.state, agreement_path(row.id, "/preview.png"),
              row.document);
    // What a listing shows is what a read allows.
    const auto clients = w.clients(*row.student);
    for (std::size_t i = 0; i + 1 < kRoles.size(); ++i) {
      const json listed = clients[i]->get("/api/v1/agreements?limit=200").json();
      bool found = false;
      for (const auto& item : listed["items"]) found = found || item["id"] == row.id;
      INFO("listing " << row.state << " as " << kRoles[i]);
      CHECK(found == (row.agreement[i] == 200));
    }
  }

  // Records that are not agreements; "own" is the student of the signed agreement.
  check_row(w, w.student_signed, "source info", "/api/v1/students/2026104/source-info",
            {200, 404, 404, 404, 200, 404, 200, 404, 404, 401});
  check_row(w, w.student_signed, "employer", "/api/v1/employers/" + std::to_string(w.world.vetted_employer_id),
            {200, 200, 200, 200, 200, 200, 200, 404, 404, 401});
  check_row(w, w.student_signed, "employer library", "/api/v1/employers?q=",
            {200, 200, 200, 200, 200, 200, 200, 404, 404, 401});
  check_row(w, w.student_signed, "print jobs", "/api/v1/print-jobs",
            {404, 404, 404, 404, 404, 404, 200, 404, 200, 401});
  check_row(w, w.student_signed, "print job", "/api/v1/print-jobs/1",
            {404, 404, 404, 404, 404, 404, 404, 404, 404, 401});
  check_row(w, w.student_signed, "verification log", "/api/v1/verifications",
            {404, 404, 404, 404, 404, 404, 200, 404, 404, 401});
  check_row(w, w.student_signed, "document by serial", "/api/v1/serials/" + w.serial + "/pdf",
            {404, 404, 404, 404, 404, 404, 404, 200, 200, 401});
  // A record that does not exist answers exactly as one out of scope.
  check_row(w, w.student_signed, "missing agreement", agreement_path(999999),
            {404, 404, 404, 404, 404, 404, 404, 404, 404, 401});
}

TEST_CASE("an action on an agreement out of scope is 404 and changes nothing", "[api][visibility]") {
  World w;
  const json before = w.world.employer->get(agreement_path(w.draft)).json();
  // A college reviewer asking to approve a draft learns nothing of it (no 409 with its state).
  const auto review = w.world.college->post_json(agreement_path(w.draft, "/review"), {{"decision", "approve"}});
  CHECK(review.status == 404);
  CHECK_FALSE(review.json().contains("current_state"));
  CHECK(w.student_other->post_json(agreement_path(w.invited, "/accept"), json{{"version", 2}}).status == 404);
  CHECK(w.world.other_college->post_json(agreement_path(w.in_review, "/review"), {{"decision", "approve"}}).status == 404);
  // In scope, an action the role may not take is refused as such.
  CHECK(w.portal->post_json(agreement_path(w.in_review, "/review"), {{"decision", "approve"}}).status == 403);
  CHECK(w.world.employer->get(agreement_path(w.draft)).json() == before);
  CHECK(w.world.employer->get(agreement_path(w.in_review)).json()["state"] == "in_review");
}

TEST_CASE("attachments are listed for the parties and reviewers, not for the portal or the print room",
          "[api][visibility]") {
  WorkflowWorld world;
  world.add_student("2026201");
  world.verify_source_info("2026201");
  Party student = world.student("2026201");
  Party portal = world.sign_in(workflow::Role::Portal, "portal");
  const json created = expect_ok(student->post_json(
      "/api/v1/agreements", {{"employer_id", world.vetted_employer_id}, {"content", sample_content()}}));
  const std::int64_t id = created["id"];
  expect_ok(student->request("POST", agreement_path(id, "/attachments?purpose=proof"), png_bytes(40, 40),
                             {{"Content-Type", "image/png"}}));
  expect_ok(student->post_json(agreement_path(id, "/submit"), json::object()));
  CHECK(expect_ok(student->get(agreement_path(id)))["attachments"].size() == 1);
  CHECK(expect_ok(world.college->get(agreement_path(id)))["attachments"].size() == 1);
  const json as_portal = expect_ok(portal->get(agreement_path(id)));
  CHECK(as_portal["attachments"].empty());
}
