// The store: where workflow entities live between requests. An interface so that a PostgreSQL
// implementation can follow the embedded SQLite one (SPEC "Storage").
//
// How callers use it: read what a rule needs (agreement(), parties_for()), run the workflow rule,
// then hand its change to apply_*_change() with the version that was read. The store checks the
// version (Conflict when someone else changed the record first: SPEC "exactly one wins"), holds the
// cross-record rules again in its schema (one live agreement per student, one open invitation per
// employer and student, one termination per student), assigns the serial when an agreement
// becomes signed, and appends the audit events, all in one transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "workflow/agreement_rules.h"
#include "workflow/entities.h"
#include "workflow/source_info_rules.h"

namespace sanfang::store {

struct NewAccount {
  std::string username;
  std::string password;  // plain text in, Argon2id hash stored
  workflow::Role role = workflow::Role::Student;
  std::string student_no;        // students
  std::int64_t employer_id = 0;  // employer HR accounts
  std::string college_code;      // college reviewers
  bool must_change_password = false;
};

// Failed logins are counted per user name whether or not the account exists, so that the
// answers (captcha required, locked) never reveal which names are real (SPEC "Accounts").
struct LoginThrottle {
  int failures = 0;
  std::optional<workflow::Timestamp> locked_until;
};

struct AuditRecord {
  std::int64_t id = 0;
  workflow::AuditEvent event;
  std::string prev_hash;
  std::string hash;
};

struct AuditChainReport {
  std::int64_t rows_checked = 0;
  std::optional<std::int64_t> first_broken_id;  // nullopt: the chain verifies
  bool intact() const { return !first_broken_id.has_value(); }
};

class Store {
 public:
  virtual ~Store() = default;

  // Readiness: the database answers a trivial query.
  virtual Status ping() = 0;

  // ---- colleges, students, employers ----
  virtual Status put_college(const workflow::College& college) = 0;
  // Insert or update (student import runs again with corrected data).
  virtual Status put_student(const workflow::Student& student) = 0;
  virtual Result<workflow::Student> student(std::string_view student_no) = 0;
  virtual Result<workflow::Employer> insert_employer(const workflow::Employer& employer) = 0;
  virtual Result<workflow::Employer> employer(std::int64_t id) = 0;
  virtual Result<workflow::Employer> apply_employer_change(const workflow::EmployerChange& change,
                                                           std::int64_t expected_version) = 0;

  // ---- source info ----
  // The stored record, or a fresh draft with version 0 for a student who has none yet.
  virtual Result<workflow::SourceInfo> source_info(std::string_view student_no) = 0;
  // expected_version 0 inserts the first record.
  virtual Result<workflow::SourceInfo> apply_source_info_change(
      const workflow::SourceInfoChange& change, std::int64_t expected_version) = 0;

  // ---- agreements ----
  virtual Result<workflow::Agreement> agreement(std::int64_t id) = 0;
  virtual Result<std::vector<workflow::Agreement>> agreements_in_state(
      workflow::AgreementState state) = 0;
  virtual Result<std::vector<workflow::Agreement>> agreements_of_student(
      std::string_view student_no) = 0;
  // What the rules need about the student and employer, excluding `agreement_id` itself (0 for a
  // new agreement) from the counts of other agreements.
  virtual Result<workflow::Parties> parties_for(std::string_view student_no,
                                                std::int64_t employer_id,
                                                std::int64_t agreement_id) = 0;
  // Stores a newly created agreement (change.agreement.id == 0) and returns it with its id.
  virtual Result<workflow::Agreement> insert_agreement(const workflow::AgreementChange& change) = 0;
  // Applies a change to a stored agreement whose version is still `expected_version`.
  virtual Result<workflow::Agreement> apply_agreement_change(
      const workflow::AgreementChange& change, std::int64_t expected_version) = 0;
  virtual Result<workflow::TerminationRequest> pending_termination(std::int64_t agreement_id) = 0;

  // ---- attachments ----
  // Writes the bytes durably to the blob store, then records them; the returned attachment can be
  // referenced by a later change.
  virtual Result<workflow::Attachment> store_attachment(std::string_view bytes,
                                                        workflow::AttachmentPurpose purpose) = 0;
  virtual Result<std::string> attachment_bytes(std::string_view sha256) = 0;

  // ---- audit log ----
  virtual Result<std::vector<AuditRecord>> audit_trail(std::string_view entity,
                                                       std::string_view entity_id) = 0;
  virtual Result<AuditChainReport> verify_audit_chain() = 0;

  // ---- accounts and sessions ----
  virtual Result<workflow::Account> create_account(const NewAccount& account,
                                                   workflow::Timestamp now) = 0;
  virtual Result<workflow::Account> account_by_username(std::string_view username) = 0;
  // Unauthorized with one message for an unknown name and a wrong password; Forbidden while the
  // name is locked. Counts failures and locks after the configured number.
  virtual Result<workflow::Account> check_login(std::string_view username,
                                                std::string_view password,
                                                workflow::Timestamp now) = 0;
  virtual Result<LoginThrottle> login_throttle(std::string_view username,
                                               workflow::Timestamp now) = 0;
  virtual Status change_password(std::int64_t account_id, std::string_view old_password,
                                 std::string_view new_password) = 0;
  // Returns the bearer token; only its sha256 is stored.
  virtual Result<std::string> create_session(std::int64_t account_id, workflow::Timestamp now) = 0;
  virtual Result<workflow::Account> account_for_session(std::string_view token,
                                                        workflow::Timestamp now) = 0;
  virtual Status end_session(std::string_view token) = 0;
};

}  // namespace sanfang::store
