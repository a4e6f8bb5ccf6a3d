#include "contract/contract_fixture.h"

#include "workflow/source_info_rules.h"

namespace sanfang::test::contract {

ContractFixture::ContractFixture(const std::string& backend_name)
    : backend(backend_name), database(ok(backend_named(backend_name).create_database())), db(connect()) {
  ok(db->put_college({"CS", "计算机与通信学院"}));
  workflow::Employer unit;
  unit.name = "兰州某某科技有限公司";
  unit.uscc = "91350100M000100Y43";
  unit.vetted = true;
  employer_id = ok(db->insert_employer(unit)).id;
}

std::unique_ptr<store::Store> ContractFixture::connect() const { return ok(database->connect()); }

void ContractFixture::add_verified_student(const std::string& student_no, const std::string& college_code,
                                           const std::string& major) {
  ok(db->put_student({student_no, "张三", "11010519491231002X", "男", college_code, major, "本科", 2026}));
  workflow::SourceSections sections;
  sections.basic = {{"name", "张三"}};
  sections.contact = {{"mobile", "13800138000"}};
  sections.enrolment = {{"major", "软件工程"}};
  sections.archive = {{"unit", "学校档案馆"}};
  auto info = ok(db->source_info(student_no));
  info = ok(db->apply_source_info_change(
      ok(workflow::edit_source_info(info, student(student_no), sections, kStart)), info.version));
  info = ok(db->apply_source_info_change(ok(workflow::submit_source_info(info, student(student_no), kStart)),
                                         info.version));
  info = ok(db->apply_source_info_change(
      ok(workflow::review_source_info(info, college(college_code), workflow::ReviewDecision::Approve, "", kStart)),
      info.version));
  REQUIRE(info.state == workflow::SourceInfoState::Verified);
}

workflow::Parties ContractFixture::parties(const std::string& student_no, std::int64_t agreement_id) {
  return ok(db->parties_for(student_no, employer_id, agreement_id));
}

workflow::Agreement ContractFixture::apply(const Result<workflow::AgreementChange>& change,
                                           const workflow::Agreement& before) {
  INFO((change.ok() ? std::string() : change.error().describe()));
  REQUIRE(change.ok());
  return ok(db->apply_agreement_change(change.value(), before.version));
}

workflow::Agreement ContractFixture::invite(const std::string& student_no) {
  auto p = parties(student_no);
  auto draft = ok(db->insert_agreement(
      ok(workflow::create_invitation(employer(), p, {{"job", "开发工程师"}}, kStart))));
  return apply(workflow::send_invitation(draft, employer(), parties(student_no, draft.id), kStart), draft);
}

workflow::Agreement ContractFixture::accept(const workflow::Agreement& invited) {
  return apply(workflow::accept_invitation(invited, student(invited.student_no),
                                           parties(invited.student_no, invited.id), rules, kStart),
               invited);
}

workflow::Agreement ContractFixture::approve(const workflow::Agreement& in_review,
                                             const workflow::Actor& reviewer) {
  return apply(workflow::review_agreement(in_review, reviewer, workflow::ReviewDecision::Approve, "", kStart),
               in_review);
}

workflow::Agreement ContractFixture::sign(const std::string& student_no) {
  const workflow::Agreement in_review = accept(invite(student_no));
  return approve(approve(in_review, college(in_review.college_code)), school());
}

std::int64_t ContractFixture::awaiting_school(const std::string& student_no, int graduation_year) {
  ok(db->put_student({student_no, "王五", "34052419800101001X", "男", "CS", "软件工程", "本科", graduation_year}));
  workflow::Agreement agreement;
  agreement.origin = workflow::AgreementOrigin::Invitation;
  agreement.state = workflow::AgreementState::InReview;
  agreement.student_no = student_no;
  agreement.employer_id = employer_id;
  agreement.college_code = "CS";
  agreement.graduation_year = graduation_year;
  agreement.snapshot = {{"student", {{"student_no", student_no}}}};
  agreement.review_chain = {workflow::ReviewLevel::College, workflow::ReviewLevel::School};
  agreement.review_step = 1;
  agreement.created_at = agreement.updated_at = kStart;
  return ok(db->insert_agreement({agreement, std::nullopt, {}})).id;
}

}  // namespace sanfang::test::contract
