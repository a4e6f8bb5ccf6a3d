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
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "workflow/agreement_rules.h"
#include "workflow/entities.h"
#include "workflow/print_job.h"
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

// ---- workflow-over-HTTP area ----
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
  int limit = 100;
  int offset = 0;
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

// ---- accounts area ----
// What importing one student line did (SPEC "Accounts": students come from the records system).
enum class StudentImportOutcome { Imported, Updated };

// ---- documents area ----
// The PDF of a signed agreement, rendered once when it was signed (SPEC "The document": the PDF
// is a pure function of its inputs) and kept content-addressed in the blob store. content_hash is
// the render input's hash that the QR codes' MACs bind, so verification keeps working even if
// the school's configuration changes later.
struct SignedDocument {
  std::int64_t agreement_id = 0;
  std::string serial;
  std::string sha256;        // of the PDF bytes, lower-case hex
  std::string content_hash;  // of the render input, lower-case hex
  workflow::Timestamp created_at{};
};

// One scan of a verification QR code: when, which token, what the page answered and who asked
// (the client address a proxy reports, empty when none), so the school sees forgeries being tried.
struct VerificationRecord {
  std::int64_t id = 0;
  workflow::Timestamp at{};
  std::string token;
  std::optional<std::string> serial;  // the serial the token claims, when it parses
  std::string answer;                 // "valid" | "terminated" | "invalid"
  std::string client_address;
};

struct VerificationSummary {
  std::int64_t valid = 0;
  std::int64_t terminated = 0;
  std::int64_t invalid = 0;
  std::vector<VerificationRecord> recent;  // newest first
};

// ---- print room area ----
// Who creates a print job: an account, or the operator of `sanfang batch` (account_id 0).
struct PrintOperator {
  std::int64_t account_id = 0;
  std::string name;
  workflow::Role role = workflow::Role::Print;
};

// One copy of one agreement put into a print job (SPEC "Print room": printing is recorded per
// copy). `ordinal` is how many live records of the same copy existed before: 0 for a first print,
// n for the n-th reprint. A record of a cancelled or failed job, or of an agreement that failed to
// render, is void.
struct PrintRecord {
  std::int64_t job_id = 0;
  int copy = 0;
  int ordinal = 0;
  std::int64_t printed_by = 0;
  std::string printed_by_name;
  workflow::Timestamp printed_at{};
  bool voided = false;
};

// A runner's hold on a print job: which process ("host:pid") and until when. The runner renews it
// while it is responsible for the job; once it has expired, the runner is taken for dead and
// another may claim the job.
struct PrintLease {
  std::string owner;
  workflow::Timestamp expires_at{};
};

class Store {
 public:
  virtual ~Store() = default;

  // Readiness: the database answers a trivial query.
  virtual Status ping() = 0;

  // Runs `work` — calls of this store's methods on this thread — as one transaction: all of it
  // is kept or none. Other threads wait meanwhile. For bulk loads (`sanfang bench-seed`), where
  // one transaction per change would dominate.
  virtual Status in_one_transaction(const std::function<Status()>& work) = 0;

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
  // The password policy (workflow/password_policy.h) is the caller's to apply. A change ends
  // every other session of the account: the session `kept_session_token` (the one that made
  // the change) stays valid, so the person changing it is not signed out, while a session an
  // attacker may hold ends. Unauthorized naming old_password when it is wrong.
  virtual Status change_password(std::int64_t account_id, std::string_view old_password,
                                 std::string_view new_password,
                                 std::string_view kept_session_token) = 0;
  // An administrator's reset: sets `new_password`, marks it for change at the next login and
  // ends every session of the account.
  virtual Status reset_password(std::int64_t account_id, std::string_view new_password) = 0;
  // Returns the bearer token; only its sha256 is stored.
  virtual Result<std::string> create_session(std::int64_t account_id, workflow::Timestamp now) = 0;
  virtual Result<workflow::Account> account_for_session(std::string_view token,
                                                        workflow::Timestamp now) = 0;
  virtual Status end_session(std::string_view token) = 0;

  // ---- workflow-over-HTTP area ----
  // Units whose name contains `name_part` (all units when empty), vetted ones first.
  virtual Result<std::vector<workflow::Employer>> search_employers(std::string_view name_part,
                                                                   int limit) = 0;
  // Stores a new unit with its audit events; when `bind_account_id` is not 0 the employer HR
  // account is bound to the unit in the same transaction (Conflict if it already keeps one).
  virtual Result<workflow::Employer> register_employer(
      const workflow::Employer& employer, std::int64_t bind_account_id,
      const std::vector<workflow::AuditEvent>& events) = 0;
  virtual Result<std::vector<workflow::Agreement>> list_agreements(const AgreementQuery& query) = 0;
  virtual Result<AgreementUpload> record_upload(std::int64_t agreement_id, std::int64_t account_id,
                                                const workflow::Attachment& attachment,
                                                workflow::Timestamp at) = 0;
  virtual Result<std::vector<AgreementUpload>> uploads_of(std::int64_t agreement_id) = 0;
  // How many units `account_id` has registered in the library (from the audit log), for the
  // limit on registrations (workflow/limits.h).
  virtual Result<int> employers_registered_by(std::int64_t account_id) = 0;

  // ---- accounts area ----
  // One imported line, all or nothing: the college (created or renamed), the student record and,
  // for a new student, a student account named after the student number with `initial_password`
  // and a forced change. An existing account keeps its password (a re-import only corrects data).
  // Conflict naming student_no when the user name belongs to another account.
  virtual Result<StudentImportOutcome> import_student(const workflow::College& college,
                                                      const workflow::Student& student,
                                                      std::string_view initial_password,
                                                      workflow::Timestamp now) = 0;

  // Captchas: only a digest of the answer is kept; checking one deletes it (single use), and
  // expired ones are pruned when new ones are made.
  virtual Status create_captcha(std::string_view captcha_id, std::string_view answer_digest,
                                workflow::Timestamp expires_at, workflow::Timestamp now) = 0;
  // True when the captcha exists, has not expired and its digest matches.
  virtual Result<bool> consume_captcha(std::string_view captcha_id, std::string_view answer_digest,
                                       workflow::Timestamp now) = 0;

  // API keys of service accounts (portal, print room): returned once, only the sha256 is stored;
  // they never expire but can be revoked.
  virtual Result<std::string> create_api_key(std::int64_t account_id, workflow::Timestamp now) = 0;
  virtual Result<workflow::Account> account_for_api_key(std::string_view key) = 0;
  // Revokes every live key of the account; returns how many were revoked.
  virtual Result<int> revoke_api_keys(std::int64_t account_id, workflow::Timestamp now) = 0;

  // WeChat binding (SPEC "Accounts"): a one-time token for the account, stored hashed.
  virtual Result<std::string> create_wechat_binding_token(std::int64_t account_id,
                                                          workflow::Timestamp expires_at,
                                                          workflow::Timestamp now) = 0;
  // Remembers a callback nonce; Conflict when it was seen before (a replayed callback). Nonces
  // older than `forget_before` are dropped: callbacks that old are refused by their timestamp.
  virtual Status record_wechat_nonce(std::string_view nonce, workflow::Timestamp now,
                                     workflow::Timestamp forget_before) = 0;
  // Uses the binding token (once) and binds `openid` to its account. InvalidInput naming
  // binding_token when it is unknown or expired, Conflict when it was used already or the openid
  // is bound to another account.
  virtual Result<workflow::Account> complete_wechat_binding(std::string_view binding_token,
                                                            std::string_view openid,
                                                            workflow::Timestamp now) = 0;
  virtual Result<bool> wechat_bound(std::int64_t account_id) = 0;

  // ---- documents area ----
  virtual Result<std::string> college_name(std::string_view college_code) = 0;
  virtual Result<workflow::Agreement> agreement_by_serial(std::string_view serial) = 0;
  // Writes the PDF durably to the blob store, then records it under the sha256 of its bytes
  // (document.sha256 is ignored). A document is recorded once per agreement: a second call keeps
  // the first record and returns it.
  virtual Result<SignedDocument> put_signed_document(const SignedDocument& document,
                                                     std::string_view pdf) = 0;
  // NotFound when the agreement has no stored document yet.
  virtual Result<SignedDocument> signed_document(std::int64_t agreement_id) = 0;
  // The signed document whose PDF bytes hash to `sha256` (lower-case hex): "is this file one the
  // school issued?" NotFound when no signed document has these bytes.
  virtual Result<SignedDocument> signed_document_by_sha256(std::string_view sha256) = 0;
  virtual Result<std::string> blob_bytes(std::string_view sha256) = 0;
  // The blob's file on this machine's disk (blobs are files beside either database), so that a
  // large download is sent with sendfile rather than read into memory.
  virtual Result<std::filesystem::path> blob_file(std::string_view sha256) = 0;
  virtual Status record_verification(const VerificationRecord& record) = 0;
  // Counts and the `recent_limit` newest checks; of one serial, or of all when `serial` is empty.
  virtual Result<VerificationSummary> verifications(std::string_view serial, int recent_limit) = 0;

  // ---- print room area ----
  // Selects the signed agreements the (normalised) request names in print order — college,
  // major, student number — and stores the job (queued) with that list and one print record per
  // agreement and copy, plus audit events, in one transaction. InvalidInput naming serials[i] for
  // a serial that names no signed agreement, and naming the request when nothing matches.
  virtual Result<workflow::PrintJob> create_print_job(const workflow::PrintRequest& request,
                                                      workflow::PrintJobOrigin origin,
                                                      const PrintOperator& by,
                                                      workflow::Timestamp now) = 0;
  virtual Result<workflow::PrintJob> print_job(std::int64_t id) = 0;
  // The newest `limit` jobs, newest first.
  virtual Result<std::vector<workflow::PrintJob>> print_jobs(int limit) = 0;
  // Queued jobs and jobs that were running when their runner stopped, oldest first.
  virtual Result<std::vector<workflow::PrintJob>> unfinished_print_jobs(workflow::PrintJobOrigin origin) = 0;
  // Up to `limit` items of a job from `from_position` on, in print order.
  virtual Result<std::vector<workflow::PrintItem>> print_items(std::int64_t job_id, int from_position,
                                                               int limit) = 0;

  // The claim rule, in one transaction so that two runners never claim the same job (on
  // PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED). Claims the oldest job that is ready: queued and
  // due (retry_at passed) — a service job, or a job whose owner's lease expired — or running
  // under an expired lease (its runner died). nullopt when none is ready.
  virtual Result<std::optional<workflow::PrintJob>> claim_next_print_job(const PrintLease& lease,
                                                                         workflow::Timestamp now) = 0;
  // Claims this job (`sanfang batch`, `--resume ID`). Conflict naming state when it is finished
  // or another owner's lease has not expired.
  //
  // Either claim starts a run: state running under `lease`, done 0, earlier errors cleared and
  // records live again. A job that was still running had lost its runner: that counts as a
  // failure, and every position recorded as being drawn gets a crash mark.
  virtual Result<workflow::PrintJob> claim_print_job(std::int64_t id, const PrintLease& lease,
                                                     workflow::Timestamp now) = 0;
  // Extends the lease; Conflict when `lease.owner` no longer holds the job (taken over, finished).
  virtual Status renew_print_lease(std::int64_t id, const PrintLease& lease) = 0;
  // Ends a lease at `now` when it is still held by `owner`, a process known to be dead.
  virtual Status break_print_lease(std::int64_t id, std::string_view owner, workflow::Timestamp now) = 0;
  // The positions [from, to] are about to be drawn (written before each slice); Conflict when
  // `owner` no longer holds the job.
  virtual Status record_print_drawing(std::int64_t id, std::string_view owner, int from, int to) = 0;
  // A clean stop (the service shuts down): running → queued, resumed by the next claim without
  // counting a failure.
  virtual Status release_print_job(std::int64_t id, std::string_view owner) = 0;
  // A run that failed for a reason worth retrying: running → queued until `retry_at`, one more
  // failure counted, `reason` kept. Conflict when `owner` no longer holds the job.
  virtual Status retry_print_job(std::int64_t id, std::string_view owner, std::string_view reason,
                                 workflow::Timestamp retry_at) = 0;
  virtual Status record_print_progress(std::int64_t id, int done) = 0;
  // An agreement that failed to render: the error is kept with the job and its records voided.
  virtual Status record_print_failure(std::int64_t job_id, const workflow::PrintItem& item,
                                      std::string_view message, workflow::Timestamp now) = 0;
  // running → done with the file's facts; Conflict naming state when it was cancelled meanwhile.
  virtual Status finish_print_job(std::int64_t id, int pages, std::int64_t file_size,
                                  std::string_view sha256, workflow::Timestamp now) = 0;
  // queued or running → failed with `message` listed in its errors; the job's records are voided.
  virtual Status fail_print_job(std::int64_t id, std::string_view message, workflow::Timestamp now) = 0;
  // queued or running → cancelled, voiding the job's records; Conflict naming state otherwise.
  virtual Result<workflow::PrintJob> cancel_print_job(std::int64_t id, const PrintOperator& by,
                                                      workflow::Timestamp now) = 0;
  // Every record of an agreement's copies, oldest first.
  virtual Result<std::vector<PrintRecord>> print_records(std::int64_t agreement_id) = 0;
};

}  // namespace sanfang::store
