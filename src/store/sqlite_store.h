// The embedded store: one SQLite file and a blob folder inside a data folder (SPEC "Storage").
// One SqliteStore is one connection; its methods are serialised by an internal mutex, so it may be
// shared, but threads that want to work in parallel open their own (SQLite's WAL lets readers run
// beside the one writer; writers queue on the busy timeout).
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "store/blob_store.h"
#include "store/secrets.h"
#include "store/sqlite_handle.h"
#include "store/store.h"

namespace sanfang::store {

struct SqliteStoreOptions {
  std::filesystem::path data_dir;  // created when missing; holds sanfang.sqlite3 and blobs/
  std::string school_code;         // 院校代码, the first 5 digits of every serial
  std::chrono::milliseconds busy_timeout{10'000};
  std::int64_t max_attachment_bytes = 10 * 1024 * 1024;
  // false only for generated benchmark data: see sqlite::Database::open.
  bool durable = true;
  // Where Argon2id runs; null: PasswordHasher::process_default().
  std::shared_ptr<PasswordHasher> password_hasher;
};

class SqliteStore final : public Store {
 public:
  // Creates the data folder, opens the database and applies pending migrations.
  static Result<std::unique_ptr<SqliteStore>> open(SqliteStoreOptions options);

  static std::filesystem::path database_path(const std::filesystem::path& data_dir) {
    return data_dir / "sanfang.sqlite3";
  }

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

  // ---- workflow-over-HTTP area ----
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

  // ---- accounts area ----
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

  // ---- documents area ----
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

  // ---- print room area (sqlite_store_print.cpp) ----
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
  Result<workflow::PrintJob> claim_print_job(std::int64_t id, const PrintLease& lease, workflow::Timestamp now) override;
  Status renew_print_lease(std::int64_t id, const PrintLease& lease) override;
  Status break_print_lease(std::int64_t id, std::string_view owner, workflow::Timestamp now) override;
  Status record_print_drawing(std::int64_t id, int n, std::string_view owner, int from, int to) override;
  Status release_print_job(std::int64_t id, std::string_view owner) override;
  Status retry_print_job(std::int64_t id, std::string_view owner, std::string_view reason,
                         workflow::Timestamp retry_at) override;
  Status record_print_progress(std::int64_t job_id, int n, int drawn) override;
  Status record_print_failure(std::int64_t job_id, const workflow::PrintItem& item, std::string_view message,
                              workflow::Timestamp now) override;
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

  // ---- webhooks area (sqlite_store_webhooks.cpp) ----
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
  SqliteStore(SqliteStoreOptions options, sqlite::Database db, BlobStore blobs)
      : m_options(std::move(options)), m_db(std::move(db)), m_blobs(std::move(blobs)) {
    if (!m_options.password_hasher) m_options.password_hasher = PasswordHasher::process_default();
  }

  // Unlocked helpers: the caller holds m_mutex (and a transaction where it matters).
  Status write_college(const workflow::College& college);
  Status write_student(const workflow::Student& student);
  Result<workflow::Agreement> load_agreement(std::int64_t id);
  Result<std::vector<workflow::Agreement>> load_agreements(std::string_view where_clause,
                                                           std::string_view parameter);
  Result<std::vector<workflow::Attachment>> load_attachments(std::string_view table,
                                                             std::string_view owner_column,
                                                             std::int64_t owner_id);
  Status write_attachments(std::string_view table, std::string_view owner_column,
                           std::int64_t owner_id, const std::vector<workflow::Attachment>& list);
  Status write_termination(const workflow::TerminationRequest& termination);
  Result<std::string> allocate_serial(int graduation_year);
  Result<std::optional<std::string>> stored_public_base();
  Status write_public_base(const std::string& old_url, const std::string& url, const workflow::Actor& by,
                           workflow::Timestamp now);
  // Appends the events to the audit chain, and their outbox rows for the webhook endpoints that
  // subscribed to them (store/webhook_store.h).
  Status append_audit_events(const std::vector<workflow::AuditEvent>& events,
                             const std::string& entity_id_for_new);
  // The outbox rows of announced events (audit id, event).
  Status enqueue_webhook_deliveries(const std::vector<std::pair<std::int64_t, workflow::AuditEvent>>& announced);
  Result<std::vector<WebhookEndpoint>> load_webhook_endpoints();
  Result<WebhookEndpoint> load_webhook_endpoint(std::int64_t id);
  Result<WebhookDelivery> load_webhook_delivery(std::int64_t endpoint_id, std::int64_t delivery_id);
  Result<workflow::Account> load_account_by_id(std::int64_t id);
  Result<workflow::Student> load_student(std::string_view student_no);
  Result<workflow::Employer> load_employer(std::int64_t id);
  Result<workflow::SourceInfo> load_source_info(std::string_view student_no);
  Result<SignedDocument> load_signed_document(std::int64_t agreement_id);
  // The blobs row of a blob whose file is in place (kept when one exists).
  Status record_blob(const StoredBlob& blob, workflow::Timestamp created_at);
  Result<workflow::PrintJob> load_print_job(std::int64_t id);
  // The jobs whose ids the statement yields, in that order.
  Result<std::vector<workflow::PrintJob>> load_print_jobs(sqlite::Statement& ids);
  Result<workflow::PrintJobState> print_job_state(std::int64_t id);
  // `into_folder`: the run's files go to a command's folder (claim_print_job).
  Result<workflow::PrintJob> claim_print_job_locked(std::int64_t id, const PrintLease& lease, workflow::Timestamp now,
                                                    bool into_folder);
  // `helper`: only a part nobody has started (PrintStore::claim_print_part_to_help).
  Result<std::optional<int>> claim_print_part_locked(std::int64_t job_id, const PrintLease& lease,
                                                     workflow::Timestamp now, bool helper);
  // The job's progress from its parts'; nobody draws its parts not done (a run ended).
  Status sum_print_progress(std::int64_t job_id);
  // One more crash on each position of [from, to].
  Status mark_print_crashes(std::int64_t job_id, std::int64_t from, std::int64_t to);
  Status clear_print_part_leases(std::int64_t job_id);
  Status void_print_records(std::int64_t job_id, std::optional<std::int64_t> agreement_id, workflow::Timestamp now);

  SqliteStoreOptions m_options;
  std::recursive_mutex m_mutex;  // recursive: in_one_transaction() calls the other methods
  sqlite::Database m_db;
  BlobStore m_blobs;
};

}  // namespace sanfang::store
