// The lifecycle kept in a real SQLite file: version checks, serials, the schema's own hold on the
// SPEC rules, migrations and the expiry sweep.
#include <sqlite3.h>

#include "core/validate.h"
#include "store/invitation_expiry.h"
#include "store/migrations.h"
#include "store_fixture.h"

using namespace sanfang;
using namespace sanfang::test;
using workflow::AgreementState;
using workflow::ReviewDecision;

namespace {

int count_rows(const std::filesystem::path& file, const char* sql) {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, &sqlite3_close);
  sqlite3_stmt* raw_statement = nullptr;
  REQUIRE(sqlite3_prepare_v2(db.get(), sql, -1, &raw_statement, nullptr) == SQLITE_OK);
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> statement(raw_statement, &sqlite3_finalize);
  REQUIRE(sqlite3_step(statement.get()) == SQLITE_ROW);
  return sqlite3_column_int(statement.get(), 0);
}

workflow::Attachment stored_image(store::Store& db, workflow::AttachmentPurpose purpose, char fill) {
  std::string png("\x89PNG\r\n\x1A\n", 8);
  png.append(64, fill);
  return ok(db.store_attachment(png, purpose));
}

}  // namespace

TEST_CASE("opening creates the data folder and migrations are applied once, also on reopen", "[store][migrations]") {
  StoreFixture f;
  const auto db_file = store::SqliteStore::database_path(f.options().data_dir);
  REQUIRE(std::filesystem::exists(db_file));
  f.add_verified_student("2022001");
  f.db.reset();
  for (int reopen = 0; reopen < 3; ++reopen) f.db = f.open_another();
  CHECK(count_rows(db_file, "SELECT COUNT(*) FROM schema_migrations") == store::latest_schema_version());
  CHECK(count_rows(db_file, "SELECT MAX(version) FROM schema_migrations") == store::latest_schema_version());
  CHECK(ok(f.db->student("2022001")).name == "张三");
}

TEST_CASE("the invitation lifecycle is kept with an audit trail and a serial from the signing transaction",
          "[store][lifecycle]") {
  StoreFixture f;
  f.add_verified_student("2022001");
  auto invited = f.invite("2022001");
  CHECK(invited.version == 2);

  auto returned = f.apply(workflow::return_invitation(invited, f.student("2022001"), "薪酬有误", f.rules, kStart), invited);
  CHECK(returned.state == AgreementState::Returned);
  auto resent = f.apply(workflow::send_invitation(returned, f.employer(), f.parties("2022001", returned.id), kStart), returned);
  auto in_review = f.accept(resent);
  CHECK(in_review.state == AgreementState::InReview);
  CHECK(in_review.snapshot["student"]["name"] == "张三");
  CHECK_FALSE(in_review.serial.has_value());

  auto college_ok = f.approve(in_review, f.college());
  auto signed_one = f.approve(college_ok, f.school());
  CHECK(signed_one.state == AgreementState::Signed);
  REQUIRE(signed_one.serial.has_value());
  CHECK(*signed_one.serial == ok(core::make_serial(kSchoolCode, 2026, 1)));
  CHECK(ok(core::validate_serial(*signed_one.serial, "serial")) == *signed_one.serial);

  auto trail = ok(f.db->audit_trail("agreement", std::to_string(signed_one.id)));
  std::vector<std::string> steps;
  for (const auto& record : trail) steps.push_back(record.event.from_state + ">" + record.event.to_state);
  CHECK(steps == std::vector<std::string>{">draft", "draft>invited", "invited>returned", "returned>invited",
                                          "invited>accepted", "accepted>in_review", "in_review>in_review",
                                          "in_review>signed"});
  CHECK(trail[2].event.reason == "薪酬有误");
  CHECK(ok(f.db->verify_audit_chain()).intact());
}

TEST_CASE("a stale version is a conflict naming the current state and changes nothing", "[store][concurrency]") {
  StoreFixture f;
  f.add_verified_student("2022001");
  auto invited = f.invite("2022001");
  const auto db_file = store::SqliteStore::database_path(f.options().data_dir);
  const int audit_rows = count_rows(db_file, "SELECT COUNT(*) FROM audit_log");

  // Two actions read the same version; the student's acceptance commits first.
  auto second_reader = f.open_another();
  auto accepted = f.accept(invited);
  auto withdraw_change = ok(workflow::withdraw(invited, f.employer(), kStart));
  auto late = second_reader->apply_agreement_change(withdraw_change, invited.version);
  REQUIRE_FALSE(late.ok());
  CHECK(late.error().kind == ErrorKind::Conflict);
  CHECK(late.error().message.find("in_review") != std::string::npos);

  auto now = ok(f.db->agreement(invited.id));
  CHECK(now.state == AgreementState::InReview);
  CHECK(now.version == accepted.version);
  CHECK(count_rows(db_file, "SELECT COUNT(*) FROM audit_log") == audit_rows + 2);
}

TEST_CASE("the schema refuses a second live agreement even when the rule was given stale facts", "[store][rules]") {
  StoreFixture f;
  f.add_verified_student("2022001");
  workflow::Employer second_unit;
  second_unit.name = "另一家公司";
  second_unit.uscc = "91440300708461136T";
  second_unit.vetted = true;
  const auto second_employer = ok(f.db->insert_employer(second_unit));
  const workflow::Actor second_hr{workflow::Role::Employer, 0, "", second_employer.id, ""};

  auto first = f.invite("2022001");
  auto second_parties = ok(f.db->parties_for("2022001", second_employer.id, 0));
  auto second_draft = ok(f.db->insert_agreement(ok(workflow::create_invitation(second_hr, second_parties, {}, kStart))));
  auto second = f.apply(workflow::send_invitation(second_draft, second_hr, second_parties, kStart), second_draft);

  // Both invitations were read before either was accepted: each rule sees no other live agreement.
  auto stale_parties = ok(f.db->parties_for("2022001", second_employer.id, second.id));
  f.accept(first);
  auto change = ok(workflow::accept_invitation(second, f.student("2022001"), stale_parties, f.rules, kStart));
  auto refused = f.db->apply_agreement_change(change, second.version);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == ErrorKind::Conflict);
  CHECK(refused.error().message == "该学生已有有效协议");
  CHECK(ok(f.db->agreement(second.id)).state == AgreementState::Invited);

  // With fresh facts the rule itself refuses.
  auto fresh = ok(f.db->parties_for("2022001", second_employer.id, second.id));
  CHECK(fresh.student_has_other_live_agreement);
  CHECK(workflow::accept_invitation(second, f.student("2022001"), fresh, f.rules, kStart).error().message ==
        "该学生已有有效协议");
}

TEST_CASE("an employer's second open invitation to a student is refused by rule and schema", "[store][rules]") {
  StoreFixture f;
  f.add_verified_student("2022001");
  auto first = f.invite("2022001");
  auto draft = ok(f.db->insert_agreement(ok(workflow::create_invitation(f.employer(), f.parties("2022001"), {}, kStart))));
  auto fresh = f.parties("2022001", draft.id);
  CHECK(fresh.employer_has_other_open_invitation);
  CHECK(workflow::send_invitation(draft, f.employer(), fresh, kStart).error().kind == ErrorKind::Conflict);

  auto stale = fresh;
  stale.employer_has_other_open_invitation = false;
  auto refused = f.db->apply_agreement_change(ok(workflow::send_invitation(draft, f.employer(), stale, kStart)),
                                              draft.version);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == ErrorKind::Conflict);
  CHECK(refused.error().field == "student_no");

  // Once the first one is withdrawn the employer may send again.
  f.apply(workflow::withdraw(first, f.employer(), kStart), first);
  auto sent = f.apply(workflow::send_invitation(draft, f.employer(), f.parties("2022001", draft.id), kStart), draft);
  CHECK(sent.state == AgreementState::Invited);
}

TEST_CASE("unverified source info cannot accept, and an unvetted employer cannot invite, through the store",
          "[store][rules]") {
  StoreFixture f;
  ok(f.db->put_student({"2022009", "李四", "440524188001010014", "女", "CS", "数学", "本科", 2026}));
  auto p = f.parties("2022009");
  CHECK(p.source_info.state == workflow::SourceInfoState::Draft);
  auto draft = ok(f.db->insert_agreement(ok(workflow::create_invitation(f.employer(), p, {}, kStart))));
  auto invited = f.apply(workflow::send_invitation(draft, f.employer(), f.parties("2022009", draft.id), kStart), draft);
  auto accept = workflow::accept_invitation(invited, f.student("2022009"), f.parties("2022009", invited.id), f.rules, kStart);
  REQUIRE_FALSE(accept.ok());
  CHECK(accept.error().field == "source_info");

  workflow::Employer unvetted;
  unvetted.name = "未审核单位";
  unvetted.uscc = "91440300708461136T";
  const auto unit = ok(f.db->insert_employer(unvetted));
  const workflow::Actor hr{workflow::Role::Employer, 0, "", unit.id, ""};
  auto invite = workflow::create_invitation(hr, ok(f.db->parties_for("2022009", unit.id, 0)), {}, kStart);
  REQUIRE_FALSE(invite.ok());
  CHECK(invite.error().kind == ErrorKind::Forbidden);

  auto vetted = ok(f.db->apply_employer_change(ok(workflow::vet_employer(unit, f.school(), kStart)), unit.version));
  CHECK(vetted.vetted);
  CHECK(workflow::create_invitation(hr, ok(f.db->parties_for("2022009", unit.id, 0)), {}, kStart).ok());
}

TEST_CASE("student-initiated signing with stored proof reaches signed", "[store][lifecycle]") {
  StoreFixture f;
  f.add_verified_student("2022001");
  auto draft = ok(f.db->insert_agreement(
      ok(workflow::create_student_initiated(f.student("2022001"), f.parties("2022001"), {{"job", "教师"}}, kStart))));
  auto proof = stored_image(*f.db, workflow::AttachmentPurpose::Proof, 'p');
  auto with_proof = f.apply(workflow::add_attachment(draft, f.student("2022001"), proof, kStart), draft);
  REQUIRE(with_proof.attachments.size() == 1);
  CHECK(with_proof.attachments[0].sha256 == proof.sha256);
  CHECK(with_proof.attachments[0].media_type == workflow::MediaType::Png);
  auto in_review = f.apply(workflow::submit_for_review(with_proof, f.student("2022001"),
                                                       f.parties("2022001", with_proof.id), f.rules, kStart),
                           with_proof);
  auto signed_one = f.approve(f.approve(in_review, f.college()), f.school());
  CHECK(signed_one.state == AgreementState::Signed);
  CHECK(signed_one.serial.has_value());
  CHECK(signed_one.attachments.size() == 1);
}

TEST_CASE("termination, signing again with a new serial, and a second termination refused", "[store][termination]") {
  StoreFixture f;
  f.add_verified_student("2022001");
  auto first = f.sign("2022001");
  const std::vector<workflow::Attachment> material{
      stored_image(*f.db, workflow::AttachmentPurpose::ReleaseLetter, 'r'),
      stored_image(*f.db, workflow::AttachmentPurpose::AcceptanceLetter, 'a')};

  auto request = ok(workflow::request_termination(first, f.student("2022001"), f.parties("2022001", first.id),
                                                  "已与新单位达成意向", material, f.rules, kStart));
  auto requested = ok(f.db->apply_agreement_change(request, first.version));
  CHECK(requested.state == AgreementState::TerminationRequested);
  auto pending = ok(f.db->pending_termination(first.id));
  CHECK(pending.material.size() == 2);
  CHECK(pending.explanation == "已与新单位达成意向");

  for (const auto& reviewer : {f.college(), f.school()}) {
    auto current = ok(f.db->agreement(first.id));
    auto termination = ok(f.db->pending_termination(first.id));
    ok(f.db->apply_agreement_change(
        ok(workflow::review_termination(current, termination, reviewer, ReviewDecision::Approve, "", kStart)),
        current.version));
  }
  auto terminated = ok(f.db->agreement(first.id));
  CHECK(terminated.state == AgreementState::Terminated);
  CHECK(terminated.serial == first.serial);
  CHECK(f.db->pending_termination(first.id).error().kind == ErrorKind::NotFound);

  // After an approved termination the student may sign again: a new agreement, a new serial.
  auto second = f.sign("2022001");
  REQUIRE(second.serial.has_value());
  CHECK(*second.serial != *first.serial);
  CHECK(*second.serial == ok(core::make_serial(kSchoolCode, 2026, 2)));

  auto again = workflow::request_termination(second, f.student("2022001"), f.parties("2022001", second.id),
                                             "还想换", material, f.rules, kStart);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().kind == ErrorKind::Conflict);
  CHECK(again.error().message.find("仅有一次解约机会") != std::string::npos);

  // Even with stale facts the schema holds the rule.
  auto stale = f.parties("2022001", second.id);
  stale.student_has_used_termination = false;
  auto forced = f.db->apply_agreement_change(
      ok(workflow::request_termination(second, f.student("2022001"), stale, "还想换", material, f.rules, kStart)),
      second.version);
  REQUIRE_FALSE(forced.ok());
  CHECK(forced.error().message.find("仅有一次解约机会") != std::string::npos);
  CHECK(ok(f.db->agreement(second.id)).state == AgreementState::Signed);
}

TEST_CASE("a rejected termination request leaves the agreement signed", "[store][termination]") {
  StoreFixture f;
  f.add_verified_student("2022001");
  auto signed_one = f.sign("2022001");
  const std::vector<workflow::Attachment> material{
      stored_image(*f.db, workflow::AttachmentPurpose::ReleaseLetter, 'r'),
      stored_image(*f.db, workflow::AttachmentPurpose::AcceptanceLetter, 'a')};
  auto requested = ok(f.db->apply_agreement_change(
      ok(workflow::request_termination(signed_one, f.student("2022001"), f.parties("2022001", signed_one.id),
                                       "说明", material, f.rules, kStart)),
      signed_one.version));
  auto termination = ok(f.db->pending_termination(signed_one.id));
  auto back = ok(f.db->apply_agreement_change(
      ok(workflow::review_termination(requested, termination, f.college(), ReviewDecision::Reject, "材料不全", kStart)),
      requested.version));
  CHECK(back.state == AgreementState::Signed);
  CHECK(back.serial == signed_one.serial);
}

TEST_CASE("a signed agreement's content cannot be changed even by a direct store call", "[store][rules]") {
  StoreFixture f;
  f.add_verified_student("2022001");
  auto signed_one = f.sign("2022001");
  workflow::AgreementChange tampered{signed_one, std::nullopt, {}};
  tampered.agreement.content["salary"] = "1";
  auto refused = f.db->apply_agreement_change(tampered, signed_one.version);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == ErrorKind::Conflict);
  CHECK(refused.error().message == "已签约的协议不能修改");
  CHECK(ok(f.db->agreement(signed_one.id)).content == signed_one.content);
}

TEST_CASE("the sweeper expires invitations 14 days after sending, not before", "[store][expiry]") {
  StoreFixture f;
  workflow::ManualClock clock(kStart);
  f.add_verified_student("2022001");
  f.add_verified_student("2022002");
  auto early = f.invite("2022001");
  clock.advance(std::chrono::days{2});
  auto later_draft = ok(f.db->insert_agreement(
      ok(workflow::create_invitation(f.employer(), f.parties("2022002"), {}, clock.now()))));
  auto later = f.apply(
      workflow::send_invitation(later_draft, f.employer(), f.parties("2022002", later_draft.id), clock.now()),
      later_draft);

  clock.set(kStart + std::chrono::days{14} - std::chrono::seconds{1});
  CHECK(ok(store::expire_due_invitations(*f.db, f.rules, clock.now())).expired == 0);
  clock.advance(std::chrono::seconds{1});
  CHECK(ok(store::expire_due_invitations(*f.db, f.rules, clock.now())).expired == 1);
  CHECK(ok(f.db->agreement(early.id)).state == AgreementState::Expired);
  CHECK(ok(f.db->agreement(later.id)).state == AgreementState::Invited);
  clock.advance(std::chrono::days{2});
  CHECK(ok(store::expire_due_invitations(*f.db, f.rules, clock.now())).expired == 1);
  CHECK(ok(f.db->agreement(later.id)).state == AgreementState::Expired);

  auto trail = ok(f.db->audit_trail("agreement", std::to_string(early.id)));
  CHECK(trail.back().event.actor_role == workflow::Role::System);
  CHECK(trail.back().event.to_state == "expired");
}
