// The audit area's contract (store/audit_store.h): every change appends its events to one chain,
// each entity's trail reads back in order, and the chain verifies — also after writers on several
// connections (the serial and print tests end by verifying it too).
#include "contract/contract_fixture.h"
#include "workflow/source_info_rules.h"

namespace sanfang::test::contract {
namespace {

std::int64_t chain_length(store::Store& db) { return ok(db.verify_audit_chain()).rows_checked; }

TEST_CASE("an empty store has an empty, intact chain and no trails", "[contract][audit]") {
  EACH_STORE_BACKEND(f);
  const auto fresh = ok(f.connect()->verify_audit_chain());
  CHECK(fresh.intact());
  CHECK(ok(f.db->audit_trail("agreement", "1")).empty());
}

TEST_CASE("each change appends its events to the chain and to its entity's trail, in order", "[contract][audit]") {
  EACH_STORE_BACKEND(f);
  f.add_verified_student("2022001");
  const std::int64_t before = chain_length(*f.db);
  const auto invited = f.invite("2022001");  // create, then send
  CHECK(chain_length(*f.db) == before + 2);
  const auto accepted = f.accept(invited);  // accept, then submit for review
  CHECK(chain_length(*f.db) == before + 4);

  const auto trail = ok(f.db->audit_trail("agreement", std::to_string(accepted.id)));
  REQUIRE(trail.size() == 4);
  for (std::size_t i = 1; i < trail.size(); ++i) CHECK(trail[i].id > trail[i - 1].id);
  CHECK(trail[0].event.entity == "agreement");
  CHECK(trail[0].event.entity_id == std::to_string(accepted.id));
  CHECK(trail[1].event.actor_role == workflow::Role::Employer);
  CHECK(trail[1].event.at == kStart);
  CHECK(trail[2].event.actor_role == workflow::Role::Student);
  CHECK(trail[2].event.from_state == "invited");
  CHECK(trail[2].event.to_state == "accepted");
  for (const auto& record : trail) {
    CHECK(record.hash.size() == 64);
    CHECK(record.prev_hash.size() == 64);
    CHECK(record.hash != record.prev_hash);
  }

  // A refused change appends nothing.
  CHECK_FALSE(f.db->apply_agreement_change(ok(workflow::withdraw(invited, f.employer(), kStart)), invited.version).ok());
  CHECK(chain_length(*f.db) == before + 4);
  CHECK(ok(f.db->verify_audit_chain()).intact());
}

TEST_CASE("the audit chain of a busy log verifies from every connection", "[contract][audit]") {
  EACH_STORE_BACKEND(f);
  f.add_verified_student("2022001");
  f.add_verified_student("2022002");
  f.sign("2022001");
  f.invite("2022002");
  auto report = ok(f.db->verify_audit_chain());
  CHECK(report.intact());
  CHECK(report.rows_checked > 10);
  auto elsewhere = ok(f.connect()->verify_audit_chain());
  CHECK(elsewhere.intact());
  CHECK(elsewhere.rows_checked == report.rows_checked);
}

TEST_CASE("the audit log names who acted and is filtered by entity, actor and time, newest first, counted the same",
          "[contract][audit]") {
  EACH_STORE_BACKEND(f);
  ok(f.db->put_student({"2022009", "李雷", "11010519491231002X", "男", "CS", "软件工程", "本科", 2026}));
  const auto student_account =
      ok(f.db->create_account({"s2022009", "password1", workflow::Role::Student, "2022009", 0, "", false}, kStart));
  const auto reviewer_account =
      ok(f.db->create_account({"college1", "password1", workflow::Role::College, "", 0, "CS", false}, kStart));
  const auto hr_account =
      ok(f.db->create_account({"hr9", "password1", workflow::Role::Employer, "", f.employer_id, "", false}, kStart));
  const workflow::Actor student{workflow::Role::Student, student_account.id, "2022009", 0, ""};
  const workflow::Actor reviewer{workflow::Role::College, reviewer_account.id, "", 0, "CS"};
  const auto day = std::chrono::hours(24);

  workflow::SourceSections sections;
  sections.basic = {{"name", "李雷"}};
  sections.contact = {{"mobile", "13800138000"}};
  sections.enrolment = {{"major", "软件工程"}};
  sections.archive = {{"unit", "学校档案馆"}};
  auto info = ok(f.db->source_info("2022009"));
  info = ok(f.db->apply_source_info_change(ok(workflow::edit_source_info(info, student, sections, kStart)), 0));
  info = ok(f.db->apply_source_info_change(ok(workflow::submit_source_info(info, student, kStart)), info.version));
  info = ok(f.db->apply_source_info_change(
      ok(workflow::review_source_info(info, reviewer, workflow::ReviewDecision::Approve, "", kStart + day)),
      info.version));
  const auto unit = ok(f.db->employer(f.employer_id));
  workflow::EmployerChange edit{unit, {}};
  edit.events.push_back({"employer", std::to_string(unit.id), "edit", hr_account.id, workflow::Role::Employer,
                         kStart + 2 * day, "", "", ""});
  ok(f.db->apply_employer_change(edit, unit.version));

  store::AuditQuery of_student;
  of_student.entity = "source_info";
  of_student.entity_id = "2022009";
  of_student.newest_first = false;
  const auto trail = ok(f.db->audit_log(of_student));
  REQUIRE(trail.size() == 3);
  CHECK(ok(f.db->count_audit(of_student)) == 3);
  CHECK(trail[0].actor_name == "李雷");  // a student by their name
  CHECK(trail[1].actor_name == "李雷");
  CHECK(trail[2].actor_name == "college1");  // staff by the user name
  CHECK(trail[2].event.actor_role == workflow::Role::College);
  // The agreement history (audit_trail) carries the same names.
  CHECK(ok(f.db->audit_trail("source_info", "2022009"))[2].actor_name == "college1");

  store::AuditQuery of_unit;
  of_unit.entity = "employer";
  of_unit.entity_id = std::to_string(unit.id);
  CHECK(ok(f.db->audit_log(of_unit)).front().actor_name == "兰州某某科技有限公司");  // HR by the unit's name

  store::AuditQuery by_actor;
  by_actor.actor_account_id = reviewer_account.id;
  const auto reviewed = ok(f.db->audit_log(by_actor));
  REQUIRE(reviewed.size() == 1);
  CHECK(reviewed[0].event.action == "review.approve");

  store::AuditQuery in_window;
  in_window.from = kStart + day;
  in_window.until = kStart + 2 * day;  // half-open: the unit's edit at the end is outside
  const auto windowed = ok(f.db->audit_log(in_window));
  REQUIRE(windowed.size() == 1);
  CHECK(windowed[0].event.actor_account_id == reviewer_account.id);

  store::AuditQuery newest;
  newest.limit = 2;
  const auto page = ok(f.db->audit_log(newest));
  REQUIRE(page.size() == 2);
  CHECK(page[0].event.entity == "employer");  // the latest change first
  CHECK(page[0].id > page[1].id);
  CHECK(ok(f.db->count_audit(newest)) > 2);  // the total ignores the page
  newest.offset = 1;
  CHECK(ok(f.db->audit_log(newest))[0].id == page[1].id);
}

}  // namespace
}  // namespace sanfang::test::contract
