#include "workflow/entities.h"

#include "core/field_labels.h"

#include <array>
#include <utility>

namespace sanfang::workflow {
namespace {

// One table per enum gives both directions, so a name can never be spelt two ways.
template <typename Enum, std::size_t N>
const char* name_of(const std::array<std::pair<Enum, const char*>, N>& table, Enum value) {
  for (const auto& [candidate, name] : table)
    if (candidate == value) return name;
  return "unknown";
}

template <typename Enum, std::size_t N>
Result<Enum> parse_name(const std::array<std::pair<Enum, const char*>, N>& table, std::string_view text,
                        const char* field) {
  for (const auto& [candidate, name] : table)
    if (text == name) return candidate;
  return Error::invalid(field, core::field_label(field) + "的取值无效");
}

// The enum values of a name table, in its order.
template <typename Enum, std::size_t N>
constexpr std::array<Enum, N> values_of(const std::array<std::pair<Enum, const char*>, N>& table) {
  std::array<Enum, N> values{};
  for (std::size_t i = 0; i < N; ++i) values[i] = table[i].first;
  return values;
}

constexpr std::array<std::pair<Role, const char*>, 8> kRoles{{
    {Role::Student, "student"},
    {Role::Employer, "employer"},
    {Role::College, "college"},
    {Role::School, "school"},
    {Role::Print, "print"},
    {Role::Portal, "portal"},
    {Role::Admin, "admin"},
    {Role::System, "system"},
}};

constexpr std::array<std::pair<Role, const char*>, 8> kRoleLabels{{
    {Role::Student, "学生"},
    {Role::Employer, "用人单位"},
    {Role::College, "学院审核人员"},
    {Role::School, "学校就业指导服务中心"},
    {Role::Print, "打印室"},
    {Role::Portal, "学校门户"},
    {Role::Admin, "学校管理员"},
    {Role::System, "系统"},
}};

constexpr std::array<std::pair<SourceInfoState, const char*>, 4> kSourceInfoStates{{
    {SourceInfoState::Draft, "draft"},
    {SourceInfoState::Submitted, "submitted"},
    {SourceInfoState::Verified, "verified"},
    {SourceInfoState::Rejected, "rejected"},
}};

constexpr std::array<std::pair<SourceInfoState, const char*>, 4> kSourceInfoLabels{{
    {SourceInfoState::Draft, "草稿"},
    {SourceInfoState::Submitted, "待审核"},
    {SourceInfoState::Verified, "已核验"},
    {SourceInfoState::Rejected, "未通过"},
}};

constexpr std::array<std::pair<MediaType, const char*>, 3> kMediaTypes{{
    {MediaType::Jpeg, "image/jpeg"},
    {MediaType::Png, "image/png"},
    {MediaType::Pdf, "application/pdf"},
}};

constexpr std::array<std::pair<AttachmentPurpose, const char*>, 4> kPurposes{{
    {AttachmentPurpose::Proof, "proof"},
    {AttachmentPurpose::ReleaseLetter, "release_letter"},
    {AttachmentPurpose::AcceptanceLetter, "acceptance_letter"},
    {AttachmentPurpose::Other, "other"},
}};

constexpr std::array<std::pair<AgreementOrigin, const char*>, 2> kOrigins{{
    {AgreementOrigin::Invitation, "invitation"},
    {AgreementOrigin::StudentInitiated, "student_initiated"},
}};

constexpr std::array<std::pair<AgreementState, const char*>, 11> kAgreementStates{{
    {AgreementState::Draft, "draft"},
    {AgreementState::Invited, "invited"},
    {AgreementState::Returned, "returned"},
    {AgreementState::Accepted, "accepted"},
    {AgreementState::InReview, "in_review"},
    {AgreementState::Signed, "signed"},
    {AgreementState::Rejected, "rejected"},
    {AgreementState::Expired, "expired"},
    {AgreementState::Withdrawn, "withdrawn"},
    {AgreementState::TerminationRequested, "termination_requested"},
    {AgreementState::Terminated, "terminated"},
}};

constexpr std::array<std::pair<AgreementState, const char*>, 11> kAgreementLabels{{
    {AgreementState::Draft, "草稿"},
    {AgreementState::Invited, "已邀约"},
    {AgreementState::Returned, "已打回"},
    {AgreementState::Accepted, "已应约"},
    {AgreementState::InReview, "审核中"},
    {AgreementState::Signed, "已签约"},
    {AgreementState::Rejected, "审核未通过"},
    {AgreementState::Expired, "已过期"},
    {AgreementState::Withdrawn, "已撤回"},
    {AgreementState::TerminationRequested, "解约审核中"},
    {AgreementState::Terminated, "已解约"},
}};

constexpr auto kSourceInfoStateList = values_of(kSourceInfoStates);
constexpr auto kAgreementStateList = values_of(kAgreementStates);

constexpr std::array<std::pair<ReviewLevel, const char*>, 2> kReviewLevels{{
    {ReviewLevel::College, "college"},
    {ReviewLevel::School, "school"},
}};

constexpr std::array<std::pair<ReviewLevel, const char*>, 2> kReviewLevelLabels{{
    {ReviewLevel::College, "学院审核"},
    {ReviewLevel::School, "学校审核"},
}};

constexpr std::array<std::pair<TerminationState, const char*>, 3> kTerminationStates{{
    {TerminationState::Pending, "pending"},
    {TerminationState::Approved, "approved"},
    {TerminationState::Rejected, "rejected"},
}};

constexpr std::array<std::pair<TerminationState, const char*>, 3> kTerminationLabels{{
    {TerminationState::Pending, "解约审核中"},
    {TerminationState::Approved, "解约已通过"},
    {TerminationState::Rejected, "解约未通过"},
}};

constexpr std::array<std::pair<ReviewDecision, const char*>, 2> kDecisions{{
    {ReviewDecision::Approve, "approve"},
    {ReviewDecision::Reject, "reject"},
}};

}  // namespace

const char* to_string(Role role) { return name_of(kRoles, role); }
Result<Role> parse_role(std::string_view text) { return parse_name(kRoles, text, "role"); }
const char* chinese_label(Role role) { return name_of(kRoleLabels, role); }

std::string actor_display_name(Role role, std::string_view account_name) {
  if (role == Role::System || account_name.empty()) return chinese_label(role);
  return std::string(account_name);
}

const char* to_string(SourceInfoState state) { return name_of(kSourceInfoStates, state); }
const char* chinese_label(SourceInfoState state) { return name_of(kSourceInfoLabels, state); }
Result<SourceInfoState> parse_source_info_state(std::string_view text) {
  return parse_name(kSourceInfoStates, text, "state");
}
std::span<const SourceInfoState> source_info_states() { return kSourceInfoStateList; }

const char* to_string(MediaType type) { return name_of(kMediaTypes, type); }
Result<MediaType> parse_media_type(std::string_view text) {
  return parse_name(kMediaTypes, text, "media_type");
}

const char* to_string(AttachmentPurpose purpose) { return name_of(kPurposes, purpose); }
Result<AttachmentPurpose> parse_attachment_purpose(std::string_view text) {
  return parse_name(kPurposes, text, "purpose");
}

const char* to_string(AgreementOrigin origin) { return name_of(kOrigins, origin); }
Result<AgreementOrigin> parse_agreement_origin(std::string_view text) {
  return parse_name(kOrigins, text, "origin");
}

const char* to_string(AgreementState state) { return name_of(kAgreementStates, state); }
const char* chinese_label(AgreementState state) { return name_of(kAgreementLabels, state); }
Result<AgreementState> parse_agreement_state(std::string_view text) {
  return parse_name(kAgreementStates, text, "state");
}
std::span<const AgreementState> agreement_states() { return kAgreementStateList; }

bool is_live(AgreementState state) {
  return state == AgreementState::Accepted || state == AgreementState::InReview ||
         state == AgreementState::Signed || state == AgreementState::TerminationRequested;
}

bool is_open_invitation(AgreementState state) {
  return state == AgreementState::Invited || state == AgreementState::Returned ||
         state == AgreementState::Rejected || is_live(state);
}

const char* to_string(ReviewLevel level) { return name_of(kReviewLevels, level); }
Result<ReviewLevel> parse_review_level(std::string_view text) {
  return parse_name(kReviewLevels, text, "review_level");
}

const char* chinese_label(ReviewLevel level) { return name_of(kReviewLevelLabels, level); }

const char* to_string(TerminationState state) { return name_of(kTerminationStates, state); }
const char* chinese_label(TerminationState state) { return name_of(kTerminationLabels, state); }
Result<TerminationState> parse_termination_state(std::string_view text) {
  return parse_name(kTerminationStates, text, "state");
}

Result<ReviewDecision> parse_review_decision(std::string_view text) {
  return parse_name(kDecisions, text, "decision");
}

}  // namespace sanfang::workflow
