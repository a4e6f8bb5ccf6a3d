// The agreement lifecycle of SPEC.md at the domain level: every transition and every refusal,
// with no database. Each step feeds the previous step's agreement into the next rule, the way the
// service does after the store has saved it.
#include <catch2/catch.hpp>

#include "workflow/agreement_rules.h"

using namespace sanfang;
using namespace sanfang::workflow;
using namespace std::chrono_literals;

namespace {

const Timestamp kStart = from_unix_seconds(1'780'000'000);  // 2026-05-28

Parties verified_parties() {
  Parties p;
  p.student = {"2022001", "张三", "11010519491231002X", "男", "CS", "软件工程", "本科", 2026};
  p.source_info.student_no = "2022001";
  p.source_info.college_code = "CS";
  p.source_info.state = SourceInfoState::Verified;
  p.source_info.sections.basic = {{"name", "张三"}, {"nation", "01"}};
  p.source_info.sections.contact = {{"mobile", "13800138000"}};
  p.source_info.sections.enrolment = {{"major", "软件工程"}};
  p.source_info.sections.archive = {{"unit", "兰州市人才交流中心"}};
  p.employer.id = 7;
  p.employer.name = "兰州某某科技有限公司";
  p.employer.uscc = "91350100M000100Y43";
  p.employer.vetted = true;
  return p;
}

Actor the_student() { return Actor{Role::Student, 101, "2022001", 0, ""}; }
Actor another_student() { return Actor{Role::Student, 102, "2022002", 0, ""}; }
Actor the_employer() { return Actor{Role::Employer, 201, "", 7, ""}; }
Actor another_employer() { return Actor{Role::Employer, 202, "", 8, ""}; }
Actor college_reviewer() { return Actor{Role::College, 301, "", 0, "CS"}; }
Actor other_college_reviewer() { return Actor{Role::College, 302, "", 0, "EE"}; }
Actor school_reviewer() { return Actor{Role::School, 401, "", 0, ""}; }

// Stands in for the store: gives the agreement an id the first time and bumps the version.
Agreement saved(AgreementChange change) {
  if (change.agreement.id == 0) change.agreement.id = 42;
  ++change.agreement.version;
  return change.agreement;
}

template <typename T>
T ok(Result<T> result) {
  INFO((result.ok() ? std::string() : result.error().describe()));
  REQUIRE(result.ok());
  return std::move(result).value();
}

template <typename T>
Error refused(Result<T> result) {
  REQUIRE_FALSE(result.ok());
  return result.error();
}

Agreement sent_invitation(const Parties& parties, Timestamp at) {
  auto draft = saved(ok(create_invitation(the_employer(), parties, {{"job", "开发工程师"}}, at)));
  return saved(ok(send_invitation(draft, the_employer(), parties, at)));
}

Agreement signed_agreement(const Parties& parties, const WorkflowOptions& options) {
  auto invited = sent_invitation(parties, kStart);
  auto in_review = saved(ok(accept_invitation(invited, the_student(), parties, options, kStart)));
  auto college_ok = saved(ok(review_agreement(in_review, college_reviewer(), ReviewDecision::Approve, "", kStart)));
  return saved(ok(review_agreement(college_ok, school_reviewer(), ReviewDecision::Approve, "", kStart)));
}

std::vector<Attachment> termination_material() {
  return {Attachment{std::string(64, 'a'), MediaType::Jpeg, 1000, AttachmentPurpose::ReleaseLetter},
          Attachment{std::string(64, 'b'), MediaType::Png, 2000, AttachmentPurpose::AcceptanceLetter}};
}

}  // namespace

TEST_CASE("an invitation is returned with a reason, resent, accepted and signed after college then school",
          "[workflow][lifecycle]") {
  const Parties parties = verified_parties();
  const WorkflowOptions options;

  auto draft_change = ok(create_invitation(the_employer(), parties, {{"job", "开发工程师"}}, kStart));
  CHECK(draft_change.agreement.state == AgreementState::Draft);
  CHECK(draft_change.agreement.origin == AgreementOrigin::Invitation);
  REQUIRE(draft_change.events.size() == 1);
  CHECK(draft_change.events[0].to_state == "draft");
  auto draft = saved(draft_change);

  auto invited = saved(ok(send_invitation(draft, the_employer(), parties, kStart)));
  CHECK(invited.state == AgreementState::Invited);
  CHECK(invited.sent_at == kStart);

  auto returned_change = ok(return_invitation(invited, the_student(), "薪酬填写有误", options, kStart + 1h));
  CHECK(returned_change.agreement.state == AgreementState::Returned);
  CHECK(returned_change.agreement.last_reason == "薪酬填写有误");
  CHECK(returned_change.events[0].reason == "薪酬填写有误");
  CHECK(returned_change.events[0].actor_role == Role::Student);
  auto returned = saved(returned_change);

  auto edited = saved(ok(edit_content(returned, the_employer(), {{"job", "开发工程师"}, {"salary", "12000"}}, {}, kStart + 2h)));
  auto resent = saved(ok(send_invitation(edited, the_employer(), parties, kStart + 3h)));
  CHECK(resent.state == AgreementState::Invited);
  CHECK(resent.sent_at == kStart + 3h);

  auto accept_change = ok(accept_invitation(resent, the_student(), parties, options, kStart + 4h));
  REQUIRE(accept_change.events.size() == 2);
  CHECK(accept_change.events[0].from_state == "invited");
  CHECK(accept_change.events[0].to_state == "accepted");
  CHECK(accept_change.events[1].to_state == "in_review");
  auto in_review = saved(accept_change);
  CHECK(in_review.state == AgreementState::InReview);
  CHECK(in_review.review_chain == ReviewChain{ReviewLevel::College, ReviewLevel::School});

  auto college_ok = saved(ok(review_agreement(in_review, college_reviewer(), ReviewDecision::Approve, "", kStart + 5h)));
  CHECK(college_ok.state == AgreementState::InReview);
  CHECK(college_ok.review_step == 1);

  auto sign_change = ok(review_agreement(college_ok, school_reviewer(), ReviewDecision::Approve, "同意", kStart + 6h));
  CHECK(sign_change.agreement.state == AgreementState::Signed);
  CHECK(sign_change.agreement.signed_at == kStart + 6h);
  CHECK_FALSE(sign_change.agreement.serial.has_value());  // the store assigns it while committing
  CHECK(sign_change.events[0].to_state == "signed");
  CHECK(sign_change.events[0].actor_role == Role::School);
}

TEST_CASE("accepting takes a snapshot of the verified source info and the employer", "[workflow][snapshot]") {
  Parties parties = verified_parties();
  auto in_review = saved(ok(accept_invitation(sent_invitation(parties, kStart), the_student(), parties, {}, kStart)));
  CHECK(in_review.snapshot["student"]["name"] == "张三");
  CHECK(in_review.snapshot["student"]["source_info"]["contact"]["mobile"] == "13800138000");
  CHECK(in_review.snapshot["employer"]["uscc"] == "91350100M000100Y43");

  // Later edits of the source info or the employer do not reach the agreement: the rules read the
  // snapshot, and approval does not retake it.
  parties.source_info.sections.contact["mobile"] = "13900139000";
  parties.employer.name = "改名后的公司";
  auto college_ok = saved(ok(review_agreement(in_review, college_reviewer(), ReviewDecision::Approve, "", kStart)));
  auto signed_one = saved(ok(review_agreement(college_ok, school_reviewer(), ReviewDecision::Approve, "", kStart)));
  CHECK(signed_one.snapshot == in_review.snapshot);
}

TEST_CASE("returning an invitation needs a reason that is not blank", "[workflow][refusal]") {
  auto invited = sent_invitation(verified_parties(), kStart);
  for (std::string_view blank : {"", "   ", "\u3000\u3000"}) {
    auto error = refused(return_invitation(invited, the_student(), blank, {}, kStart));
    CHECK(error.kind == ErrorKind::InvalidInput);
    CHECK(error.field == "reason");
  }
}

TEST_CASE("a student-initiated signing needs proof, then goes through review to signed", "[workflow][lifecycle]") {
  const Parties parties = verified_parties();
  auto draft = saved(ok(create_student_initiated(the_student(), parties, {{"job", "教师"}}, kStart)));
  CHECK(draft.origin == AgreementOrigin::StudentInitiated);

  auto no_proof = refused(submit_for_review(draft, the_student(), parties, {}, kStart));
  CHECK(no_proof.kind == ErrorKind::InvalidInput);
  CHECK(no_proof.field == "attachments");

  Attachment proof{std::string(64, 'c'), MediaType::Pdf, 5000, AttachmentPurpose::Proof};
  auto with_proof = saved(ok(add_attachment(draft, the_student(), proof, kStart)));
  CHECK(with_proof.attachments.size() == 1);

  auto in_review = saved(ok(submit_for_review(with_proof, the_student(), parties, {}, kStart)));
  CHECK(in_review.state == AgreementState::InReview);
  CHECK(in_review.snapshot["student"]["student_no"] == "2022001");

  auto college_ok = saved(ok(review_agreement(in_review, college_reviewer(), ReviewDecision::Approve, "", kStart)));
  auto signed_one = saved(ok(review_agreement(college_ok, school_reviewer(), ReviewDecision::Approve, "", kStart)));
  CHECK(signed_one.state == AgreementState::Signed);
}

TEST_CASE("a rejected review needs a reason and lets the originator edit and resubmit", "[workflow][lifecycle]") {
  const Parties parties = verified_parties();
  auto draft = saved(ok(create_student_initiated(the_student(), parties, {}, kStart)));
  draft = saved(ok(add_attachment(draft, the_student(),
                                  {std::string(64, 'c'), MediaType::Pdf, 5000, AttachmentPurpose::Proof}, kStart)));
  auto in_review = saved(ok(submit_for_review(draft, the_student(), parties, {}, kStart)));

  CHECK(refused(review_agreement(in_review, college_reviewer(), ReviewDecision::Reject, " ", kStart)).field == "reason");
  auto rejected = saved(ok(review_agreement(in_review, college_reviewer(), ReviewDecision::Reject, "接收函不清晰", kStart)));
  CHECK(rejected.state == AgreementState::Rejected);
  CHECK(rejected.last_reason == "接收函不清晰");
  CHECK(rejected.snapshot.is_null());

  auto edited = saved(ok(edit_content(rejected, the_student(), {{"job", "教师"}}, {}, kStart)));
  auto again = saved(ok(submit_for_review(edited, the_student(), parties, {}, kStart)));
  CHECK(again.state == AgreementState::InReview);
  CHECK(again.review_step == 0);
}

TEST_CASE("source info that is not verified cannot accept or initiate", "[workflow][refusal]") {
  const Parties verified = verified_parties();
  auto invited = sent_invitation(verified, kStart);
  for (auto state : {SourceInfoState::Draft, SourceInfoState::Submitted, SourceInfoState::Rejected}) {
    Parties parties = verified;
    parties.source_info.state = state;
    auto accept = refused(accept_invitation(invited, the_student(), parties, {}, kStart));
    CHECK(accept.kind == ErrorKind::Conflict);
    CHECK(accept.field == "source_info");
    CHECK(accept.message.find("生源信息尚未核验通过") != std::string::npos);
    CHECK(refused(create_student_initiated(the_student(), parties, {}, kStart)).field == "source_info");
  }
}

TEST_CASE("a student with a live agreement cannot accept or initiate another", "[workflow][refusal]") {
  Parties parties = verified_parties();
  auto invited = sent_invitation(parties, kStart);
  parties.student_has_other_live_agreement = true;
  auto error = refused(accept_invitation(invited, the_student(), parties, {}, kStart));
  CHECK(error.kind == ErrorKind::Conflict);
  CHECK(error.message == "该学生已有有效协议");
  CHECK(refused(create_student_initiated(the_student(), parties, {}, kStart)).message == "该学生已有有效协议");
}

TEST_CASE("an unvetted employer cannot create or send an invitation", "[workflow][refusal]") {
  Parties parties = verified_parties();
  auto draft = saved(ok(create_invitation(the_employer(), parties, {}, kStart)));
  parties.employer.vetted = false;
  CHECK(refused(create_invitation(the_employer(), parties, {}, kStart)).kind == ErrorKind::Forbidden);
  CHECK(refused(send_invitation(draft, the_employer(), parties, kStart)).kind == ErrorKind::Forbidden);
}

TEST_CASE("an employer cannot send a second invitation while one to the same student is open", "[workflow][refusal]") {
  Parties parties = verified_parties();
  auto draft = saved(ok(create_invitation(the_employer(), parties, {}, kStart)));
  parties.employer_has_other_open_invitation = true;
  auto error = refused(send_invitation(draft, the_employer(), parties, kStart));
  CHECK(error.kind == ErrorKind::Conflict);
  CHECK(error.field == "student_no");
}

TEST_CASE("an invitation expires 14 days after it was last sent", "[workflow][expiry]") {
  ManualClock clock(kStart);
  const WorkflowOptions options;
  const Parties parties = verified_parties();
  auto invited = sent_invitation(parties, clock.now());
  CHECK(invitation_expires_at(invited, options) == kStart + std::chrono::days{14});

  clock.advance(std::chrono::days{14} - 1s);
  std::vector<Agreement> all{invited};
  CHECK(expired_invitations(all, options, clock.now()).empty());
  CHECK(refused(expire_invitation(invited, options, clock.now())).kind == ErrorKind::Conflict);
  CHECK(ok(accept_invitation(invited, the_student(), parties, options, clock.now())).agreement.state ==
        AgreementState::InReview);

  clock.advance(1s);
  CHECK(expired_invitations(all, options, clock.now()) == std::vector<std::int64_t>{invited.id});
  // On time even before the sweeper ran: the student can no longer answer.
  auto late = refused(accept_invitation(invited, the_student(), parties, options, clock.now()));
  CHECK(late.kind == ErrorKind::Conflict);
  CHECK(late.message.find("邀约已过期") != std::string::npos);
  CHECK(refused(return_invitation(invited, the_student(), "不去了", options, clock.now())).kind == ErrorKind::Conflict);

  auto expire_change = ok(expire_invitation(invited, options, clock.now()));
  CHECK(expire_change.agreement.state == AgreementState::Expired);
  CHECK(expire_change.events[0].actor_role == Role::System);
  auto expired = saved(expire_change);
  CHECK(refused(send_invitation(expired, the_employer(), parties, clock.now())).kind == ErrorKind::Conflict);
}

TEST_CASE("resending restarts the 14 days", "[workflow][expiry]") {
  const WorkflowOptions options;
  const Parties parties = verified_parties();
  auto invited = sent_invitation(parties, kStart);
  auto returned = saved(ok(return_invitation(invited, the_student(), "岗位不对", options, kStart + std::chrono::days{10})));
  auto resent = saved(ok(send_invitation(returned, the_employer(), parties, kStart + std::chrono::days{12})));
  std::vector<Agreement> all{resent};
  CHECK(expired_invitations(all, options, kStart + std::chrono::days{20}).empty());
  CHECK(expired_invitations(all, options, kStart + std::chrono::days{26}).size() == 1);
}

TEST_CASE("only the student acts for themselves: staff and other students are refused", "[workflow][actor]") {
  const Parties parties = verified_parties();
  auto invited = sent_invitation(parties, kStart);
  for (const Actor& staff : {college_reviewer(), school_reviewer(), the_employer()}) {
    auto error = refused(accept_invitation(invited, staff, parties, {}, kStart));
    CHECK(error.kind == ErrorKind::Forbidden);
    CHECK(refused(return_invitation(invited, staff, "理由", {}, kStart)).kind == ErrorKind::Forbidden);
  }
  // Another student's agreement is out of scope: not found, so existence does not leak.
  CHECK(refused(accept_invitation(invited, another_student(), parties, {}, kStart)).kind == ErrorKind::NotFound);

  auto signed_one = signed_agreement(parties, {});
  CHECK(refused(request_termination(signed_one, school_reviewer(), parties, "说明", termination_material(), {}, kStart))
            .kind == ErrorKind::Forbidden);
}

TEST_CASE("only the originating employer edits, sends or withdraws its invitation", "[workflow][actor]") {
  const Parties parties = verified_parties();
  auto draft = saved(ok(create_invitation(the_employer(), parties, {}, kStart)));
  CHECK(refused(send_invitation(draft, another_employer(), parties, kStart)).kind == ErrorKind::NotFound);
  CHECK(refused(send_invitation(draft, the_student(), parties, kStart)).kind == ErrorKind::Forbidden);
  CHECK(refused(edit_content(draft, school_reviewer(), {}, {}, kStart)).kind == ErrorKind::Forbidden);
  CHECK(refused(create_invitation(the_student(), parties, {}, kStart)).kind == ErrorKind::Forbidden);
  CHECK(refused(create_invitation(another_employer(), parties, {}, kStart)).kind == ErrorKind::NotFound);
}

TEST_CASE("reviews go in the order of the chain, each by the reviewer in scope", "[workflow][actor]") {
  const Parties parties = verified_parties();
  auto in_review = saved(ok(accept_invitation(sent_invitation(parties, kStart), the_student(), parties, {}, kStart)));
  CHECK(refused(review_agreement(in_review, school_reviewer(), ReviewDecision::Approve, "", kStart)).kind ==
        ErrorKind::Forbidden);
  CHECK(refused(review_agreement(in_review, other_college_reviewer(), ReviewDecision::Approve, "", kStart)).kind ==
        ErrorKind::NotFound);
  CHECK(refused(review_agreement(in_review, the_student(), ReviewDecision::Approve, "", kStart)).kind ==
        ErrorKind::Forbidden);
  auto college_ok = saved(ok(review_agreement(in_review, college_reviewer(), ReviewDecision::Approve, "", kStart)));
  CHECK(refused(review_agreement(college_ok, college_reviewer(), ReviewDecision::Approve, "", kStart)).kind ==
        ErrorKind::Forbidden);
}

TEST_CASE("the review chain is configuration", "[workflow][config]") {
  WorkflowOptions school_only;
  school_only.invitation_review_chain = {ReviewLevel::School};
  const Parties parties = verified_parties();
  auto in_review = saved(ok(accept_invitation(sent_invitation(parties, kStart), the_student(), parties, school_only, kStart)));
  auto signed_one = ok(review_agreement(in_review, school_reviewer(), ReviewDecision::Approve, "", kStart));
  CHECK(signed_one.agreement.state == AgreementState::Signed);
}

TEST_CASE("a review chain names each level once, the college before the school", "[workflow][config]") {
  using Chain = ReviewChain;
  for (const Chain& good : {Chain{ReviewLevel::College, ReviewLevel::School}, Chain{ReviewLevel::School},
                            Chain{ReviewLevel::College}})
    CHECK(check_review_chain(good, "review_chain.invitation").ok());
  for (const Chain& bad : {Chain{}, Chain{ReviewLevel::School, ReviewLevel::College},
                           Chain{ReviewLevel::School, ReviewLevel::School}}) {
    const auto refused = check_review_chain(bad, "review_chain.invitation");
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().kind == ErrorKind::InvalidInput);
    CHECK(refused.error().field == "review_chain.invitation");
  }
}

TEST_CASE("a wrong state is a conflict that names the current state by its Chinese label", "[workflow][refusal]") {
  const Parties parties = verified_parties();
  auto signed_one = signed_agreement(parties, {});
  auto error = refused(accept_invitation(signed_one, the_student(), parties, {}, kStart));
  CHECK(error.kind == ErrorKind::Conflict);
  CHECK(error.field == "state");
  CHECK(error.message.find("已签约") != std::string::npos);
  CHECK(error.message.find("signed") == std::string::npos);

  auto draft = saved(ok(create_invitation(the_employer(), parties, {}, kStart)));
  CHECK(refused(accept_invitation(draft, the_student(), parties, {}, kStart)).message.find("草稿") != std::string::npos);
  CHECK(refused(review_agreement(draft, college_reviewer(), ReviewDecision::Approve, "", kStart)).kind == ErrorKind::Conflict);
}

TEST_CASE("a signed agreement never changes", "[workflow][refusal]") {
  const Parties parties = verified_parties();
  auto signed_one = signed_agreement(parties, {});
  CHECK(refused(edit_content(signed_one, the_employer(), {{"salary", "1"}}, {}, kStart)).kind == ErrorKind::Conflict);
  CHECK(refused(add_attachment(signed_one, the_employer(),
                               {std::string(64, 'd'), MediaType::Pdf, 1, AttachmentPurpose::Other}, kStart))
            .kind == ErrorKind::Conflict);
  CHECK(refused(withdraw(signed_one, the_employer(), kStart)).kind == ErrorKind::Conflict);
  CHECK(refused(send_invitation(signed_one, the_employer(), parties, kStart)).kind == ErrorKind::Conflict);
}

TEST_CASE("the employer withdraws a draft, invited or returned invitation, and nothing after that",
          "[workflow][lifecycle]") {
  const Parties parties = verified_parties();
  auto invited = sent_invitation(parties, kStart);
  auto withdrawn = saved(ok(withdraw(invited, the_employer(), kStart)));
  CHECK(withdrawn.state == AgreementState::Withdrawn);
  CHECK(refused(accept_invitation(withdrawn, the_student(), parties, {}, kStart)).kind == ErrorKind::Conflict);
  CHECK(refused(withdraw(withdrawn, the_employer(), kStart)).kind == ErrorKind::Conflict);
  CHECK(refused(withdraw(invited, the_student(), kStart)).kind == ErrorKind::Forbidden);
}

TEST_CASE("termination needs an explanation and both letters as images", "[workflow][termination]") {
  const Parties parties = verified_parties();
  auto signed_one = signed_agreement(parties, {});

  CHECK(refused(request_termination(signed_one, the_student(), parties, "  ", termination_material(), {}, kStart))
            .field == "explanation");
  auto only_release = termination_material();
  only_release.pop_back();
  CHECK(refused(request_termination(signed_one, the_student(), parties, "去新单位", only_release, {}, kStart)).field ==
        "attachments");
  auto pdf_letters = termination_material();
  for (auto& letter : pdf_letters) letter.media_type = MediaType::Pdf;
  CHECK(refused(request_termination(signed_one, the_student(), parties, "去新单位", pdf_letters, {}, kStart)).kind ==
        ErrorKind::InvalidInput);
}

TEST_CASE("termination is approved by college then school, after which the student may sign again once more",
          "[workflow][termination]") {
  Parties parties = verified_parties();
  auto signed_one = signed_agreement(parties, {});
  auto request = ok(request_termination(signed_one, the_student(), parties, "已与新单位达成意向", termination_material(), {}, kStart));
  REQUIRE(request.termination.has_value());
  CHECK(request.agreement.state == AgreementState::TerminationRequested);
  CHECK(request.termination->state == TerminationState::Pending);
  auto requested = saved(request);
  TerminationRequest termination = *request.termination;

  CHECK(refused(review_termination(requested, termination, school_reviewer(), ReviewDecision::Approve, "", kStart))
            .kind == ErrorKind::Forbidden);
  auto college_ok = ok(review_termination(requested, termination, college_reviewer(), ReviewDecision::Approve, "", kStart));
  CHECK(college_ok.agreement.state == AgreementState::TerminationRequested);
  auto after_college = saved(college_ok);
  auto school_ok = ok(review_termination(after_college, *college_ok.termination, school_reviewer(),
                                         ReviewDecision::Approve, "", kStart));
  CHECK(school_ok.agreement.state == AgreementState::Terminated);
  CHECK(school_ok.termination->state == TerminationState::Approved);
  CHECK(school_ok.agreement.serial == signed_one.serial);
  CHECK(school_ok.agreement.content == signed_one.content);

  // The terminated agreement is no longer live, so a new one can be signed ...
  parties.student_has_used_termination = true;
  auto second = signed_agreement(parties, {});
  CHECK(second.state == AgreementState::Signed);
  // ... but the one chance to terminate is used up.
  auto error = refused(request_termination(second, the_student(), parties, "又想换", termination_material(), {}, kStart));
  CHECK(error.kind == ErrorKind::Conflict);
  CHECK(error.message.find("仅有一次解约机会") != std::string::npos);
}

TEST_CASE("a termination rejected at either level returns the agreement to signed", "[workflow][termination]") {
  const Parties parties = verified_parties();
  auto signed_one = signed_agreement(parties, {});
  auto request = ok(request_termination(signed_one, the_student(), parties, "说明", termination_material(), {}, kStart));
  auto requested = saved(request);

  CHECK(refused(review_termination(requested, *request.termination, college_reviewer(), ReviewDecision::Reject, "", kStart))
            .field == "reason");
  auto at_college = ok(review_termination(requested, *request.termination, college_reviewer(), ReviewDecision::Reject,
                                          "材料不全", kStart));
  CHECK(at_college.agreement.state == AgreementState::Signed);
  CHECK(at_college.termination->state == TerminationState::Rejected);

  auto college_ok = ok(review_termination(requested, *request.termination, college_reviewer(), ReviewDecision::Approve, "", kStart));
  auto at_school = ok(review_termination(saved(college_ok), *college_ok.termination, school_reviewer(),
                                         ReviewDecision::Reject, "不同意", kStart));
  CHECK(at_school.agreement.state == AgreementState::Signed);
  CHECK(at_school.termination->reject_reason == "不同意");
}
