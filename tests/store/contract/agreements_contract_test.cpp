// The agreements area's contract (store/agreement_store.h): colleges, students, employers, source
// info, the agreement lifecycle with version checks, the cross-record rules held by the store even
// against stale facts, serials unique and gapless under concurrent signing, uploads, and the
// student import.
#include <latch>
#include <mutex>
#include <set>
#include <thread>

#include "contract/contract_fixture.h"
#include "core/validate.h"
#include "store/invitation_expiry.h"

namespace sanfang::test::contract {
namespace {

using workflow::AgreementState;
using workflow::ReviewDecision;

workflow::Attachment stored_image(store::DocumentStore& db, workflow::AttachmentPurpose purpose, char fill) {
  std::string png("\x89PNG\r\n\x1A\n", 8);
  png.append(64, fill);
  return ok(db.store_attachment(png, purpose));
}

workflow::Employer unit_named(const std::string& name, const std::string& uscc, bool vetted) {
  workflow::Employer unit;
  unit.name = name;
  unit.uscc = uscc;
  unit.vetted = vetted;
  return unit;
}

std::vector<std::int64_t> ids_of(const std::vector<workflow::Agreement>& agreements) {
  std::vector<std::int64_t> ids;
  for (const auto& agreement : agreements) ids.push_back(agreement.id);
  return ids;
}

// ---- colleges, students, employers ----

TEST_CASE("a college is created, renamed by putting it again, and an unknown one is not found",
          "[contract][agreements]") {
  EACH_STORE_BACKEND(f);
  CHECK(ok(f.db->college_name("CS")) == "计算机与通信学院");
  ok(f.db->put_college({"CS", "计算机学院"}));
  CHECK(ok(f.db->college_name("CS")) == "计算机学院");
  const auto missing = f.db->college_name("XX");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().kind == ErrorKind::NotFound);
  CHECK(missing.error().field == "college_code");
}

TEST_CASE("a student is inserted, corrected by putting it again, and an unknown one is not found",
          "[contract][agreements]") {
  EACH_STORE_BACKEND(f);
  ok(f.db->put_student({"2022001", "张三", "11010519491231002X", "男", "CS", "软件工程", "本科", 2026}));
  ok(f.db->put_student({"2022001", "张叁", "11010519491231002X", "男", "CS", "网络工程", "本科", 2027}));
  const auto student = ok(f.db->student("2022001"));
  CHECK(student.name == "张叁");
  CHECK(student.major == "网络工程");
  CHECK(student.graduation_year == 2027);
  const auto missing = f.db->student("2099999");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().kind == ErrorKind::NotFound);
  CHECK(missing.error().field == "student_no");
}

TEST_CASE("an employer is stored once per credit code and changed only from the version read",
          "[contract][agreements]") {
  EACH_STORE_BACKEND(f);
  const auto unit = ok(f.db->insert_employer(unit_named("某某研究所", "12100000400000624D", false)));
  CHECK(unit.id != f.employer_id);
  CHECK(ok(f.db->employer(unit.id)).name == "某某研究所");
  CHECK(f.db->employer(unit.id + 1000).error().kind == ErrorKind::NotFound);

  const auto twin = f.db->insert_employer(unit_named("同码单位", "12100000400000624D", true));
  REQUIRE_FALSE(twin.ok());
  CHECK(twin.error().kind == ErrorKind::Conflict);
  CHECK(twin.error().field == "uscc");

  const auto change = ok(workflow::vet_employer(unit, f.school(), kStart));
  const auto vetted = ok(f.db->apply_employer_change(change, unit.version));
  CHECK(vetted.vetted);
  CHECK(vetted.version == unit.version + 1);
  const auto stale = f.db->apply_employer_change(change, unit.version);
  REQUIRE_FALSE(stale.ok());
  CHECK(stale.error().kind == ErrorKind::Conflict);
  CHECK(stale.error().field == "version");
  CHECK(ok(f.db->employer(unit.id)).version == vetted.version);
}

TEST_CASE("the unit search lists vetted units first, matches literally and stops at the limit",
          "[contract][agreements]") {
  EACH_STORE_BACKEND(f);
  ok(f.db->insert_employer(unit_named("兰州科技 未审核", "91440300708461136T", false)));
  ok(f.db->insert_employer(unit_named("百分之百_科技", "91110000802100433B", true)));
  const auto all = ok(f.db->search_employers("", 10));
  REQUIRE(all.size() == 3);
  CHECK(all.back().name == "兰州科技 未审核");
  CHECK(ok(f.db->search_employers("科技", 10)).size() == 3);
  CHECK(ok(f.db->search_employers("科技", 1)).size() == 1);
  const auto literal = ok(f.db->search_employers("_", 10));  // not a wildcard
  REQUIRE(literal.size() == 1);
  CHECK(literal[0].name == "百分之百_科技");
  CHECK(ok(f.db->search_employers("%", 10)).empty());
  CHECK(ok(f.db->search_employers("无此单位", 10)).empty());
}

TEST_CASE("a registered unit is bound to its HR account once, and registrations are counted per account",
          "[contract][agreements]") {
  EACH_STORE_BACKEND(f);
  const auto hr = ok(f.db->create_account({"hr-new", "a-long-secret", workflow::Role::Employer, "", 0, "", false}, kStart));
  const workflow::AuditEvent registered{"employer", "", "register", hr.id, workflow::Role::Employer, kStart, "", "", ""};
  const auto unit = ok(f.db->register_employer(unit_named("新单位", "91440300708461136T", false), hr.id, {registered}));
  CHECK(ok(f.db->account_by_username("hr-new")).employer_id == unit.id);
  CHECK(ok(f.db->employers_registered_by(hr.id)) == 1);
  const auto trail = ok(f.db->audit_trail("employer", std::to_string(unit.id)));
  REQUIRE(trail.size() == 1);
  CHECK(trail[0].event.action == "register");

  // The account keeps its unit: a second registration bound to it changes nothing.
  const auto again = f.db->register_employer(unit_named("第二家", "91110000802100433B", false), hr.id, {registered});
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().kind == ErrorKind::Conflict);
  CHECK(ok(f.db->search_employers("第二家", 10)).empty());
  CHECK(ok(f.db->employers_registered_by(hr.id)) == 1);
  CHECK(ok(f.db->account_by_username("hr-new")).employer_id == unit.id);

  // Unbound (a student's or the school's registration) it is just stored and counted.
  const workflow::AuditEvent by_school{"employer", "", "register", 77, workflow::Role::School, kStart, "", "", ""};
  ok(f.db->register_employer(unit_named("第二家", "91110000802100433B", false), 0, {by_school}));
  CHECK(ok(f.db->employers_registered_by(77)) == 1);
  CHECK(ok(f.db->employers_registered_by(78)) == 0);
  CHECK(ok(f.db->verify_audit_chain()).intact());
}

// ---- source info ----

TEST_CASE("source info starts as a version-0 draft and a stale change is a conflict", "[contract][agreements]") {
  EACH_STORE_BACKEND(f);
  ok(f.db->put_student({"2022001", "张三", "11010519491231002X", "男", "CS", "软件工程", "本科", 2026}));
  const auto fresh = ok(f.db->source_info("2022001"));
  CHECK(fresh.version == 0);
  CHECK(fresh.state == workflow::SourceInfoState::Draft);
  CHECK(fresh.college_code == "CS");
  CHECK(f.db->source_info("2099999").error().kind == ErrorKind::NotFound);

  workflow::SourceSections sections;
  sections.basic = {{"name", "张三"}};
  const auto edit = ok(workflow::edit_source_info(fresh, f.student("2022001"), sections, kStart));
  const auto first = ok(f.db->apply_source_info_change(edit, 0));
  CHECK(first.version == 1);
  CHECK(first.sections.basic == sections.basic);
  const auto stale = f.db->apply_source_info_change(edit, 0);
  REQUIRE_FALSE(stale.ok());
  CHECK(stale.error().kind == ErrorKind::Conflict);
  CHECK(ok(f.db->source_info("2022001")).version == 1);
}

// ---- agreements ----

TEST_CASE("the invitation lifecycle is kept with an audit trail and a serial from the signing transaction",
          "[contract][agreements][audit]") {
  EACH_STORE_BACKEND(f);
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
  CHECK(ok(f.db->agreement_by_serial(*signed_one.serial)).id == signed_one.id);

  auto trail = ok(f.db->audit_trail("agreement", std::to_string(signed_one.id)));
  std::vector<std::string> steps;
  for (const auto& record : trail) steps.push_back(record.event.from_state + ">" + record.event.to_state);
  CHECK(steps == std::vector<std::string>{">draft", "draft>invited", "invited>returned", "returned>invited",
                                          "invited>accepted", "accepted>in_review", "in_review>in_review",
                                          "in_review>signed"});
  CHECK(trail[2].event.reason == "薪酬有误");
  CHECK(ok(f.db->verify_audit_chain()).intact());
}

TEST_CASE("an unknown agreement or serial is not found", "[contract][agreements]") {
  EACH_STORE_BACKEND(f);
  CHECK(f.db->agreement(12345).error().kind == ErrorKind::NotFound);
  const auto by_serial = f.db->agreement_by_serial(ok(core::make_serial(kSchoolCode, 2026, 1)));
  REQUIRE_FALSE(by_serial.ok());
  CHECK(by_serial.error().kind == ErrorKind::NotFound);
  CHECK(by_serial.error().field == "serial");
  CHECK(f.db->pending_termination(12345).error().kind == ErrorKind::NotFound);
}

TEST_CASE("a stale version is a conflict naming the current state and changes nothing", "[contract][agreements]") {
  EACH_STORE_BACKEND(f);
  f.add_verified_student("2022001");
  auto invited = f.invite("2022001");

  // Two actions read the same version; the student's acceptance commits first.
  auto second_reader = f.connect();
  auto accepted = f.accept(invited);
  const auto events_before = ok(f.db->audit_trail("agreement", std::to_string(invited.id))).size();
  auto withdraw_change = ok(workflow::withdraw(invited, f.employer(), kStart));
  auto late = second_reader->apply_agreement_change(withdraw_change, invited.version);
  REQUIRE_FALSE(late.ok());
  CHECK(late.error().kind == ErrorKind::Conflict);
  // Named as people read it, never by its English name.
  CHECK(late.error().message == "协议已被他人修改，当前状态为“审核中”，请刷新后重试");

  auto now = ok(f.db->agreement(invited.id));
  CHECK(now.state == AgreementState::InReview);
  CHECK(now.version == accepted.version);
  CHECK(ok(f.db->audit_trail("agreement", std::to_string(invited.id))).size() == events_before);
}

TEST_CASE("the store refuses a second live agreement even when the rule was given stale facts",
          "[contract][agreements][rules]") {
  EACH_STORE_BACKEND(f);
  f.add_verified_student("2022001");
  const auto second_employer = ok(f.db->insert_employer(unit_named("另一家公司", "91440300708461136T", true)));
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

TEST_CASE("an employer's second open invitation to a student is refused by rule and store",
          "[contract][agreements][rules]") {
  EACH_STORE_BACKEND(f);
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
  CHECK(ok(f.db->agreement(draft.id)).state == AgreementState::Draft);

  // Once the first one is withdrawn the employer may send again.
  f.apply(workflow::withdraw(first, f.employer(), kStart), first);
  auto sent = f.apply(workflow::send_invitation(draft, f.employer(), f.parties("2022001", draft.id), kStart), draft);
  CHECK(sent.state == AgreementState::Invited);
}

TEST_CASE("the parties report unverified source info and an unvetted employer", "[contract][agreements][rules]") {
  EACH_STORE_BACKEND(f);
  ok(f.db->put_student({"2022009", "李四", "440524188001010014", "女", "CS", "数学", "本科", 2026}));
  auto p = f.parties("2022009");
  CHECK(p.source_info.state == workflow::SourceInfoState::Draft);
  CHECK(p.student.name == "李四");
  CHECK(p.employer.id == f.employer_id);
  auto draft = ok(f.db->insert_agreement(ok(workflow::create_invitation(f.employer(), p, {}, kStart))));
  auto invited = f.apply(workflow::send_invitation(draft, f.employer(), f.parties("2022009", draft.id), kStart), draft);
  auto accept = workflow::accept_invitation(invited, f.student("2022009"), f.parties("2022009", invited.id), f.rules, kStart);
  REQUIRE_FALSE(accept.ok());
  CHECK(accept.error().field == "source_info");

  const auto unit = ok(f.db->insert_employer(unit_named("未审核单位", "91440300708461136T", false)));
  const workflow::Actor hr{workflow::Role::Employer, 0, "", unit.id, ""};
  auto invite = workflow::create_invitation(hr, ok(f.db->parties_for("2022009", unit.id, 0)), {}, kStart);
  REQUIRE_FALSE(invite.ok());
  CHECK(invite.error().kind == ErrorKind::Forbidden);

  auto vetted = ok(f.db->apply_employer_change(ok(workflow::vet_employer(unit, f.school(), kStart)), unit.version));
  CHECK(vetted.vetted);
  CHECK(workflow::create_invitation(hr, ok(f.db->parties_for("2022009", unit.id, 0)), {}, kStart).ok());
}

TEST_CASE("student-initiated signing with stored proof reaches signed", "[contract][agreements]") {
  EACH_STORE_BACKEND(f);
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

TEST_CASE("an attachment that was never stored cannot be referenced", "[contract][agreements][documents]") {
  EACH_STORE_BACKEND(f);
  f.add_verified_student("2022001");
  auto draft = ok(f.db->insert_agreement(
      ok(workflow::create_student_initiated(f.student("2022001"), f.parties("2022001"), {}, kStart))));
  workflow::Attachment ghost{std::string(64, 'e'), workflow::MediaType::Pdf, 10, workflow::AttachmentPurpose::Proof};
  auto refused = f.db->apply_agreement_change(ok(workflow::add_attachment(draft, f.student("2022001"), ghost, kStart)),
                                              draft.version);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == ErrorKind::NotFound);
  CHECK(ok(f.db->agreement(draft.id)).attachments.empty());
  CHECK(ok(f.db->agreement(draft.id)).version == draft.version);
}

TEST_CASE("termination, signing again with a new serial, and a second termination refused",
          "[contract][agreements][rules]") {
  EACH_STORE_BACKEND(f);
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
  CHECK(ok(f.db->agreements_of_student("2022001")).size() == 2);

  auto again = workflow::request_termination(second, f.student("2022001"), f.parties("2022001", second.id),
                                             "还想换", material, f.rules, kStart);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().kind == ErrorKind::Conflict);
  CHECK(again.error().message.find("仅有一次解约机会") != std::string::npos);

  // Even with stale facts the store holds the rule.
  auto stale = f.parties("2022001", second.id);
  stale.student_has_used_termination = false;
  auto forced = f.db->apply_agreement_change(
      ok(workflow::request_termination(second, f.student("2022001"), stale, "还想换", material, f.rules, kStart)),
      second.version);
  REQUIRE_FALSE(forced.ok());
  CHECK(forced.error().message.find("仅有一次解约机会") != std::string::npos);
  CHECK(ok(f.db->agreement(second.id)).state == AgreementState::Signed);
}

TEST_CASE("a rejected termination request leaves the agreement signed", "[contract][agreements]") {
  EACH_STORE_BACKEND(f);
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

TEST_CASE("a signed agreement's content cannot be changed even by a direct store call", "[contract][agreements][rules]") {
  EACH_STORE_BACKEND(f);
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

TEST_CASE("agreements are found by state, by student and by a scoped, paged query", "[contract][agreements]") {
  EACH_STORE_BACKEND(f);
  ok(f.db->put_college({"ME", "机电工程学院"}));
  f.add_verified_student("2022001");
  f.add_verified_student("2022002", "ME", "车辆工程");
  f.add_verified_student("2022003");
  const auto signed_one = f.sign("2022001");
  const auto invited = f.invite("2022002");
  const auto unsent = ok(f.db->insert_agreement(
      ok(workflow::create_invitation(f.employer(), f.parties("2022003"), {}, kStart))));
  const auto own_draft = ok(f.db->insert_agreement(
      ok(workflow::create_student_initiated(f.student("2022003"), f.parties("2022003"), {}, kStart))));

  CHECK(ids_of(ok(f.db->agreements_in_state(AgreementState::Signed))) == std::vector<std::int64_t>{signed_one.id});
  CHECK(ids_of(ok(f.db->agreements_in_state(AgreementState::Invited))) == std::vector<std::int64_t>{invited.id});
  CHECK(ok(f.db->agreements_in_state(AgreementState::Terminated)).empty());
  CHECK(ids_of(ok(f.db->agreements_of_student("2022003"))) == std::vector<std::int64_t>{unsent.id, own_draft.id});
  CHECK(ok(f.db->agreements_of_student("2099999")).empty());

  store::AgreementQuery everything;
  CHECK(ids_of(ok(f.db->list_agreements(everything))) ==
        std::vector<std::int64_t>{signed_one.id, invited.id, unsent.id, own_draft.id});
  store::AgreementQuery page = everything;
  page.limit = 2;
  page.offset = 1;
  CHECK(ids_of(ok(f.db->list_agreements(page))) == std::vector<std::int64_t>{invited.id, unsent.id});

  store::AgreementQuery of_college;
  of_college.college_code = "ME";
  CHECK(ids_of(ok(f.db->list_agreements(of_college))) == std::vector<std::int64_t>{invited.id});
  store::AgreementQuery in_state;
  in_state.state = AgreementState::Signed;
  in_state.employer_id = f.employer_id;
  CHECK(ids_of(ok(f.db->list_agreements(in_state))) == std::vector<std::int64_t>{signed_one.id});
  store::AgreementQuery student_initiated;
  student_initiated.origin = workflow::AgreementOrigin::StudentInitiated;
  CHECK(ids_of(ok(f.db->list_agreements(student_initiated))) == std::vector<std::int64_t>{own_draft.id});

  // What the student 2022003 sees: no unsent invitation, and (as another party would) no drafts.
  store::AgreementQuery student_view;
  student_view.student_no = "2022003";
  student_view.exclude_unsent_invitations = true;
  CHECK(ids_of(ok(f.db->list_agreements(student_view))) == std::vector<std::int64_t>{own_draft.id});
  student_view.exclude_drafts = true;
  CHECK(ok(f.db->list_agreements(student_view)).empty());
}

TEST_CASE("a search finds agreements by name fragment, serial, major and signing time, counted and ordered the same",
          "[contract][agreements][search]") {
  EACH_STORE_BACKEND(f);
  ok(f.db->put_college({"ME", "机电工程学院"}));
  f.add_verified_student("2022001");
  f.add_verified_student("2022002", "ME", "车辆工程");
  f.add_verified_student("2022003");
  // Renamed after their source info was verified: the list searches the students' records.
  ok(f.db->put_student({"2022001", "王小明", "11010519491231002X", "男", "CS", "软件工程", "本科", 2026}));
  ok(f.db->put_student({"2022002", "汪王", "11010519491231002X", "男", "ME", "车辆工程", "本科", 2026}));
  ok(f.db->put_student({"2022003", "李%四", "11010519491231002X", "男", "CS", "软件工程", "本科", 2026}));
  const auto signed_one = f.sign("2022001");
  const auto invited = f.invite("2022002");
  const auto third = f.invite("2022003");

  const auto found = [&](const store::AgreementQuery& query) {
    const auto list = ids_of(ok(f.db->list_agreements(query)));
    CHECK(ok(f.db->count_agreements(query)) == static_cast<std::int64_t>(list.size()));
    return list;
  };
  store::AgreementQuery by_name;
  by_name.name_fragment = "王";
  CHECK(found(by_name) == std::vector<std::int64_t>{signed_one.id, invited.id});
  // Wildcards are what was typed: "%" finds the name holding it, not every name.
  by_name.name_fragment = "%";
  CHECK(found(by_name) == std::vector<std::int64_t>{third.id});
  by_name.name_fragment = "_";
  CHECK(found(by_name).empty());
  // The employer's name too.
  by_name.name_fragment = "某某科技";
  CHECK(found(by_name) == std::vector<std::int64_t>{signed_one.id, invited.id, third.id});
  by_name.name_fragment = "不存在的名字";
  CHECK(found(by_name).empty());

  store::AgreementQuery by_serial;
  by_serial.serial = *signed_one.serial;
  CHECK(found(by_serial) == std::vector<std::int64_t>{signed_one.id});
  store::AgreementQuery by_major;
  by_major.major = "车辆工程";
  CHECK(found(by_major) == std::vector<std::int64_t>{invited.id});

  store::AgreementQuery signed_window;
  signed_window.signed_from = kStart - std::chrono::hours(1);
  signed_window.signed_until = kStart + std::chrono::hours(1);
  CHECK(found(signed_window) == std::vector<std::int64_t>{signed_one.id});
  signed_window.signed_until = kStart;  // half-open: a signing at the end is outside
  CHECK(found(signed_window).empty());

  // Filters combine with the scope; the total ignores the page.
  store::AgreementQuery page;
  page.name_fragment = "某某科技";
  page.college_code = "CS";
  page.limit = 1;
  CHECK(ids_of(ok(f.db->list_agreements(page))) == std::vector<std::int64_t>{signed_one.id});
  CHECK(ok(f.db->count_agreements(page)) == 2);
  page.order = store::AgreementOrder::Newest;
  CHECK(ids_of(ok(f.db->list_agreements(page))) == std::vector<std::int64_t>{third.id});
  store::AgreementQuery by_signing;
  by_signing.order = store::AgreementOrder::SignedLast;
  CHECK(ids_of(ok(f.db->list_agreements(by_signing))).front() == signed_one.id);
}

TEST_CASE("uploads are numbered per store and listed per agreement in order", "[contract][agreements]") {
  EACH_STORE_BACKEND(f);
  f.add_verified_student("2022001");
  const auto agreement = f.sign("2022001");
  const auto release = stored_image(*f.db, workflow::AttachmentPurpose::ReleaseLetter, 'r');
  const auto acceptance = stored_image(*f.db, workflow::AttachmentPurpose::AcceptanceLetter, 'a');
  const auto first = ok(f.db->record_upload(agreement.id, 7, release, kStart));
  const auto second = ok(f.db->record_upload(agreement.id, 7, acceptance, kStart + std::chrono::seconds(5)));
  CHECK(first.id != second.id);
  CHECK(first.agreement_id == agreement.id);

  const auto uploads = ok(f.db->uploads_of(agreement.id));
  REQUIRE(uploads.size() == 2);
  CHECK(uploads[0].id == first.id);
  CHECK(uploads[0].account_id == 7);
  CHECK(uploads[0].attachment.sha256 == release.sha256);
  CHECK(uploads[0].attachment.purpose == workflow::AttachmentPurpose::ReleaseLetter);
  CHECK(uploads[0].attachment.media_type == workflow::MediaType::Png);
  CHECK(uploads[0].attachment.size == release.size);
  CHECK(uploads[1].attachment.sha256 == acceptance.sha256);
  CHECK(uploads[1].uploaded_at == kStart + std::chrono::seconds(5));
  CHECK(ok(f.db->uploads_of(agreement.id + 1)).empty());
}

TEST_CASE("importing a student creates the college, the student and an account that must change its password",
          "[contract][agreements][accounts]") {
  EACH_STORE_BACKEND(f);
  const workflow::Student student{"2022101", "赵六", "11010519491231002X", "男", "FL", "英语", "本科", 2026};
  CHECK(ok(f.db->import_student({"FL", "外国语学院"}, student, "31002X", kStart)) ==
        store::StudentImportOutcome::Imported);
  CHECK(ok(f.db->college_name("FL")) == "外国语学院");
  CHECK(ok(f.db->student("2022101")).name == "赵六");
  const auto account = ok(f.db->check_login("2022101", "31002X", kStart));
  CHECK(account.role == workflow::Role::Student);
  CHECK(account.student_no == "2022101");
  CHECK(account.must_change_password);

  // A re-import corrects the data and keeps the account's password.
  ok(f.db->change_password(account.id, "31002X", "a-chosen-secret", ""));
  auto corrected = student;
  corrected.major = "日语";
  CHECK(ok(f.db->import_student({"FL", "外国语学院（新）"}, corrected, "31002X", kStart)) ==
        store::StudentImportOutcome::Updated);
  CHECK(ok(f.db->student("2022101")).major == "日语");
  CHECK(ok(f.db->college_name("FL")) == "外国语学院（新）");
  CHECK(ok(f.db->check_login("2022101", "a-chosen-secret", kStart)).id == account.id);
}

TEST_CASE("importing a student whose number is another account's user name changes nothing",
          "[contract][agreements][accounts]") {
  EACH_STORE_BACKEND(f);
  ok(f.db->create_account({"2022102", "a-long-secret", workflow::Role::School, "", 0, "", false}, kStart));
  const workflow::Student student{"2022102", "钱七", "11010519491231002X", "女", "FL", "英语", "本科", 2026};
  const auto refused = f.db->import_student({"FL", "外国语学院"}, student, "31002X", kStart);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == ErrorKind::Conflict);
  CHECK(refused.error().field == "student_no");
  CHECK(f.db->student("2022102").error().kind == ErrorKind::NotFound);
  CHECK(f.db->college_name("FL").error().kind == ErrorKind::NotFound);
  CHECK(ok(f.db->account_by_username("2022102")).role == workflow::Role::School);
}

TEST_CASE("the sweeper expires invitations 14 days after sending, not before", "[contract][agreements][expiry]") {
  EACH_STORE_BACKEND(f);
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

// ---- serials under concurrency ----

TEST_CASE("8 threads with their own connections sign 200 agreements and get 200 distinct, gapless serials",
          "[contract][agreements][serial][concurrency]") {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 25;
  EACH_STORE_BACKEND(f);
  std::vector<std::int64_t> ids;
  for (int i = 0; i < kThreads * kPerThread; ++i) ids.push_back(f.awaiting_school("S" + std::to_string(10000 + i)));

  std::mutex results_mutex;
  std::vector<std::string> serials;
  std::vector<std::string> failures;
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  // No Catch assertions inside the threads: Catch2 v2 is not thread-safe.
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto opened = f.database->connect();
      start.arrive_and_wait();
      if (!opened.ok()) {
        std::lock_guard lock(results_mutex);
        failures.push_back(opened.error().describe());
        return;
      }
      auto& connection = *opened.value();
      for (int i = 0; i < kPerThread; ++i) {
        const std::int64_t id = ids[static_cast<std::size_t>(t * kPerThread + i)];
        auto signed_one = [&]() -> Result<workflow::Agreement> {
          auto current = TRY(connection.agreement(id));
          auto change = TRY(workflow::review_agreement(current, f.school(), ReviewDecision::Approve, "", kStart));
          return connection.apply_agreement_change(change, current.version);
        }();
        std::lock_guard lock(results_mutex);
        if (signed_one.ok() && signed_one->serial)
          serials.push_back(*signed_one->serial);
        else
          failures.push_back(signed_one.ok() ? "signed without serial" : signed_one.error().describe());
      }
    });
  }
  for (auto& thread : threads) thread.join();

  INFO((failures.empty() ? std::string() : failures.front()));
  CHECK(failures.empty());
  REQUIRE(serials.size() == ids.size());
  CHECK(std::set<std::string>(serials.begin(), serials.end()).size() == ids.size());
  std::set<std::string> expected;
  for (int sequence = 1; sequence <= kThreads * kPerThread; ++sequence)
    expected.insert(ok(core::make_serial(kSchoolCode, 2026, sequence)));
  CHECK(std::set<std::string>(serials.begin(), serials.end()) == expected);  // no gaps, no repeats
  for (auto id : ids) CHECK(ok(f.db->agreement(id)).state == AgreementState::Signed);
  CHECK(ok(f.db->verify_audit_chain()).intact());
}

TEST_CASE("serials count per graduation year", "[contract][agreements][serial]") {
  EACH_STORE_BACKEND(f);
  const auto first_2026 = f.awaiting_school("S1");
  const auto first_2027 = f.awaiting_school("S2", 2027);
  const auto second_2026 = f.awaiting_school("S3");
  const auto sign_it = [&](std::int64_t id) {
    const auto current = ok(f.db->agreement(id));
    return *ok(f.db->apply_agreement_change(
                   ok(workflow::review_agreement(current, f.school(), ReviewDecision::Approve, "", kStart)),
                   current.version))
                .serial;
  };
  CHECK(sign_it(first_2027) == ok(core::make_serial(kSchoolCode, 2027, 1)));
  CHECK(sign_it(first_2026) == ok(core::make_serial(kSchoolCode, 2026, 1)));
  CHECK(sign_it(second_2026) == ok(core::make_serial(kSchoolCode, 2026, 2)));
}

TEST_CASE("two concurrent final approvals of one agreement: one wins, the other is a conflict",
          "[contract][agreements][concurrency]") {
  EACH_STORE_BACKEND(f);
  const std::int64_t id = f.awaiting_school("S20000");
  std::latch start(2);
  std::mutex results_mutex;
  std::vector<Result<workflow::Agreement>> outcomes;
  std::vector<std::thread> threads;
  // No Catch assertions inside the threads: Catch2 v2 is not thread-safe.
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&] {
      std::unique_ptr<store::Store> connection;
      auto prepared = [&]() -> Result<workflow::AgreementChange> {
        connection = TRY(f.database->connect());
        auto current = TRY(connection->agreement(id));
        return workflow::review_agreement(current, f.school(), ReviewDecision::Approve, "", kStart);
      }();
      start.arrive_and_wait();  // both have read the same version before either writes
      Result<workflow::Agreement> outcome =
          prepared.ok() ? connection->apply_agreement_change(prepared.value(), prepared->agreement.version)
                        : Result<workflow::Agreement>(prepared.take_error());
      std::lock_guard lock(results_mutex);
      outcomes.push_back(std::move(outcome));
    });
  }
  for (auto& thread : threads) thread.join();
  REQUIRE(outcomes.size() == 2);
  const int wins = (outcomes[0].ok() ? 1 : 0) + (outcomes[1].ok() ? 1 : 0);
  CHECK(wins == 1);
  for (const auto& outcome : outcomes)
    if (!outcome.ok()) CHECK(outcome.error().kind == ErrorKind::Conflict);
  auto stored = ok(f.db->agreement(id));
  CHECK(stored.serial == ok(core::make_serial(kSchoolCode, 2026, 1)));
}

}  // namespace
}  // namespace sanfang::test::contract

namespace sanfang::test::contract {
namespace {

TEST_CASE("the awaiting-review filter finds reviews and termination reviews waiting at a level, by each agreement's "
          "own chain",
          "[contract][agreements][search]") {
  EACH_STORE_BACKEND(f);
  for (const char* student_no : {"2022001", "2022002", "2022003", "2022004"}) f.add_verified_student(student_no);
  const auto at_college = f.accept(f.invite("2022001"));  // college, then school: waits at the college
  const auto at_school = f.approve(f.accept(f.invite("2022002")), f.college());
  f.rules.invitation_review_chain = {workflow::ReviewLevel::School};
  const auto school_only = f.accept(f.invite("2022003"));  // entered review under a school-only chain
  f.rules = {};
  auto signed_one = f.sign("2022004");
  const std::vector<workflow::Attachment> material{
      stored_image(*f.db, workflow::AttachmentPurpose::ReleaseLetter, 'r'),
      stored_image(*f.db, workflow::AttachmentPurpose::AcceptanceLetter, 'a')};
  const auto terminating = ok(f.db->apply_agreement_change(
      ok(workflow::request_termination(signed_one, f.student("2022004"), f.parties("2022004", signed_one.id),
                                       "已与新单位达成意向", material, f.rules, kStart)),
      signed_one.version));

  const auto awaiting = [&](workflow::ReviewLevel level) {
    store::AgreementQuery query;
    query.awaiting_review_at = level;
    const auto list = ids_of(ok(f.db->list_agreements(query)));
    CHECK(ok(f.db->count_agreements(query)) == static_cast<std::int64_t>(list.size()));
    return list;
  };
  CHECK(awaiting(workflow::ReviewLevel::College) == std::vector<std::int64_t>{at_college.id, terminating.id});
  CHECK(awaiting(workflow::ReviewLevel::School) == std::vector<std::int64_t>{at_school.id, school_only.id});

  // The college approves the termination: it now waits at the school.
  auto termination = ok(f.db->pending_termination(terminating.id));
  ok(f.db->apply_agreement_change(
      ok(workflow::review_termination(terminating, termination, f.college(), ReviewDecision::Approve, "", kStart)),
      terminating.version));
  CHECK(awaiting(workflow::ReviewLevel::College) == std::vector<std::int64_t>{at_college.id});
  CHECK(awaiting(workflow::ReviewLevel::School) ==
        std::vector<std::int64_t>{at_school.id, school_only.id, terminating.id});
}

TEST_CASE("students are listed with their source info's state, filtered by college, state, major, year and name, "
          "counted the same",
          "[contract][agreements][search]") {
  EACH_STORE_BACKEND(f);
  ok(f.db->put_college({"ME", "机电工程学院"}));
  f.add_verified_student("2022001");
  ok(f.db->put_student({"2022002", "李四", "11010519491231002X", "女", "ME", "车辆工程", "硕士", 2026}));
  ok(f.db->put_student({"2022003", "王%五", "11010519491231002X", "男", "CS", "软件工程", "本科", 2027}));
  // 2022003 submits: the college's queue.
  auto info = ok(f.db->source_info("2022003"));
  workflow::SourceSections sections;
  sections.basic = {{"name", "王%五"}};
  sections.contact = {{"mobile", "13800138000"}};
  sections.enrolment = {{"major", "软件工程"}};
  sections.archive = {{"unit", "学校档案馆"}};
  info = ok(f.db->apply_source_info_change(
      ok(workflow::edit_source_info(info, f.student("2022003"), sections, kStart)), info.version));
  ok(f.db->apply_source_info_change(ok(workflow::submit_source_info(info, f.student("2022003"), kStart)),
                                    info.version));

  const auto found = [&](const store::StudentQuery& query) {
    std::vector<std::string> numbers;
    for (const auto& listing : ok(f.db->list_students(query))) numbers.push_back(listing.student.student_no);
    CHECK(ok(f.db->count_students(query)) == static_cast<std::int64_t>(numbers.size()));
    return numbers;
  };
  using Numbers = std::vector<std::string>;
  CHECK(found({}) == Numbers{"2022001", "2022002", "2022003"});

  const auto all = ok(f.db->list_students({}));
  CHECK(all[0].source_state == workflow::SourceInfoState::Verified);
  CHECK(all[0].source_updated_at == kStart);
  CHECK(all[1].source_state == workflow::SourceInfoState::Draft);  // no record yet
  CHECK_FALSE(all[1].source_updated_at);
  CHECK(all[1].student.id_number == "11010519491231002X");
  CHECK(all[1].student.gender == "女");
  CHECK(all[1].student.degree == "硕士");
  CHECK(all[1].student.college_code == "ME");

  store::StudentQuery query;
  query.college_code = "CS";
  CHECK(found(query) == Numbers{"2022001", "2022003"});
  query.source_state = workflow::SourceInfoState::Submitted;
  CHECK(found(query) == Numbers{"2022003"});
  query.source_state = workflow::SourceInfoState::Draft;
  CHECK(found(query).empty());

  store::StudentQuery narrowed;
  narrowed.major = "车辆工程";
  CHECK(found(narrowed) == Numbers{"2022002"});
  narrowed = {};
  narrowed.graduation_year = 2027;
  CHECK(found(narrowed) == Numbers{"2022003"});
  narrowed = {};
  narrowed.name_fragment = "%";  // taken literally
  CHECK(found(narrowed) == Numbers{"2022003"});
  narrowed.name_fragment = "李";
  CHECK(found(narrowed) == Numbers{"2022002"});
  narrowed.name_fragment = "002";  // a part of the student number
  CHECK(found(narrowed) == Numbers{"2022002"});

  store::StudentQuery page;
  page.limit = 1;
  page.offset = 1;
  CHECK(ok(f.db->count_students(page)) == 3);  // the total ignores the page
  CHECK(ok(f.db->list_students(page))[0].student.student_no == "2022002");
  // The longest-waiting record first; students without one last.
  store::StudentQuery waiting;
  waiting.order = store::StudentOrder::LongestWaiting;
  CHECK(found(waiting).back() == "2022002");
}

}  // namespace
}  // namespace sanfang::test::contract
