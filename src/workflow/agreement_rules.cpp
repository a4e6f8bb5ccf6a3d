#include "workflow/agreement_rules.h"

#include <algorithm>
#include <initializer_list>
#include <utility>

#include "core/field_rules.h"
#include "workflow/rule_support.h"
#include "workflow/uniqueness_rules.h"

namespace sanfang::workflow {
namespace {

using detail::agreement_in_wrong_state;

constexpr const char* kEntity = "agreement";

std::string id_text(const Agreement& agreement) {
  return agreement.id == 0 ? std::string{} : std::to_string(agreement.id);
}

bool state_in(AgreementState state, std::initializer_list<AgreementState> allowed) {
  return std::find(allowed.begin(), allowed.end(), state) != allowed.end();
}

// SPEC: only the student can accept, return or request termination for themselves; no staff role
// can act "as" a student. Another student's agreement is out of scope (404, not 403).
Status require_the_student(const Agreement& agreement, const Actor& actor,
                           std::string_view action_label) {
  if (actor.role != Role::Student)
    return Error::make(ErrorKind::Forbidden,
                       "只有毕业生本人可以" + std::string(action_label) + "，任何人不得代替毕业生操作");
  if (actor.student_no != agreement.student_no)
    return Error::make(ErrorKind::NotFound, "协议不存在");
  return {};
}

// The party that created the agreement: the employer for an invitation, the student otherwise.
Status require_originator(const Agreement& agreement, const Actor& actor,
                          std::string_view action_label) {
  if (agreement.origin == AgreementOrigin::Invitation) {
    if (actor.role != Role::Employer)
      return Error::make(ErrorKind::Forbidden,
                         "只有发出邀约的用人单位可以" + std::string(action_label));
    if (actor.employer_id != agreement.employer_id)
      return Error::make(ErrorKind::NotFound, "协议不存在");
    return {};
  }
  if (actor.role != Role::Student)
    return Error::make(ErrorKind::Forbidden, "只有发起签约的毕业生本人可以" + std::string(action_label));
  if (actor.student_no != agreement.student_no)
    return Error::make(ErrorKind::NotFound, "协议不存在");
  return {};
}

// The reviewer whose turn it is at `level`: a college reviewer of the student's own college, or a
// school reviewer (who sees everything).
Status require_reviewer_at(ReviewLevel level, const std::string& college_code, const Actor& actor) {
  if (actor.role != Role::College && actor.role != Role::School)
    return Error::make(ErrorKind::Forbidden, "只有审核人员可以审核");
  if (actor.role == Role::College && actor.college_code != college_code)
    return Error::make(ErrorKind::NotFound, "协议不存在");
  const bool is_turn = (level == ReviewLevel::College && actor.role == Role::College) ||
                       (level == ReviewLevel::School && actor.role == Role::School);
  if (!is_turn)
    return Error::make(ErrorKind::Forbidden, level == ReviewLevel::College
                                                 ? "当前应由学院审核"
                                                 : "当前应由学校就业指导服务中心审核");
  return {};
}

// SPEC "Source-info verification": accept or initiate only while source info is verified.
Status require_verified_source_info(const Parties& parties, std::string_view action_label) {
  if (parties.source_info.state != SourceInfoState::Verified)
    return Error::make(ErrorKind::Conflict,
                       "生源信息尚未核验通过，不能" + std::string(action_label), "source_info");
  return {};
}

// SPEC: at most one live agreement per student.
Status require_no_other_live_agreement(const Parties& parties) {
  if (parties.student_has_other_live_agreement)
    return student_has_live_agreement();
  return {};
}

Status require_vetted_employer(const Parties& parties) {
  if (!parties.employer.vetted)
    return Error::make(ErrorKind::Forbidden, "用人单位尚未通过学校审核（不在单位库中），不能发出邀约",
                       "employer_id");
  return {};
}

// The verified source info and the employer as they are now; SPEC: later edits never change a
// signed agreement, so the document is rendered from this copy.
nlohmann::json take_snapshot(const Parties& parties, Timestamp now) {
  const Student& s = parties.student;
  const SourceSections& sections = parties.source_info.sections;
  return nlohmann::json{
      {"taken_at", to_unix_seconds(now)},
      {"student",
       {{"student_no", s.student_no},
        {"name", s.name},
        {"id_number", s.id_number},
        {"gender", s.gender},
        {"college_code", s.college_code},
        {"major", s.major},
        {"degree", s.degree},
        {"graduation_year", s.graduation_year},
        {"source_info",
         {{"basic", sections.basic},
          {"contact", sections.contact},
          {"enrolment", sections.enrolment},
          {"archive", sections.archive}}}}},
      {"employer",
       {{"id", parties.employer.id},
        {"name", parties.employer.name},
        {"uscc", parties.employer.uscc},
        {"vetted", parties.employer.vetted},
        {"profile", parties.employer.profile}}},
  };
}

bool has_attachment(const std::vector<Attachment>& attachments, AttachmentPurpose purpose,
                    bool images_only) {
  return std::any_of(attachments.begin(), attachments.end(), [&](const Attachment& a) {
    return a.purpose == purpose && (!images_only || a.media_type != MediaType::Pdf);
  });
}

}  // namespace

std::span<const ReviewChain> permitted_review_chains() {
  static const ReviewChain chains[] = {
      {ReviewLevel::College, ReviewLevel::School}, {ReviewLevel::School}, {ReviewLevel::College}};
  return chains;
}

Status check_review_chain(const ReviewChain& chain, std::string_view field) {
  if (chain.empty()) return Error::invalid(std::string(field), "审核流程至少需要一级审核");
  const auto permitted = permitted_review_chains();
  if (std::find(permitted.begin(), permitted.end(), chain) == permitted.end())
    return Error::invalid(std::string(field), "审核流程中每级只能出现一次，且学院审核须在学校审核之前");
  return {};
}

namespace {

// Enters review: fixes the chain, takes the snapshot, records the step.
void start_review(Agreement& agreement, const Parties& parties, ReviewChain chain, Timestamp now) {
  agreement.state = AgreementState::InReview;
  agreement.review_chain = std::move(chain);
  agreement.review_step = 0;
  agreement.snapshot = take_snapshot(parties, now);
  agreement.last_reason.clear();
  agreement.updated_at = now;
}

// Expiry happens on time even if the sweeper has not run yet (SPEC), so an answer that arrives
// after the deadline is refused as if the invitation had already been marked expired.
Status require_unexpired(const Agreement& agreement, const WorkflowOptions& options, Timestamp now,
                         std::string_view action_label) {
  const auto expires_at = invitation_expires_at(agreement, options);
  if (expires_at && now >= *expires_at)
    return Error::make(ErrorKind::Conflict, "邀约已过期，不能" + std::string(action_label), "state");
  return {};
}

Result<AgreementChange> create_draft(AgreementOrigin origin, const Actor& actor,
                                     const Parties& parties, nlohmann::json content,
                                     Timestamp now) {
  Agreement agreement;
  agreement.origin = origin;
  agreement.state = AgreementState::Draft;
  agreement.student_no = parties.student.student_no;
  agreement.employer_id = parties.employer.id;
  agreement.college_code = parties.student.college_code;
  agreement.graduation_year = parties.student.graduation_year;
  agreement.content = std::move(content);
  agreement.snapshot = nullptr;
  agreement.created_at = now;
  agreement.updated_at = now;
  AgreementChange change{agreement, std::nullopt, {}};
  change.events.push_back(detail::make_event(kEntity, {}, "create", actor, now, "",
                                             to_string(AgreementState::Draft)));
  return change;
}

}  // namespace

Result<AgreementChange> create_invitation(const Actor& actor, const Parties& parties,
                                          nlohmann::json content, Timestamp now) {
  if (actor.role != Role::Employer)
    return Error::make(ErrorKind::Forbidden, "只有用人单位可以发出邀约");
  if (actor.employer_id != parties.employer.id)
    return Error::make(ErrorKind::NotFound, "用人单位不存在", "employer_id");
  TRY(require_vetted_employer(parties));
  return create_draft(AgreementOrigin::Invitation, actor, parties, std::move(content), now);
}

Result<AgreementChange> create_student_initiated(const Actor& actor, const Parties& parties,
                                                 nlohmann::json content, Timestamp now) {
  if (actor.role != Role::Student)
    return Error::make(ErrorKind::Forbidden, "只有毕业生本人可以发起签约");
  if (actor.student_no != parties.student.student_no)
    return Error::make(ErrorKind::NotFound, "学生不存在", "student_no");
  TRY(require_verified_source_info(parties, "发起签约"));
  TRY(require_no_other_live_agreement(parties));
  return create_draft(AgreementOrigin::StudentInitiated, actor, parties, std::move(content), now);
}

Result<AgreementChange> edit_content(const Agreement& agreement, const Actor& actor,
                                     nlohmann::json content, const WorkflowOptions& options,
                                     Timestamp now) {
  TRY(require_originator(agreement, actor, "修改协议"));
  // A signed agreement never changes (SPEC); neither does one in review, because the reviewers
  // must decide on what they saw. An invitation out with the student may change: the student's
  // acceptance names the version it saw (require_invitation_as_seen).
  if (!state_in(agreement.state, {AgreementState::Draft, AgreementState::Invited,
                                  AgreementState::Returned, AgreementState::Rejected}))
    return agreement_in_wrong_state(agreement.state, "修改");
  TRY(require_unexpired(agreement, options, now, "修改"));
  AgreementChange change{agreement, std::nullopt, {}};
  change.agreement.content = std::move(content);
  change.agreement.updated_at = now;
  const char* state = to_string(agreement.state);
  change.events.push_back(
      detail::make_event(kEntity, id_text(agreement), "edit", actor, now, state, state));
  return change;
}

Result<AgreementChange> add_attachment(const Agreement& agreement, const Actor& actor,
                                       const Attachment& attachment, Timestamp now) {
  TRY(require_originator(agreement, actor, "上传附件"));
  if (!state_in(agreement.state,
                {AgreementState::Draft, AgreementState::Returned, AgreementState::Rejected}))
    return agreement_in_wrong_state(agreement.state, "上传附件");
  AgreementChange change{agreement, std::nullopt, {}};
  const bool already_attached =
      std::any_of(agreement.attachments.begin(), agreement.attachments.end(),
                  [&](const Attachment& a) {
                    return a.sha256 == attachment.sha256 && a.purpose == attachment.purpose;
                  });
  if (!already_attached) change.agreement.attachments.push_back(attachment);
  change.agreement.updated_at = now;
  const char* state = to_string(agreement.state);
  change.events.push_back(detail::make_event(kEntity, id_text(agreement), "attach", actor, now,
                                             state, state,
                                             std::string(to_string(attachment.purpose)) + " " +
                                                 attachment.sha256));
  return change;
}

Result<AgreementChange> send_invitation(const Agreement& agreement, const Actor& actor,
                                        const Parties& parties, Timestamp now) {
  if (agreement.origin != AgreementOrigin::Invitation)
    return Error::make(ErrorKind::Conflict, "学生发起的签约不能作为邀约发送", "origin");
  TRY(require_originator(agreement, actor, "发送邀约"));
  if (!state_in(agreement.state,
                {AgreementState::Draft, AgreementState::Returned, AgreementState::Rejected}))
    return agreement_in_wrong_state(agreement.state, "发送邀约");
  TRY(require_vetted_employer(parties));
  // SPEC: an employer cannot send a student a second invitation while one is still live.
  if (parties.employer_has_other_open_invitation)
    return employer_invitation_still_open();
  AgreementChange change{agreement, std::nullopt, {}};
  change.agreement.state = AgreementState::Invited;
  change.agreement.sent_at = now;  // SPEC: expiry counts from the last sending
  change.agreement.snapshot = nullptr;
  change.agreement.review_chain.clear();
  change.agreement.review_step = 0;
  change.agreement.updated_at = now;
  change.events.push_back(detail::make_event(kEntity, id_text(agreement), "send", actor, now,
                                             to_string(agreement.state),
                                             to_string(AgreementState::Invited)));
  return change;
}

Result<AgreementChange> withdraw(const Agreement& agreement, const Actor& actor, Timestamp now) {
  TRY(require_originator(agreement, actor, "撤回"));
  if (!state_in(agreement.state, {AgreementState::Draft, AgreementState::Invited,
                                  AgreementState::Returned, AgreementState::Rejected}))
    return agreement_in_wrong_state(agreement.state, "撤回");
  AgreementChange change{agreement, std::nullopt, {}};
  change.agreement.state = AgreementState::Withdrawn;
  change.agreement.updated_at = now;
  change.events.push_back(detail::make_event(kEntity, id_text(agreement), "withdraw", actor, now,
                                             to_string(agreement.state),
                                             to_string(AgreementState::Withdrawn)));
  return change;
}

Result<AgreementChange> accept_invitation(const Agreement& agreement, const Actor& actor,
                                          const Parties& parties, const WorkflowOptions& options,
                                          Timestamp now) {
  TRY(require_the_student(agreement, actor, "应约"));
  if (agreement.state != AgreementState::Invited)
    return agreement_in_wrong_state(agreement.state, "应约");
  TRY(require_unexpired(agreement, options, now, "应约"));
  TRY(require_verified_source_info(parties, "应约"));
  TRY(require_no_other_live_agreement(parties));

  AgreementChange change{agreement, std::nullopt, {}};
  const std::string id = id_text(agreement);
  change.events.push_back(detail::make_event(kEntity, id, "accept", actor, now,
                                             to_string(AgreementState::Invited),
                                             to_string(AgreementState::Accepted)));
  start_review(change.agreement, parties, options.invitation_review_chain, now);
  change.events.push_back(detail::make_event(kEntity, id, "enter_review", actor, now,
                                             to_string(AgreementState::Accepted),
                                             to_string(AgreementState::InReview)));
  return change;
}

Result<Agreement> as_it_will_print(const Agreement& agreement, const Parties& parties, Timestamp now) {
  if (agreement.snapshot.is_object()) return agreement;
  if (agreement.state != AgreementState::Invited)
    return Error::make(ErrorKind::Conflict, "协议尚未进入审核，没有可打印的内容", "state");
  Agreement preview = agreement;
  preview.snapshot = take_snapshot(parties, now);
  return preview;
}

Status require_invitation_as_seen(const Agreement& agreement, std::int64_t seen_version) {
  if (seen_version != agreement.version)
    return Error::make(ErrorKind::Conflict, "单位已修改邀约，请重新查看后再应约", "version");
  return {};
}

Result<AgreementChange> return_invitation(const Agreement& agreement, const Actor& actor,
                                          std::string_view reason, const WorkflowOptions& options,
                                          Timestamp now) {
  TRY(require_the_student(agreement, actor, "打回"));
  if (agreement.state != AgreementState::Invited)
    return agreement_in_wrong_state(agreement.state, "打回");
  TRY(require_unexpired(agreement, options, now, "打回"));
  TRY(core::check_reason(reason, "reason", true, "打回邀约必须填写原因"));
  AgreementChange change{agreement, std::nullopt, {}};
  change.agreement.state = AgreementState::Returned;
  change.agreement.last_reason = std::string(reason);
  change.agreement.updated_at = now;
  change.events.push_back(detail::make_event(kEntity, id_text(agreement), "return", actor, now,
                                             to_string(AgreementState::Invited),
                                             to_string(AgreementState::Returned),
                                             std::string(reason)));
  return change;
}

Result<AgreementChange> submit_for_review(const Agreement& agreement, const Actor& actor,
                                          const Parties& parties, const WorkflowOptions& options,
                                          Timestamp now) {
  if (agreement.origin != AgreementOrigin::StudentInitiated)
    return Error::make(ErrorKind::Conflict, "邀约须由毕业生应约后进入审核", "origin");
  TRY(require_the_student(agreement, actor, "提交签约申请"));
  if (!state_in(agreement.state, {AgreementState::Draft, AgreementState::Rejected}))
    return agreement_in_wrong_state(agreement.state, "提交审核");
  // SPEC: student-initiated signing needs proof (接收函 etc.).
  if (!has_attachment(agreement.attachments, AttachmentPurpose::Proof, false))
    return Error::invalid("attachments", "自主发起签约须上传接收函等证明材料");
  TRY(require_verified_source_info(parties, "发起签约"));
  TRY(require_no_other_live_agreement(parties));
  AgreementChange change{agreement, std::nullopt, {}};
  start_review(change.agreement, parties, options.student_initiated_review_chain, now);
  change.events.push_back(detail::make_event(kEntity, id_text(agreement), "submit", actor, now,
                                             to_string(agreement.state),
                                             to_string(AgreementState::InReview)));
  return change;
}

Result<AgreementChange> review_agreement(const Agreement& agreement, const Actor& actor,
                                         ReviewDecision decision, std::string_view reason,
                                         Timestamp now) {
  if (agreement.state != AgreementState::InReview)
    return agreement_in_wrong_state(agreement.state, "审核");
  if (agreement.review_step >= agreement.review_chain.size())
    return Error::make(ErrorKind::Internal, "agreement in review has no pending review step");
  const ReviewLevel level = agreement.review_chain[agreement.review_step];
  TRY(require_reviewer_at(level, agreement.college_code, actor));

  AgreementChange change{agreement, std::nullopt, {}};
  Agreement& next = change.agreement;
  const std::string id = id_text(agreement);
  const std::string action_suffix = std::string(".") + to_string(level);
  next.updated_at = now;
  if (decision == ReviewDecision::Reject) {
    TRY(core::check_reason(reason, "reason", true, "驳回必须填写原因"));
    next.state = AgreementState::Rejected;
    next.last_reason = std::string(reason);
    next.snapshot = nullptr;  // retaken when the originator resubmits
    next.review_step = 0;
    change.events.push_back(detail::make_event(kEntity, id, "review.reject" + action_suffix, actor,
                                               now, to_string(AgreementState::InReview),
                                               to_string(AgreementState::Rejected),
                                               std::string(reason)));
    return change;
  }
  TRY(core::check_reason(reason, "reason", false, {}));
  ++next.review_step;
  if (next.review_step < next.review_chain.size()) {
    change.events.push_back(detail::make_event(kEntity, id, "review.approve" + action_suffix, actor,
                                               now, to_string(AgreementState::InReview),
                                               to_string(AgreementState::InReview),
                                               std::string(reason)));
    return change;
  }
  // The last approval signs; the serial is assigned by the store in the same transaction.
  next.state = AgreementState::Signed;
  next.signed_at = now;
  change.events.push_back(detail::make_event(kEntity, id, "review.approve" + action_suffix, actor,
                                             now, to_string(AgreementState::InReview),
                                             to_string(AgreementState::Signed),
                                             std::string(reason)));
  return change;
}

std::optional<Timestamp> invitation_expires_at(const Agreement& agreement,
                                               const WorkflowOptions& options) {
  if (agreement.state != AgreementState::Invited || !agreement.sent_at) return std::nullopt;
  return *agreement.sent_at + options.invitation_lifetime;
}

std::vector<std::int64_t> expired_invitations(std::span<const Agreement> agreements,
                                              const WorkflowOptions& options, Timestamp now) {
  std::vector<std::int64_t> due;
  for (const Agreement& agreement : agreements) {
    const auto expires_at = invitation_expires_at(agreement, options);
    if (expires_at && now >= *expires_at) due.push_back(agreement.id);
  }
  return due;
}

Result<AgreementChange> expire_invitation(const Agreement& agreement, const WorkflowOptions& options,
                                          Timestamp now) {
  if (agreement.state != AgreementState::Invited)
    return agreement_in_wrong_state(agreement.state, "过期");
  const auto expires_at = invitation_expires_at(agreement, options);
  if (!expires_at || now < *expires_at)
    return Error::make(ErrorKind::Conflict, "邀约尚未到期", "state");
  AgreementChange change{agreement, std::nullopt, {}};
  change.agreement.state = AgreementState::Expired;
  change.agreement.updated_at = now;
  change.events.push_back(detail::make_event(kEntity, id_text(agreement), "expire", Actor::system(),
                                             now, to_string(AgreementState::Invited),
                                             to_string(AgreementState::Expired),
                                             "发出后14天未应约"));
  return change;
}

Result<AgreementChange> request_termination(const Agreement& agreement, const Actor& actor,
                                            const Parties& parties, std::string_view explanation,
                                            std::vector<Attachment> material,
                                            const WorkflowOptions& options, Timestamp now) {
  TRY(require_the_student(agreement, actor, "申请解约"));
  if (agreement.state != AgreementState::Signed)
    return agreement_in_wrong_state(agreement.state, "申请解约");
  // SPEC: one termination per student, ever. A request the reviewers rejected did not terminate
  // anything, so it does not use the chance up.
  if (parties.student_has_used_termination) return termination_already_used();
  TRY(core::check_reason(explanation, "explanation", true, "申请解约必须填写解约情况说明"));
  // SPEC: material images — the original employer's release letter and the new employer's
  // acceptance letter.
  if (!has_attachment(material, AttachmentPurpose::ReleaseLetter, true))
    return Error::invalid("attachments", "请上传原单位解约函图片");
  if (!has_attachment(material, AttachmentPurpose::AcceptanceLetter, true))
    return Error::invalid("attachments", "请上传新单位接收函图片");

  AgreementChange change{agreement, std::nullopt, {}};
  change.agreement.state = AgreementState::TerminationRequested;
  change.agreement.updated_at = now;
  TerminationRequest termination;
  termination.agreement_id = agreement.id;
  termination.student_no = agreement.student_no;
  termination.explanation = std::string(explanation);
  termination.material = std::move(material);
  termination.state = TerminationState::Pending;
  termination.review_chain = options.termination_review_chain;
  termination.review_step = 0;
  termination.requested_at = now;
  change.termination = std::move(termination);
  change.events.push_back(detail::make_event(kEntity, id_text(agreement), "termination.request",
                                             actor, now, to_string(AgreementState::Signed),
                                             to_string(AgreementState::TerminationRequested),
                                             std::string(explanation)));
  return change;
}

Result<AgreementChange> review_termination(const Agreement& agreement,
                                           const TerminationRequest& termination,
                                           const Actor& actor, ReviewDecision decision,
                                           std::string_view reason, Timestamp now) {
  if (agreement.state != AgreementState::TerminationRequested)
    return agreement_in_wrong_state(agreement.state, "审核解约申请");
  if (termination.agreement_id != agreement.id || termination.state != TerminationState::Pending)
    return Error::make(ErrorKind::Conflict, "该解约申请已处理", "state");
  if (termination.review_step >= termination.review_chain.size())
    return Error::make(ErrorKind::Internal, "pending termination has no pending review step");
  const ReviewLevel level = termination.review_chain[termination.review_step];
  TRY(require_reviewer_at(level, agreement.college_code, actor));

  AgreementChange change{agreement, termination, {}};
  Agreement& next = change.agreement;
  TerminationRequest& request = *change.termination;
  const std::string id = id_text(agreement);
  const std::string action_suffix = std::string(".") + to_string(level);
  next.updated_at = now;
  if (decision == ReviewDecision::Reject) {
    TRY(core::check_reason(reason, "reason", true, "驳回解约申请必须填写原因"));
    // SPEC: a rejection at either level returns it to signed.
    next.state = AgreementState::Signed;
    request.state = TerminationState::Rejected;
    request.reject_reason = std::string(reason);
    request.decided_at = now;
    change.events.push_back(detail::make_event(
        kEntity, id, "termination.reject" + action_suffix, actor, now,
        to_string(AgreementState::TerminationRequested), to_string(AgreementState::Signed),
        std::string(reason)));
    return change;
  }
  TRY(core::check_reason(reason, "reason", false, {}));
  ++request.review_step;
  if (request.review_step < request.review_chain.size()) {
    change.events.push_back(detail::make_event(
        kEntity, id, "termination.approve" + action_suffix, actor, now,
        to_string(AgreementState::TerminationRequested),
        to_string(AgreementState::TerminationRequested), std::string(reason)));
    return change;
  }
  // The serial and content stay as they were: a terminated agreement is still the document that
  // was signed, now marked 已解约 by the verification page.
  next.state = AgreementState::Terminated;
  request.state = TerminationState::Approved;
  request.decided_at = now;
  change.events.push_back(detail::make_event(
      kEntity, id, "termination.approve" + action_suffix, actor, now,
      to_string(AgreementState::TerminationRequested), to_string(AgreementState::Terminated),
      std::string(reason)));
  return change;
}

}  // namespace sanfang::workflow
