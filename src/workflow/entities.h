// The things the approval workflow talks about (SPEC.md "People and roles", "Source-info
// verification", "Agreement lifecycle"). Plain data: no SQL, no HTTP. Ids are assigned by the
// store; 0 means "not stored yet". `version` is the optimistic-concurrency counter the store
// checks on every update (SPEC: concurrent actions on the same agreement, exactly one wins).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "workflow/clock.h"

namespace sanfang::workflow {

// ---- accounts and actors -------------------------------------------------------------------

// Admin is the school's account administrator: opens and disables staff accounts, resets
// passwords, issues and revokes API keys; it sees no agreement.
enum class Role { Student, Employer, College, School, Print, Portal, Admin, System };

const char* to_string(Role role);
Result<Role> parse_role(std::string_view text);
const char* chinese_label(Role role);  // "学院审核人员"

// Whoever performs an action, with the scope their account is bound to. `System` is the service
// itself (the expiry sweeper); it is never a person and can never act for a student.
struct Actor {
  Role role = Role::System;
  std::int64_t account_id = 0;
  std::string student_no;    // Role::Student: the student this account belongs to
  std::int64_t employer_id = 0;  // Role::Employer: the unit this HR account keeps
  std::string college_code;  // Role::College: the only college this reviewer may see

  static Actor system() { return Actor{}; }
};

struct Account {
  std::int64_t id = 0;
  std::string username;
  Role role = Role::Student;
  std::string student_no;
  std::int64_t employer_id = 0;
  std::string college_code;
  bool must_change_password = false;  // SPEC "Accounts": the first login must change it
  bool disabled = false;  // an administrator stopped it: it signs in nowhere (workflow/account_rules.h)
  Timestamp created_at{};

  Actor actor() const { return Actor{role, id, student_no, employer_id, college_code}; }
};

// ---- people and units ----------------------------------------------------------------------

struct College {
  std::string code;
  std::string name;
};

// One graduate as imported from the student-records system.
struct Student {
  std::string student_no;
  std::string name;
  std::string id_number;
  std::string gender;
  std::string college_code;
  std::string major;
  std::string degree;
  int graduation_year = 0;
};

// A unit of the employer library 单位库. `vetted` (marked 云 in the seed's UI) is set by the school;
// an unvetted unit cannot send invitations.
struct Employer {
  std::int64_t id = 0;
  std::string name;
  std::string uscc;
  nlohmann::json profile = nlohmann::json::object();  // nature, industry, address, contact...
  bool vetted = false;
  std::int64_t version = 0;
};

// ---- source info 生源 --------------------------------------------------------------------------

enum class SourceInfoState { Draft, Submitted, Verified, Rejected };

const char* to_string(SourceInfoState state);
const char* chinese_label(SourceInfoState state);  // "已核验"
Result<SourceInfoState> parse_source_info_state(std::string_view text);
// Every source-info state (the state list the names come from).
std::span<const SourceInfoState> source_info_states();

// The four sections of 生源核查, each a JSON object of form fields (validated by core/ at the
// API boundary; the workflow only needs to know whether a section is filled in).
struct SourceSections {
  nlohmann::json basic = nlohmann::json::object();      // 基本信息
  nlohmann::json contact = nlohmann::json::object();    // 联系方式
  nlohmann::json enrolment = nlohmann::json::object();  // 学籍信息
  nlohmann::json archive = nlohmann::json::object();    // 档案信息
};

struct SourceInfo {
  std::string student_no;
  std::string college_code;  // the student's college: whose reviewers may verify it
  SourceSections sections;
  SourceInfoState state = SourceInfoState::Draft;
  std::string reject_reason;
  Timestamp updated_at{};
  std::int64_t version = 0;
};

// ---- attachments ---------------------------------------------------------------------------

enum class MediaType { Jpeg, Png, Pdf };

const char* to_string(MediaType type);  // "image/jpeg", "image/png", "application/pdf"
Result<MediaType> parse_media_type(std::string_view text);

// Why a file was uploaded. Termination needs a release letter and an acceptance letter; a
// student-initiated signing needs proof (SPEC "Rules that must hold everywhere").
enum class AttachmentPurpose { Proof, ReleaseLetter, AcceptanceLetter, Other };

const char* to_string(AttachmentPurpose purpose);
Result<AttachmentPurpose> parse_attachment_purpose(std::string_view text);

// A reference to a content-addressed blob; the bytes live in the blob store under `sha256`.
struct Attachment {
  std::string sha256;  // lower-case hex of the content
  MediaType media_type = MediaType::Pdf;
  std::int64_t size = 0;
  AttachmentPurpose purpose = AttachmentPurpose::Other;
};

// ---- agreements ----------------------------------------------------------------------------

enum class AgreementOrigin { Invitation, StudentInitiated };

const char* to_string(AgreementOrigin origin);
Result<AgreementOrigin> parse_agreement_origin(std::string_view text);

enum class AgreementState {
  Draft,
  Invited,
  Returned,
  Accepted,
  InReview,
  Signed,
  Rejected,
  Expired,
  Withdrawn,
  TerminationRequested,
  Terminated,
};

const char* to_string(AgreementState state);          // "in_review"
// The label people read wherever a state is named to them (state_label, problem details); the
// English name is for programs only.
const char* chinese_label(AgreementState state);      // "审核中"
Result<AgreementState> parse_agreement_state(std::string_view text);
// Every agreement state (the state list the names come from).
std::span<const AgreementState> agreement_states();

// SPEC: "at most one live agreement per student (accepted, in_review, signed,
// termination_requested)".
bool is_live(AgreementState state);

// An invitation that still binds its employer: sent and neither ended nor given up. While one is
// open the same employer may not send that student another (SPEC rules).
bool is_open_invitation(AgreementState state);

// Who reviews at one step of a review chain.
enum class ReviewLevel { College, School };

const char* to_string(ReviewLevel level);
Result<ReviewLevel> parse_review_level(std::string_view text);
const char* chinese_label(ReviewLevel level);  // "学院审核"

using ReviewChain = std::vector<ReviewLevel>;

struct Agreement {
  std::int64_t id = 0;
  AgreementOrigin origin = AgreementOrigin::Invitation;
  AgreementState state = AgreementState::Draft;
  std::string student_no;
  std::int64_t employer_id = 0;
  std::string college_code;   // the student's college when the agreement was created
  int graduation_year = 0;    // part of the serial
  nlohmann::json content = nlohmann::json::object();  // the terms the parties edit (job, pay, 备注)
  // Verified source info + employer as they were when the agreement entered review; null before.
  nlohmann::json snapshot;
  std::optional<std::string> serial;  // assigned by the store in the signing transaction
  ReviewChain review_chain;  // fixed when review starts, so a config change never moves one mid-way
  std::size_t review_step = 0;
  std::string last_reason;   // why it was last returned or rejected
  std::optional<Timestamp> sent_at;  // last time the invitation was sent (expiry counts from here)
  std::optional<Timestamp> signed_at;
  Timestamp created_at{};
  Timestamp updated_at{};
  std::vector<Attachment> attachments;
  std::int64_t version = 0;
};

// ---- terminations 解约 -----------------------------------------------------------------------

enum class TerminationState { Pending, Approved, Rejected };

const char* to_string(TerminationState state);
const char* chinese_label(TerminationState state);  // "解约审核中"
Result<TerminationState> parse_termination_state(std::string_view text);

struct TerminationRequest {
  std::int64_t id = 0;
  std::int64_t agreement_id = 0;
  std::string student_no;
  std::string explanation;
  std::vector<Attachment> material;
  TerminationState state = TerminationState::Pending;
  ReviewChain review_chain;
  std::size_t review_step = 0;
  std::string reject_reason;
  Timestamp requested_at{};
  Timestamp decided_at{};
};

// ---- reviews and the audit log ---------------------------------------------------------------

enum class ReviewDecision { Approve, Reject };

Result<ReviewDecision> parse_review_decision(std::string_view text);  // "approve" | "reject"

// One line of the append-only audit log (SPEC: who, role, when, from, to, reason). `entity` is
// "agreement", "source_info", "termination" or "employer"; `entity_id` is left empty for an entity
// that is not stored yet and filled by the store when it assigns the id.
// Who acted, as a history shows it: the student's name for a student, the unit's name for its HR
// account, the user name of a staff or service account (`account_name`: what the store knows of
// the account now), and 系统 for the service itself.
std::string actor_display_name(Role role, std::string_view account_name);

struct AuditEvent {
  std::string entity;
  std::string entity_id;
  std::string action;  // "send", "accept", "review.approve", ...
  std::int64_t actor_account_id = 0;
  Role actor_role = Role::System;
  Timestamp at{};
  std::string from_state;
  std::string to_state;
  std::string reason;
};

}  // namespace sanfang::workflow
