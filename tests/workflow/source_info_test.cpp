// 生源核查 and employer vetting at the domain level (SPEC "Source-info verification").
#include <catch2/catch.hpp>

#include "workflow/employer_rules.h"
#include "workflow/source_info_rules.h"

using namespace sanfang;
using namespace sanfang::workflow;

namespace {

const Timestamp kNow = from_unix_seconds(1'780'000'000);

Actor the_student() { return Actor{Role::Student, 101, "2022001", 0, ""}; }
Actor college_reviewer() { return Actor{Role::College, 301, "", 0, "CS"}; }
Actor other_college_reviewer() { return Actor{Role::College, 302, "", 0, "EE"}; }
Actor school_reviewer() { return Actor{Role::School, 401, "", 0, ""}; }

SourceInfo empty_record() {
  SourceInfo info;
  info.student_no = "2022001";
  info.college_code = "CS";
  return info;
}

SourceSections complete_sections() {
  SourceSections s;
  s.basic = {{"name", "张三"}};
  s.contact = {{"mobile", "13800138000"}};
  s.enrolment = {{"major", "软件工程"}};
  s.archive = {{"unit", "学校档案馆"}};
  return s;
}

template <typename T>
T ok(Result<T> result) {
  INFO((result.ok() ? std::string() : result.error().describe()));
  REQUIRE(result.ok());
  return std::move(result).value();
}

SourceInfo submitted_record() {
  auto edited = ok(edit_source_info(empty_record(), the_student(), complete_sections(), kNow)).source_info;
  return ok(submit_source_info(edited, the_student(), kNow)).source_info;
}

}  // namespace

TEST_CASE("source info goes draft, submitted, verified by the student's college", "[workflow][source_info]") {
  auto submitted = submitted_record();
  CHECK(submitted.state == SourceInfoState::Submitted);
  auto change = ok(review_source_info(submitted, college_reviewer(), ReviewDecision::Approve, "", kNow));
  CHECK(change.source_info.state == SourceInfoState::Verified);
  REQUIRE(change.events.size() == 1);
  CHECK(change.events[0].from_state == "submitted");
  CHECK(change.events[0].to_state == "verified");
}

TEST_CASE("a rejection needs a reason and the record can be edited and submitted again", "[workflow][source_info]") {
  auto submitted = submitted_record();
  CHECK(review_source_info(submitted, college_reviewer(), ReviewDecision::Reject, "", kNow).error().field == "reason");
  auto rejected = ok(review_source_info(submitted, college_reviewer(), ReviewDecision::Reject, "档案信息有误", kNow)).source_info;
  CHECK(rejected.state == SourceInfoState::Rejected);
  CHECK(rejected.reject_reason == "档案信息有误");
  auto resubmitted = ok(submit_source_info(rejected, the_student(), kNow)).source_info;
  CHECK(resubmitted.state == SourceInfoState::Submitted);
  CHECK(resubmitted.reject_reason.empty());
}

TEST_CASE("editing a verified record withdraws the verification until it is reviewed again", "[workflow][source_info]") {
  auto verified = ok(review_source_info(submitted_record(), college_reviewer(), ReviewDecision::Approve, "", kNow)).source_info;
  auto sections = complete_sections();
  sections.contact["mobile"] = "13900139000";
  auto edited = ok(edit_source_info(verified, the_student(), sections, kNow)).source_info;
  CHECK(edited.state == SourceInfoState::Draft);
}

TEST_CASE("a record under review cannot be edited", "[workflow][source_info]") {
  auto result = edit_source_info(submitted_record(), the_student(), complete_sections(), kNow);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == ErrorKind::Conflict);
  CHECK(result.error().message.find("待审核") != std::string::npos);
}

TEST_CASE("every section must be filled in before submitting", "[workflow][source_info]") {
  auto sections = complete_sections();
  sections.archive = nlohmann::json::object();
  auto edited = ok(edit_source_info(empty_record(), the_student(), sections, kNow)).source_info;
  auto result = submit_source_info(edited, the_student(), kNow);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().field == "sections.archive");
}

TEST_CASE("only the student edits and only their college reviews source info", "[workflow][source_info]") {
  CHECK(edit_source_info(empty_record(), college_reviewer(), complete_sections(), kNow).error().kind ==
        ErrorKind::Forbidden);
  Actor someone_else{Role::Student, 999, "2022999", 0, ""};
  CHECK(edit_source_info(empty_record(), someone_else, complete_sections(), kNow).error().kind == ErrorKind::NotFound);
  auto submitted = submitted_record();
  CHECK(review_source_info(submitted, other_college_reviewer(), ReviewDecision::Approve, "", kNow).error().kind ==
        ErrorKind::NotFound);
  CHECK(review_source_info(submitted, school_reviewer(), ReviewDecision::Approve, "", kNow).error().kind ==
        ErrorKind::Forbidden);
  CHECK(review_source_info(submitted, the_student(), ReviewDecision::Approve, "", kNow).error().kind ==
        ErrorKind::Forbidden);
}

TEST_CASE("only the school vets an employer, once", "[workflow][employer]") {
  Employer employer;
  employer.id = 7;
  CHECK(vet_employer(employer, college_reviewer(), kNow).error().kind == ErrorKind::Forbidden);
  auto vetted = ok(vet_employer(employer, school_reviewer(), kNow)).employer;
  CHECK(vetted.vetted);
  CHECK(vet_employer(vetted, school_reviewer(), kNow).error().kind == ErrorKind::Conflict);
}

TEST_CASE("a unit's own change of its nature un-vets it, a new phone number or the school's edit does not",
          "[workflow][employer]") {
  Employer vetted;
  vetted.id = 7;
  vetted.name = "福州示范软件有限公司";
  vetted.uscc = "91350100M000100Y43";
  vetted.profile = {{"nature", "390"}, {"phone", "0591-87000000"}};
  vetted.vetted = true;
  const Actor own_hr{Role::Employer, 40, "", 7, ""};
  const Actor other_hr{Role::Employer, 41, "", 8, ""};

  Employer phone = vetted;
  phone.profile["phone"] = "0591-87654321";
  CHECK(ok(edit_employer(vetted, own_hr, phone, kNow)).employer.vetted);
  Employer nature = vetted;
  nature.profile["nature"] = "310";
  const auto by_unit = ok(edit_employer(vetted, own_hr, nature, kNow));
  CHECK_FALSE(by_unit.employer.vetted);
  CHECK(by_unit.events.at(0).to_state == "unvetted");
  CHECK(ok(edit_employer(vetted, school_reviewer(), nature, kNow)).employer.vetted);
  CHECK(edit_employer(vetted, other_hr, phone, kNow).error().kind == ErrorKind::Forbidden);
  CHECK(edit_employer(vetted, own_hr, vetted, kNow).error().kind == ErrorKind::Conflict);

  CHECK(unvet_employer(vetted, school_reviewer(), "", kNow).error().field == "reason");
  CHECK_FALSE(ok(unvet_employer(vetted, school_reviewer(), "经营异常", kNow)).employer.vetted);
  CHECK(unvet_employer(vetted, own_hr, "经营异常", kNow).error().kind == ErrorKind::Forbidden);
}
