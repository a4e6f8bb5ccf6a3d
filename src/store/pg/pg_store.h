// The store on PostgreSQL, for several `sanfang serve` instances on one database (issue 10).
// Same semantics as SqliteStore (store/sqlite_store.h) method for method; what differs is how
// the rules hold when several processes write at once:
//   - every method takes a connection from a bounded pool (Busy when none frees up in time) and
//     runs in its own transaction, retried on serialization failure or deadlock;
//   - versions are checked by UPDATE … WHERE version = $n on a row locked first (FOR UPDATE), so
//     of two concurrent changes one wins and the other gets Conflict;
//   - a serial comes from `UPDATE serial_counters … RETURNING` inside the signing transaction:
//     the counter row is locked until the signing commits or rolls back, so serials are unique and
//     gapless per school and year on all instances;
//   - the audit chain is appended under a transaction-scoped advisory lock: one chain;
//   - print jobs are claimed with FOR UPDATE SKIP LOCKED under the same lease rules as SQLite;
//   - blobs live in the database in 1 MiB chunks (never one large bytea in memory), and
//     blob_file() writes a read-through cache file by content hash (blobs never change), so large
//     downloads are still sent from disk.
// Trade-off: the cache directory is this machine's; it is never invalidated (content-addressed)
// and never pruned here — deleting files from it is always safe.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "store/blob_store.h"
#include "store/pg/pg_pool.h"
#include "store/secrets.h"
#include "store/store.h"

namespace sanfang::store {

struct PgStoreOptions {
  std::string url;  // libpq connection URI (postgresql://…); PG* environment variables apply
  int pool_size = 8;
  std::chrono::milliseconds acquire_timeout{5'000};
  std::filesystem::path blob_cache_dir;  // created when missing
  std::string school_code;               // 院校代码, the first 5 digits of every serial
  std::int64_t max_attachment_bytes = 10 * 1024 * 1024;
  // Where Argon2id runs; null: PasswordHasher::process_default().
  std::shared_ptr<PasswordHasher> password_hasher;
};

class PgStore final : public Store {
 public:
  // Connects (Io when the server cannot be reached or refuses the login) and migrates the schema
  // (Storage when the database is newer than this build).
  static Result<std::unique_ptr<PgStore>> open(PgStoreOptions options);

  // Records the verification key's fingerprint on first use and refuses (Conflict, naming
  // `key_file`) a key that differs from the recorded one. For `sanfang serve` at start.
  Status check_key_fingerprint(std::string_view fingerprint, const std::filesystem::path& key_file);

  // For work that must run once per cluster (invitation expiry, session clean-up): the lock while
  // it is held by this process, nullopt when another process holds it. It keeps one pooled
  // connection until released.
  Result<std::optional<pg::AdvisoryLock>> try_advisory_lock(const std::string& name);

  Status ping() override;
  Status in_one_transaction(const std::function<Status()>& work) override;
  Status put_college(const workflow::College& college) override;
  Status put_student(const workflow::Student& student) override;
  Result<workflow::Student> student(std::string_view student_no) override;
  Result<workflow::Employer> insert_employer(const workflow::Employer& employer) override;
  Result<workflow::Employer> employer(std::int64_t id) override;
  Result<workflow::Employer> apply_employer_change(const workflow::EmployerChange& change,
                                                   std::int64_t expected_version) override;

  Result<workflow::SourceInfo> source_info(std::string_view student_no) override;
  Result<workflow::SourceInfo> apply_source_info_change(const workflow::SourceInfoChange& change,
                                                        std::int64_t expected_version) override;

  Result<workflow::Agreement> agreement(std::int64_t id) override;
  Result<std::vector<workflow::Agreement>> agreements_in_state(
      workflow::AgreementState state) override;
  Result<std::vector<workflow::Agreement>> agreements_of_student(
      std::string_view student_no) override;
  Result<workflow::Parties> parties_for(std::string_view student_no, std::int64_t employer_id,
                                        std::int64_t agreement_id) override;
  Result<workflow::Agreement> insert_agreement(const workflow::AgreementChange& change) override;
  Result<workflow::Agreement> apply_agreement_change(const workflow::AgreementChange& change,
                                                     std::int64_t expected_version) override;
  Result<workflow::TerminationRequest> pending_termination(std::int64_t agreement_id) override;

  Result<workflow::Attachment> store_attachment(std::string_view bytes,
                                                workflow::AttachmentPurpose purpose) override;
  Result<std::string> attachment_bytes(std::string_view sha256) override;

  Result<std::vector<AuditRecord>> audit_trail(std::string_view entity,
                                               std::string_view entity_id) override;
  Result<std::vector<AuditRecord>> audit_log(const AuditQuery& query) override;
  Result<std::int64_t> count_audit(const AuditQuery& query) override;
  Result<AuditChainReport> verify_audit_chain() override;

  Result<workflow::Account> create_account(const NewAccount& account,
                                           workflow::Timestamp now) override;
  Result<workflow::Account> create_audited_account(const NewAccount& account, workflow::Timestamp now,
                                                   workflow::AuditEvent created) override;
  Result<workflow::Account> account_by_id(std::int64_t id) override;
  Result<workflow::Account> account_by_username(std::string_view username) override;
  Result<std::vector<workflow::Account>> list_accounts(const AccountQuery& query) override;
  Result<std::int64_t> count_accounts(const AccountQuery& query) override;
  Result<workflow::Account> set_account_disabled(std::int64_t account_id, bool disabled,
                                                 const workflow::AuditEvent& event) override;
  Result<workflow::Account> account_of_student(std::string_view student_no) override;
  Result<workflow::Account> check_login(std::string_view username, std::string_view password,
                                        workflow::Timestamp now) override;
  Result<LoginThrottle> login_throttle(std::string_view username, workflow::Timestamp now) override;
  Status change_password(std::int64_t account_id, std::string_view old_password,
                         std::string_view new_password, std::string_view kept_session_token) override;
  Status reset_password(std::int64_t account_id, std::string_view new_password,
                        const workflow::AuditEvent& event) override;
  Result<std::string> create_session(std::int64_t account_id, workflow::Timestamp now) override;
  Result<workflow::Account> account_for_session(std::string_view token,
                                                workflow::Timestamp now) override;
  Status end_session(std::string_view token) override;

  Result<std::vector<workflow::Employer>> search_employers(std::string_view name_part,
                                                           int limit) override;
  Result<workflow::Employer> register_employer(const workflow::Employer& employer,
                                               std::int64_t bind_account_id,
                                               const std::vector<workflow::AuditEvent>& events) override;
  Result<std::vector<workflow::Agreement>> list_agreements(const AgreementQuery& query) override;
  Result<std::int64_t> count_agreements(const AgreementQuery& query) override;
  Result<std::vector<StudentListing>> list_students(const StudentQuery& query) override;
  Result<std::int64_t> count_students(const StudentQuery& query) override;
  Result<AgreementStatistics> agreement_statistics(const StatisticsQuery& query) override;
  Result<AgreementUpload> record_upload(std::int64_t agreement_id, std::int64_t account_id,
                                        const workflow::Attachment& attachment,
                                        workflow::Timestamp at) override;
  Result<std::vector<AgreementUpload>> uploads_of(std::int64_t agreement_id) override;
  Result<int> employers_registered_by(std::int64_t account_id) override;

  Result<StudentImportOutcome> import_student(const workflow::College& college,
                                              const workflow::Student& student,
                                              std::string_view initial_password,
                                              workflow::Timestamp now) override;
  Status create_captcha(std::string_view captcha_id, std::string_view answer_digest,
                        workflow::Timestamp expires_at, workflow::Timestamp now) override;
  Result<bool> consume_captcha(std::string_view captcha_id, std::string_view answer_digest,
                               workflow::Timestamp now) override;
  Result<IssuedApiKey> create_api_key(std::int64_t account_id, std::string_view name, workflow::Timestamp now,
                                      const std::vector<workflow::AuditEvent>& events) override;
  Result<workflow::Account> account_for_api_key(std::string_view key) override;
  Result<std::vector<ApiKeyInfo>> api_keys(std::int64_t account_id) override;
  Status revoke_api_key(std::int64_t account_id, std::int64_t key_id, workflow::Timestamp now,
                        const workflow::AuditEvent& event) override;
  Result<int> revoke_api_keys(std::int64_t account_id, workflow::Timestamp now) override;
  Result<std::string> create_wechat_binding_token(std::int64_t account_id,
                                                  workflow::Timestamp expires_at,
                                                  workflow::Timestamp now) override;
  Status record_wechat_nonce(std::string_view nonce, workflow::Timestamp now,
                             workflow::Timestamp forget_before) override;
  Result<std::int64_t> forget_expired_credentials(workflow::Timestamp now) override;
  Result<workflow::Account> complete_wechat_binding(std::string_view binding_token,
                                                    std::string_view openid,
                                                    workflow::Timestamp now,
                                                    workflow::AuditEvent bound) override;
  Result<bool> wechat_bound(std::int64_t account_id) override;
  Result<workflow::Account> account_for_wechat(std::string_view openid) override;
  Status unbind_wechat(std::int64_t account_id, const workflow::AuditEvent& event) override;

  Result<std::string> college_name(std::string_view college_code) override;
  Result<workflow::Agreement> agreement_by_serial(std::string_view serial) override;
  Result<SignedDocument> put_signed_document(const SignedDocument& document,
                                             std::string_view pdf) override;
  Result<SignedDocument> signed_document(std::int64_t agreement_id) override;
  Result<SignedDocument> signed_document_by_sha256(std::string_view sha256) override;
  Result<StoredBlob> put_blob_file(const std::filesystem::path& file, std::string_view sha256,
                                   workflow::Timestamp now) override;
  Result<std::string> blob_bytes(std::string_view sha256) override;
  Result<std::filesystem::path> blob_file(std::string_view sha256) override;
  Status record_verification(const VerificationRecord& record) override;
  Result<VerificationSummary> verifications(std::string_view serial, int recent_limit) override;

  Result<std::optional<std::string>> public_base() override;
  Result<std::string> adopt_public_base(const std::string& url, const workflow::Actor& by,
                                        workflow::Timestamp now) override;
  Result<std::string> change_public_base(const std::string& url, const workflow::Actor& by,
                                         workflow::Timestamp now) override;

  Result<workflow::PrintJob> create_print_job(const workflow::PrintRequest& request,
                                              workflow::PrintJobOrigin origin, const PrintOperator& by,
                                              workflow::Timestamp now) override;
  Result<workflow::PrintJob> print_job(std::int64_t id) override;
  Result<std::vector<workflow::PrintJob>> print_jobs(int limit) override;
  Result<std::vector<workflow::PrintJob>> unfinished_print_jobs(workflow::PrintJobOrigin origin) override;
  Result<std::vector<workflow::PrintItem>> print_items(std::int64_t job_id, int from_position,
                                                       int limit) override;
  Result<std::optional<workflow::PrintJob>> claim_next_print_job(const PrintLease& lease,
                                                                 workflow::Timestamp now) override;
  Result<workflow::PrintJob> claim_print_job(std::int64_t id, const PrintLease& lease,
                                             workflow::Timestamp now) override;
  Status renew_print_lease(std::int64_t id, const PrintLease& lease) override;
  Status break_print_lease(std::int64_t id, std::string_view owner, workflow::Timestamp now) override;
  Status record_print_drawing(std::int64_t id, int n, std::string_view owner, int from, int to) override;
  Status release_print_job(std::int64_t id, std::string_view owner) override;
  Status retry_print_job(std::int64_t id, std::string_view owner, std::string_view reason,
                         workflow::Timestamp retry_at) override;
  Status record_print_progress(std::int64_t job_id, int n, int drawn) override;
  Status record_print_failure(std::int64_t job_id, const workflow::PrintItem& item,
                              std::string_view message, workflow::Timestamp now) override;
  Result<std::optional<int>> claim_print_part(std::int64_t job_id, const PrintLease& lease,
                                              workflow::Timestamp now) override;
  Result<std::optional<PrintPartClaim>> claim_print_part_to_help(const PrintLease& lease, workflow::Timestamp now,
                                                                 std::optional<std::int64_t> only_job = std::nullopt) override;
  Status break_print_part_lease(std::int64_t job_id, int n, std::string_view runner, workflow::Timestamp now) override;
  Status renew_print_part_leases(std::int64_t job_id, const PrintLease& lease) override;
  Status release_print_part(std::int64_t job_id, int n, std::string_view owner) override;
  Status finish_print_part(std::int64_t job_id, int n, std::string_view owner, int pages, std::int64_t file_size,
                           std::string_view sha256, workflow::Timestamp now) override;
  Status finish_print_job(std::int64_t id, int pages, std::int64_t file_size, std::string_view sha256,
                          workflow::Timestamp now) override;
  Status fail_print_job(std::int64_t id, std::string_view message, workflow::Timestamp now) override;
  Result<workflow::PrintJob> cancel_print_job(std::int64_t id, const PrintOperator& by,
                                              workflow::Timestamp now) override;
  Result<std::vector<PrintRecord>> print_records(std::int64_t agreement_id) override;

  Result<bool> claim_periodic_run(std::string_view name, std::chrono::seconds period,
                                  workflow::Timestamp now) override;

  // ---- webhooks area (pg_store_webhooks.cpp) ----
  Result<WebhookEndpoint> create_webhook_endpoint(const WebhookEndpoint& endpoint,
                                                  const workflow::AuditEvent& created) override;
  Result<std::vector<WebhookEndpoint>> webhook_endpoints() override;
  Result<WebhookEndpoint> webhook_endpoint(std::int64_t id) override;
  Status remove_webhook_endpoint(std::int64_t id, const workflow::AuditEvent& removed) override;
  Result<std::vector<WebhookDelivery>> webhook_deliveries(const WebhookDeliveryQuery& query) override;
  Result<std::int64_t> count_webhook_deliveries(const WebhookDeliveryQuery& query) override;
  Result<WebhookDelivery> webhook_delivery(std::int64_t endpoint_id, std::int64_t delivery_id) override;
  Result<WebhookDelivery> replay_webhook_delivery(std::int64_t endpoint_id, std::int64_t delivery_id,
                                                  workflow::Timestamp now,
                                                  const workflow::AuditEvent& replayed) override;
  Result<std::vector<DueWebhook>> claim_due_webhooks(workflow::Timestamp now, workflow::Timestamp claimed_until,
                                                     int limit) override;
  Status record_webhook_attempt(std::int64_t delivery_id, const WebhookAttempt& attempt) override;

 private:
  PgStore(PgStoreOptions options, std::shared_ptr<pg::ConnectionPool> pool)
      : m_options(std::move(options)), m_pool(std::move(pool)) {
    if (!m_options.password_hasher) m_options.password_hasher = PasswordHasher::process_default();
  }

  // Helpers on a connection the caller holds (inside its transaction where it matters).
  Status write_college(pg::Connection& c, const workflow::College& college);
  Status write_student(pg::Connection& c, const workflow::Student& student);
  Result<workflow::Student> load_student(pg::Connection& c, std::string_view student_no);
  Result<workflow::Employer> load_employer(pg::Connection& c, std::int64_t id);
  Result<workflow::SourceInfo> load_source_info(pg::Connection& c, std::string_view student_no);
  Result<workflow::Agreement> load_agreement(pg::Connection& c, std::int64_t id);
  Result<std::vector<workflow::Agreement>> load_agreements(pg::Connection& c, const std::string& where,
                                                           const pg::Params& params);
  Result<std::vector<workflow::Attachment>> load_attachments(pg::Connection& c, std::string_view table,
                                                             std::string_view owner_column,
                                                             std::int64_t owner_id);
  Status write_attachments(pg::Connection& c, std::string_view table, std::string_view owner_column,
                           std::int64_t owner_id, const std::vector<workflow::Attachment>& list);
  Status write_termination(pg::Connection& c, const workflow::TerminationRequest& termination);
  Result<std::string> allocate_serial(pg::Connection& c, int graduation_year);
  Status write_public_base(pg::Connection& c, const std::string& old_url, const std::string& url,
                           const workflow::Actor& by, workflow::Timestamp now);
  // Appends the events to the audit chain, and their outbox rows for the webhook endpoints that
  // subscribed to them (store/webhook_store.h).
  Status append_audit_events(pg::Connection& c, const std::vector<workflow::AuditEvent>& events,
                             const std::string& entity_id_for_new);
  // The outbox rows of announced events (audit id, event).
  Status enqueue_webhook_deliveries(pg::Connection& c,
                                    const std::vector<std::pair<std::int64_t, workflow::AuditEvent>>& announced);
  Result<workflow::Account> load_account_by_id(pg::Connection& c, std::int64_t id);
  Result<SignedDocument> load_signed_document(pg::Connection& c, std::int64_t agreement_id);
  Result<workflow::PrintJob> load_print_job(pg::Connection& c, std::int64_t id);
  Result<std::vector<workflow::PrintJob>> load_print_jobs(pg::Connection& c, const pg::Rows& ids);
  // The job's state, its row locked until the transaction ends.
  Result<workflow::PrintJobState> lock_print_job(pg::Connection& c, std::int64_t id);
  // `helper`: only a part nobody has started (PrintStore::claim_print_part_to_help).
  Result<std::optional<int>> claim_locked_print_part(pg::Connection& c, std::int64_t job_id, const PrintLease& lease,
                                                     workflow::Timestamp now, bool helper);
  // The job's progress from its parts'.
  Status sum_print_progress(pg::Connection& c, std::int64_t job_id);
  // One more crash on each position of [from, to].
  Status mark_print_crashes(pg::Connection& c, std::int64_t job_id, std::int64_t from, std::int64_t to);
  // `into_folder`: the run's files go to a command's folder (claim_print_job).
  Result<workflow::PrintJob> claim_locked_print_job(pg::Connection& c, std::int64_t id,
                                                    const PrintLease& lease, workflow::Timestamp now,
                                                    bool into_folder);
  Status void_print_records(pg::Connection& c, std::int64_t job_id,
                            std::optional<std::int64_t> agreement_id, workflow::Timestamp now);
  // Checks and stores the bytes (chunks, then the blobs row) once per content.
  Result<StoredBlob> put_blob(std::string_view bytes, workflow::Timestamp created_at);
  // Where blob_file() keeps this machine's copy of a blob (the name is checked by the caller).
  std::filesystem::path cache_path_of(std::string_view sha256) const;

  PgStoreOptions m_options;
  std::shared_ptr<pg::ConnectionPool> m_pool;
};

}  // namespace sanfang::store
