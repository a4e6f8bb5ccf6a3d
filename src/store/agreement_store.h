// The agreements area of the store: colleges, students and their source info, employers, the
// agreements themselves with their uploads, and the student import (SPEC "Storage").
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
#include "workflow/employer_rules.h"
#include "workflow/source_info_rules.h"

namespace sanfang::store {

// The orders a list may come in; a signing time orders unsigned agreements last, then by id.
enum class AgreementOrder { Oldest, Newest, SignedFirst, SignedLast, RecentlyUpdated };

// Which agreements a list request may see: the API fills in the caller's scope (a student's
// number, an employer's unit, a reviewer's college) so that paging counts only visible rows.
struct AgreementQuery {
  std::optional<workflow::AgreementState> state;
  std::optional<std::string> student_no;
  std::optional<std::int64_t> employer_id;
  std::optional<workflow::AgreementOrigin> origin;
  std::optional<std::string> college_code;
  bool exclude_drafts = false;              // a draft is private to its originator
  bool exclude_unsent_invitations = false;  // a student sees an invitation once it was sent
  // What a person searches by (GET /api/v1/agreements): the serial, the student's major, a
  // fragment of the student's or the employer's name (matched as a substring, wildcards taken
  // literally), signing times in [signed_from, signed_until).
  std::optional<std::string> serial;
  std::optional<std::string> major;
  std::optional<std::string> name_fragment;
  std::optional<workflow::Timestamp> signed_from;
  std::optional<workflow::Timestamp> signed_until;
  // Agreements whose review, or whose termination's review, waits at this level now (a
  // reviewer's "waiting for me", workflow/work_queue.h).
  std::optional<workflow::ReviewLevel> awaiting_review_at;
  // Keyset paging for a long walk (an export): only ids above this one, so that a page never
  // skips or repeats an agreement when another changes state in between.
  std::optional<std::int64_t> after_id;
  AgreementOrder order = AgreementOrder::Oldest;
  int limit = 100;
  int offset = 0;
};

// The orders a student list may come in: by student number, or the longest-waiting source info
// first (a reviewer's queue: oldest change first, students without a record last).
enum class StudentOrder { ByNumber, LongestWaiting };

// Which students a list shows (GET /api/v1/students); the API fills in the caller's scope.
struct StudentQuery {
  std::optional<std::string> college_code;
  // The source info's state; Draft also selects students who have no record yet.
  std::optional<workflow::SourceInfoState> source_state;
  std::optional<std::string> major;
  std::optional<int> graduation_year;
  // A fragment of the name or the student number, matched as a substring (as AgreementQuery's).
  std::optional<std::string> name_fragment;
  StudentOrder order = StudentOrder::ByNumber;
  int limit = 50;
  int offset = 0;
};

// One student as imported, with where their source info stands.
struct StudentListing {
  workflow::Student student;
  workflow::SourceInfoState source_state = workflow::SourceInfoState::Draft;
  std::optional<workflow::Timestamp> source_updated_at;  // none: no record yet
};

// What the employment office's statistics count (GET /api/v1/stats): agreements in the scope,
// the imported graduates, both optionally of one graduation year.
struct StatisticsQuery {
  std::optional<std::string> college_code;  // the caller's scope: a college reviewer's own
  bool exclude_drafts = false;              // as the caller's agreement scope says
  std::optional<int> graduation_year;
};

// Agreements counted by state, college and major together (one GROUP BY row); the use case sums
// them per dimension. `major` is the student's major as imported.
struct AgreementTally {
  std::string state;
  std::string college_code;
  std::string college_name;  // empty when the college is not in the college table
  std::string major;
  std::int64_t count = 0;
};

// Agreements counted by the employer's nature, industry and location (单位所在地) together: as the
// agreement's snapshot recorded the unit when it entered review, else as the unit is now. Empty
// strings for members the unit has not filled in.
struct EmployerTally {
  std::string nature;
  std::string industry;
  std::string location;
  std::int64_t count = 0;
};

// Imported graduates of one college and how many of them have a signed agreement.
struct GraduateTally {
  std::string college_code;
  std::string college_name;
  std::int64_t graduates = 0;
  std::int64_t signed_students = 0;
};

struct AgreementStatistics {
  std::vector<AgreementTally> agreements;  // ordered by state, college, major
  std::vector<EmployerTally> employers;    // ordered by nature, industry, location
  std::vector<GraduateTally> graduates;    // ordered by college code
};

// A file uploaded to an agreement, numbered so that a later request (a termination) can refer to
// it by id; the bytes live in the blob store under attachment.sha256.
struct AgreementUpload {
  std::int64_t id = 0;
  std::int64_t agreement_id = 0;
  std::int64_t account_id = 0;
  workflow::Attachment attachment;
  workflow::Timestamp uploaded_at{};
};

// What importing one student line did (SPEC "Accounts": students come from the records system).
enum class StudentImportOutcome { Imported, Updated };

class AgreementStore {
 public:
  virtual ~AgreementStore() = default;

  // ---- colleges, students, employers ----
  virtual Status put_college(const workflow::College& college) = 0;
  virtual Result<std::string> college_name(std::string_view college_code) = 0;
  // Insert or update (student import runs again with corrected data).
  virtual Status put_student(const workflow::Student& student) = 0;
  virtual Result<workflow::Student> student(std::string_view student_no) = 0;
  virtual Result<std::vector<StudentListing>> list_students(const StudentQuery& query) = 0;
  // How many students the query selects, without its limit and offset (a list's total).
  virtual Result<std::int64_t> count_students(const StudentQuery& query) = 0;
  virtual Result<workflow::Employer> insert_employer(const workflow::Employer& employer) = 0;
  virtual Result<workflow::Employer> employer(std::int64_t id) = 0;
  virtual Result<workflow::Employer> apply_employer_change(const workflow::EmployerChange& change,
                                                           std::int64_t expected_version) = 0;
  // Units whose name contains `name_part` (all units when empty), vetted ones first.
  virtual Result<std::vector<workflow::Employer>> search_employers(std::string_view name_part,
                                                                   int limit) = 0;
  // Stores a new unit with its audit events; when `bind_account_id` is not 0 the employer HR
  // account is bound to the unit in the same transaction (Conflict if it already keeps one).
  virtual Result<workflow::Employer> register_employer(
      const workflow::Employer& employer, std::int64_t bind_account_id,
      const std::vector<workflow::AuditEvent>& events) = 0;
  // How many units `account_id` has registered in the library (from the audit log), for the
  // limit on registrations (workflow/limits.h).
  virtual Result<int> employers_registered_by(std::int64_t account_id) = 0;

  // ---- source info ----
  // The stored record, or a fresh draft with version 0 for a student who has none yet.
  virtual Result<workflow::SourceInfo> source_info(std::string_view student_no) = 0;
  // expected_version 0 inserts the first record.
  virtual Result<workflow::SourceInfo> apply_source_info_change(
      const workflow::SourceInfoChange& change, std::int64_t expected_version) = 0;

  // ---- agreements ----
  virtual Result<workflow::Agreement> agreement(std::int64_t id) = 0;
  virtual Result<workflow::Agreement> agreement_by_serial(std::string_view serial) = 0;
  virtual Result<std::vector<workflow::Agreement>> agreements_in_state(
      workflow::AgreementState state) = 0;
  virtual Result<std::vector<workflow::Agreement>> agreements_of_student(
      std::string_view student_no) = 0;
  virtual Result<std::vector<workflow::Agreement>> list_agreements(const AgreementQuery& query) = 0;
  // How many agreements the query selects, without its limit and offset (a list's total).
  virtual Result<std::int64_t> count_agreements(const AgreementQuery& query) = 0;
  // The office's counts in one read (store/stats_sql.h), grouped in SQL so that a province's
  // hundreds of thousands of agreements come back as a few hundred rows.
  virtual Result<AgreementStatistics> agreement_statistics(const StatisticsQuery& query) = 0;
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

  // ---- uploads ----
  virtual Result<AgreementUpload> record_upload(std::int64_t agreement_id, std::int64_t account_id,
                                                const workflow::Attachment& attachment,
                                                workflow::Timestamp at) = 0;
  virtual Result<std::vector<AgreementUpload>> uploads_of(std::int64_t agreement_id) = 0;

  // ---- import ----
  // One imported line, all or nothing: the college (created or renamed), the student record and,
  // for a new student, a student account named after the student number with `initial_password`
  // and a forced change. An existing account keeps its password (a re-import only corrects data).
  // Conflict naming student_no when the user name belongs to another account.
  virtual Result<StudentImportOutcome> import_student(const workflow::College& college,
                                                      const workflow::Student& student,
                                                      std::string_view initial_password,
                                                      workflow::Timestamp now) = 0;
};

}  // namespace sanfang::store
