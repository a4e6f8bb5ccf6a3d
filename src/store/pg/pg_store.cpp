// PgStore: opening, the records of the workflow (colleges, students, employers, source info,
// agreements, terminations) and the audit chain.
#include "store/pg/pg_store.h"

#include "core/validate.h"
#include "store/audit_chain.h"
#include "store/audit_query_sql.h"
#include "workflow/webhook_rules.h"
#include "store/pg/pg_migrations.h"
#include "store/pg/pg_store_rows.h"
#include "store/private_files.h"
#include "workflow/uniqueness_rules.h"

namespace sanfang::store {

using pg::Connection;
using pg::Params;
using workflow::Agreement;
using workflow::AgreementState;
using workflow::Timestamp;

Result<std::unique_ptr<PgStore>> PgStore::open(PgStoreOptions options) {
  if (options.blob_cache_dir.empty())
    return Error::invalid("blob_cache_dir", "PostgreSQL 存储需要本机的文件缓存目录");
  TRY(make_private_folder(options.blob_cache_dir));
  auto pool = TRY(pg::ConnectionPool::open(
      {options.url, options.pool_size, options.acquire_timeout, /*transaction_attempts=*/5}));
  TRY(pg::migrate(*pool));
  return std::unique_ptr<PgStore>(new PgStore(std::move(options), std::move(pool)));
}

Status PgStore::check_key_fingerprint(std::string_view fingerprint, const std::filesystem::path& key_file) {
  return pg::check_key_fingerprint(*m_pool, fingerprint, key_file);
}

Result<std::optional<pg::AdvisoryLock>> PgStore::try_advisory_lock(const std::string& name) {
  return m_pool->try_advisory_lock(name);
}

Result<bool> PgStore::claim_periodic_run(std::string_view name, std::chrono::seconds period, Timestamp now) {
  return m_pool->transact([&](Connection& c) -> Result<bool> {
    // Another instance holding the name's lock is claiming this very period: nothing to wait for.
    // Transaction-scoped, on this transaction's connection: released by its end, whatever it is.
    auto locked = TRY(c.exec("SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0))",
                             Params().add("sanfang periodic " + std::string(name))));
    if (!locked.boolean(0, 0)) return false;
    auto claimed = TRY(c.exec("INSERT INTO periodic_runs(name, last_run_at) VALUES ($1, $2)"
                              " ON CONFLICT(name) DO UPDATE SET last_run_at = excluded.last_run_at"
                              " WHERE periodic_runs.last_run_at <= $2::bigint - $3::bigint RETURNING 1",
                              Params().add(name).add(workflow::to_unix_seconds(now)).add(static_cast<std::int64_t>(period.count()))));
    return !claimed.empty();
  });
}

Status PgStore::ping() {
  return m_pool->with_connection([](Connection& c) { return c.run("SELECT 1"); });
}

Status PgStore::in_one_transaction(const std::function<Status()>& work) { return m_pool->bind_thread(work); }

// ---- colleges, students, employers -----------------------------------------------------------

Status PgStore::write_college(Connection& c, const workflow::College& college) {
  return c.run("INSERT INTO colleges(code, name) VALUES ($1, $2)"
               " ON CONFLICT(code) DO UPDATE SET name = excluded.name",
               Params().add(college.code).add(college.name));
}

Status PgStore::put_college(const workflow::College& college) {
  return m_pool->with_connection([&](Connection& c) { return write_college(c, college); });
}

Status PgStore::write_student(Connection& c, const workflow::Student& s) {
  return c.run(
      "INSERT INTO students(student_no, name, id_number, gender, college_code, major, degree,"
      " graduation_year) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
      " ON CONFLICT(student_no) DO UPDATE SET name = excluded.name,"
      " id_number = excluded.id_number, gender = excluded.gender,"
      " college_code = excluded.college_code, major = excluded.major, degree = excluded.degree,"
      " graduation_year = excluded.graduation_year",
      Params()
          .add(s.student_no)
          .add(s.name)
          .add(s.id_number)
          .add(s.gender)
          .add(s.college_code)
          .add(s.major)
          .add(s.degree)
          .add(s.graduation_year));
}

Status PgStore::put_student(const workflow::Student& s) {
  return m_pool->with_connection([&](Connection& c) { return write_student(c, s); });
}

Result<workflow::Student> PgStore::load_student(Connection& c, std::string_view student_no) {
  auto rows = TRY(c.exec(
      "SELECT student_no, name, id_number, gender, college_code, major, degree, graduation_year"
      " FROM students WHERE student_no = $1",
      Params().add(student_no)));
  if (rows.empty()) return Error::make(ErrorKind::NotFound, "学生不存在", "student_no");
  return workflow::Student{rows.text(0, 0), rows.text(0, 1), rows.text(0, 2), rows.text(0, 3),
                           rows.text(0, 4), rows.text(0, 5), rows.text(0, 6),
                           static_cast<int>(rows.int64(0, 7))};
}

Result<workflow::Student> PgStore::student(std::string_view student_no) {
  return m_pool->with_connection([&](Connection& c) { return load_student(c, student_no); });
}

Result<workflow::Employer> PgStore::load_employer(Connection& c, std::int64_t id) {
  auto rows = TRY(c.exec("SELECT id, name, uscc, profile, vetted, version FROM employers WHERE id = $1",
                         Params().add(id)));
  if (rows.empty()) return Error::make(ErrorKind::NotFound, "用人单位不存在", "employer_id");
  workflow::Employer employer;
  employer.id = rows.int64(0, 0);
  employer.name = rows.text(0, 1);
  employer.uscc = rows.text(0, 2);
  employer.profile = TRY(pg::parse_json_column(rows.text(0, 3), "profile"));
  employer.vetted = rows.boolean(0, 4);
  employer.version = rows.int64(0, 5);
  return employer;
}

Result<workflow::Employer> PgStore::employer(std::int64_t id) {
  return m_pool->with_connection([&](Connection& c) { return load_employer(c, id); });
}

namespace {

Result<std::int64_t> insert_employer_row(Connection& c, const workflow::Employer& employer) {
  auto inserted = TRY(c.exec(
      "INSERT INTO employers(name, uscc, profile, vetted, version) VALUES ($1, $2, $3, $4, 1) RETURNING id",
      Params().add(employer.name).add(employer.uscc).add(employer.profile.dump()).add(employer.vetted)));
  return inserted.int64(0, 0);
}

}  // namespace

Result<workflow::Employer> PgStore::insert_employer(const workflow::Employer& employer) {
  return m_pool->transact([&](Connection& c) -> Result<workflow::Employer> {
    return load_employer(c, TRY(insert_employer_row(c, employer)));
  });
}

Result<workflow::Employer> PgStore::apply_employer_change(const workflow::EmployerChange& change,
                                                          std::int64_t expected_version) {
  return m_pool->transact([&](Connection& c) -> Result<workflow::Employer> {
    const workflow::Employer& e = change.employer;
    auto updated = TRY(c.exec(
        "UPDATE employers SET name = $1, uscc = $2, profile = $3, vetted = $4, version = version + 1"
        " WHERE id = $5 AND version = $6",
        Params().add(e.name).add(e.uscc).add(e.profile.dump()).add(e.vetted).add(e.id).add(expected_version)));
    if (updated.affected() == 0) {
      TRY(load_employer(c, e.id));
      return Error::make(ErrorKind::Conflict, "用人单位信息已被他人修改，请刷新后重试", "version");
    }
    TRY(append_audit_events(c, change.events, std::to_string(e.id)));
    return load_employer(c, e.id);
  });
}

// ---- source info -------------------------------------------------------------------------------

Result<workflow::SourceInfo> PgStore::load_source_info(Connection& c, std::string_view student_no) {
  const workflow::Student student = TRY(load_student(c, student_no));
  workflow::SourceInfo info;
  info.student_no = student.student_no;
  info.college_code = student.college_code;
  auto rows = TRY(c.exec(
      "SELECT sections, state, reject_reason, updated_at, version FROM source_infos WHERE student_no = $1",
      Params().add(student_no)));
  if (rows.empty()) return info;
  const auto sections = TRY(pg::parse_json_column(rows.text(0, 0), "sections"));
  info.sections.basic = sections.value("basic", nlohmann::json::object());
  info.sections.contact = sections.value("contact", nlohmann::json::object());
  info.sections.enrolment = sections.value("enrolment", nlohmann::json::object());
  info.sections.archive = sections.value("archive", nlohmann::json::object());
  info.state = TRY(workflow::parse_source_info_state(rows.text(0, 1)));
  info.reject_reason = rows.text(0, 2);
  info.updated_at = workflow::from_unix_seconds(rows.int64(0, 3));
  info.version = rows.int64(0, 4);
  return info;
}

Result<workflow::SourceInfo> PgStore::source_info(std::string_view student_no) {
  return m_pool->with_connection([&](Connection& c) { return load_source_info(c, student_no); });
}

Result<workflow::SourceInfo> PgStore::apply_source_info_change(const workflow::SourceInfoChange& change,
                                                               std::int64_t expected_version) {
  return m_pool->transact([&](Connection& c) -> Result<workflow::SourceInfo> {
    const workflow::SourceInfo& info = change.source_info;
    const std::string sections = nlohmann::json{{"basic", info.sections.basic},
                                                {"contact", info.sections.contact},
                                                {"enrolment", info.sections.enrolment},
                                                {"archive", info.sections.archive}}
                                     .dump();
    Params params;
    params.add(sections)
        .add(workflow::to_string(info.state))
        .add(info.reject_reason)
        .add(workflow::to_unix_seconds(info.updated_at))
        .add(info.student_no);
    if (expected_version != 0) params.add(expected_version);
    auto written = TRY(c.exec(
        expected_version == 0
            ? "INSERT INTO source_infos(sections, state, reject_reason, updated_at, version, student_no)"
              " VALUES ($1, $2, $3, $4, 1, $5) ON CONFLICT(student_no) DO NOTHING"
            : "UPDATE source_infos SET sections = $1, state = $2, reject_reason = $3, updated_at = $4,"
              " version = version + 1 WHERE student_no = $5 AND version = $6",
        params));
    if (written.affected() == 0)
      return Error::make(ErrorKind::Conflict, "生源信息已被他人修改，请刷新后重试", "version");
    TRY(append_audit_events(c, change.events, info.student_no));
    return load_source_info(c, info.student_no);
  });
}

// ---- agreements --------------------------------------------------------------------------------

Result<std::vector<workflow::Attachment>> PgStore::load_attachments(Connection& c, std::string_view table,
                                                                    std::string_view owner_column,
                                                                    std::int64_t owner_id) {
  auto rows = TRY(c.exec("SELECT l.sha256, b.media_type, b.size, l.purpose FROM " + std::string(table) +
                             " l JOIN blobs b ON b.sha256 = l.sha256 WHERE l." + std::string(owner_column) +
                             " = $1 ORDER BY l.position",
                         Params().add(owner_id)));
  std::vector<workflow::Attachment> list;
  for (int r = 0; r < rows.size(); ++r) {
    // TRY before the aggregate: leaving a statement expression mid-initialiser skips destructors.
    const auto type = TRY(workflow::parse_media_type(rows.text(r, 1)));
    const auto purpose = TRY(workflow::parse_attachment_purpose(rows.text(r, 3)));
    list.push_back(workflow::Attachment{rows.text(r, 0), type, rows.int64(r, 2), purpose});
  }
  return list;
}

Status PgStore::write_attachments(Connection& c, std::string_view table, std::string_view owner_column,
                                  std::int64_t owner_id, const std::vector<workflow::Attachment>& list) {
  TRY(c.run("DELETE FROM " + std::string(table) + " WHERE " + std::string(owner_column) + " = $1",
            Params().add(owner_id)));
  std::int64_t position = 0;
  for (const auto& attachment : list)
    TRY(c.run("INSERT INTO " + std::string(table) + "(" + std::string(owner_column) +
                  ", position, sha256, purpose) VALUES ($1, $2, $3, $4)",
              Params().add(owner_id).add(position++).add(attachment.sha256).add(
                  workflow::to_string(attachment.purpose))));
  return {};
}

Result<Agreement> PgStore::load_agreement(Connection& c, std::int64_t id) {
  auto rows = TRY(c.exec(std::string(pg::kAgreementColumns) + "WHERE id = $1", Params().add(id)));
  if (rows.empty()) return Error::make(ErrorKind::NotFound, "协议不存在");
  Agreement agreement = TRY(pg::agreement_from_row(rows, 0));
  agreement.attachments = TRY(load_attachments(c, "agreement_attachments", "agreement_id", id));
  return agreement;
}

Result<std::vector<Agreement>> PgStore::load_agreements(Connection& c, const std::string& where,
                                                        const Params& params) {
  auto rows = TRY(c.exec(std::string(pg::kAgreementColumns) + where, params));
  std::vector<Agreement> list;
  for (int r = 0; r < rows.size(); ++r) list.push_back(TRY(pg::agreement_from_row(rows, r)));
  for (auto& agreement : list)
    agreement.attachments = TRY(load_attachments(c, "agreement_attachments", "agreement_id", agreement.id));
  return list;
}

Result<Agreement> PgStore::agreement(std::int64_t id) {
  return m_pool->with_connection([&](Connection& c) { return load_agreement(c, id); });
}

// A list and its attachments are read in one transaction, as SQLite does.
Result<std::vector<Agreement>> PgStore::agreements_in_state(AgreementState state) {
  return m_pool->transact([&](Connection& c) {
    return load_agreements(c, "WHERE state = $1 ORDER BY id", Params().add(workflow::to_string(state)));
  });
}

Result<std::vector<Agreement>> PgStore::agreements_of_student(std::string_view student_no) {
  return m_pool->transact([&](Connection& c) {
    return load_agreements(c, "WHERE student_no = $1 ORDER BY id", Params().add(student_no));
  });
}

Result<workflow::Parties> PgStore::parties_for(std::string_view student_no, std::int64_t employer_id,
                                               std::int64_t agreement_id) {
  return m_pool->transact([&](Connection& c) -> Result<workflow::Parties> {
    workflow::Parties parties;
    parties.student = TRY(load_student(c, student_no));
    parties.source_info = TRY(load_source_info(c, student_no));
    parties.employer = TRY(load_employer(c, employer_id));
    auto facts = TRY(c.exec(
        "SELECT EXISTS(SELECT 1 FROM agreements WHERE student_no = $1 AND id != $3 AND state IN"
        "   ('accepted','in_review','signed','termination_requested')),"
        " EXISTS(SELECT 1 FROM terminations WHERE student_no = $1 AND state IN ('pending','approved')),"
        " EXISTS(SELECT 1 FROM agreements WHERE employer_id = $2 AND student_no = $1 AND id != $3"
        "   AND origin = 'invitation' AND state IN ('invited','returned','rejected','accepted',"
        "   'in_review','signed','termination_requested'))",
        Params().add(student_no).add(employer_id).add(agreement_id)));
    parties.student_has_other_live_agreement = facts.boolean(0, 0);
    parties.student_has_used_termination = facts.boolean(0, 1);
    parties.employer_has_other_open_invitation = facts.boolean(0, 2);
    return parties;
  });
}

Result<Agreement> PgStore::insert_agreement(const workflow::AgreementChange& change) {
  if (change.agreement.id != 0)
    return Error::make(ErrorKind::Internal, "insert_agreement got an agreement that has an id");
  return m_pool->transact([&](Connection& c) -> Result<Agreement> {
    Params params;
    pg::add_agreement_fields(params, change.agreement);
    auto inserted = TRY(c.exec(
        "INSERT INTO agreements(origin, state, student_no, employer_id, college_code,"
        " graduation_year, content, snapshot, serial, review_chain, review_step, last_reason,"
        " sent_at, signed_at, created_at, updated_at, version)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 1) RETURNING id",
        params));
    const std::int64_t id = inserted.int64(0, 0);
    TRY(write_attachments(c, "agreement_attachments", "agreement_id", id, change.agreement.attachments));
    TRY(append_audit_events(c, change.events, std::to_string(id)));
    return load_agreement(c, id);
  });
}

Result<std::string> PgStore::allocate_serial(Connection& c, int graduation_year) {
  // Inside the signing transaction: the counter row stays locked until it commits, and a rolled
  // back signing rolls the counter back too, so a serial is issued exactly when a signing commits.
  auto next = TRY(c.exec(
      "INSERT INTO serial_counters(school_code, graduation_year, last_sequence) VALUES ($1, $2, 1)"
      " ON CONFLICT(school_code, graduation_year)"
      " DO UPDATE SET last_sequence = serial_counters.last_sequence + 1 RETURNING last_sequence",
      Params().add(m_options.school_code).add(graduation_year)));
  const std::int64_t sequence = next.int64(0, 0);
  if (sequence > 999'999) return Error::make(ErrorKind::Conflict, "本年度协议编号已用尽", "serial");
  return core::make_serial(m_options.school_code, graduation_year, static_cast<int>(sequence));
}

Status PgStore::write_termination(Connection& c, const workflow::TerminationRequest& t) {
  if (t.id == 0) {
    auto inserted = TRY(c.exec(
        "INSERT INTO terminations(agreement_id, student_no, explanation, state, review_chain,"
        " review_step, reject_reason, requested_at, decided_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL) RETURNING id",
        Params()
            .add(t.agreement_id)
            .add(t.student_no)
            .add(t.explanation)
            .add(workflow::to_string(t.state))
            .add(pg::chain_to_json(t.review_chain))
            .add(static_cast<std::int64_t>(t.review_step))
            .add(t.reject_reason)
            .add(workflow::to_unix_seconds(t.requested_at))));
    return write_attachments(c, "termination_material", "termination_id", inserted.int64(0, 0), t.material);
  }
  Params params;
  params.add(workflow::to_string(t.state)).add(static_cast<std::int64_t>(t.review_step)).add(t.reject_reason);
  if (t.state == workflow::TerminationState::Pending)
    params.add_null();
  else
    params.add(workflow::to_unix_seconds(t.decided_at));
  params.add(t.id).add(t.agreement_id);
  auto updated = TRY(c.exec(
      "UPDATE terminations SET state = $1, review_step = $2, reject_reason = $3, decided_at = $4"
      " WHERE id = $5 AND agreement_id = $6",
      params));
  if (updated.affected() == 0) return Error::make(ErrorKind::NotFound, "解约申请不存在");
  return {};
}

Result<Agreement> PgStore::apply_agreement_change(const workflow::AgreementChange& change,
                                                  std::int64_t expected_version) {
  return m_pool->transact([&](Connection& c) -> Result<Agreement> {
    Agreement next = change.agreement;
    // The agreement's row first, then the serial counter, then the audit lock: every writer takes
    // them in this order, and the counter is held only by a signing that is sure to proceed.
    auto locked = TRY(c.exec("SELECT 1 FROM agreements WHERE id = $1 AND version = $2 FOR UPDATE",
                             Params().add(next.id).add(expected_version)));
    if (locked.empty()) {
      // Lost the race (or a stale read): report what the agreement is now, change nothing.
      const Agreement current = TRY(load_agreement(c, next.id));
      return workflow::agreement_changed_meanwhile(current.state);
    }
    if (next.state == AgreementState::Signed && !next.serial)
      next.serial = TRY(allocate_serial(c, next.graduation_year));
    Params params;
    pg::add_agreement_fields(params, next);
    params.add(next.id);
    TRY(c.run(
        "UPDATE agreements SET origin = $1, state = $2, student_no = $3, employer_id = $4,"
        " college_code = $5, graduation_year = $6, content = $7, snapshot = $8, serial = $9,"
        " review_chain = $10, review_step = $11, last_reason = $12, sent_at = $13, signed_at = $14,"
        " created_at = $15, updated_at = $16, version = version + 1 WHERE id = $17",
        params));
    // Attachments belong to the editable stages; once signed they are frozen with the rest.
    if (!next.serial)
      TRY(write_attachments(c, "agreement_attachments", "agreement_id", next.id, next.attachments));
    if (change.termination) TRY(write_termination(c, *change.termination));
    TRY(append_audit_events(c, change.events, std::to_string(next.id)));
    return load_agreement(c, next.id);
  });
}

Result<workflow::TerminationRequest> PgStore::pending_termination(std::int64_t agreement_id) {
  return m_pool->transact([&](Connection& c) -> Result<workflow::TerminationRequest> {
    auto rows = TRY(c.exec(
        "SELECT id, agreement_id, student_no, explanation, state, review_chain, review_step,"
        " reject_reason, requested_at, decided_at FROM terminations"
        " WHERE agreement_id = $1 AND state = 'pending'",
        Params().add(agreement_id)));
    if (rows.empty()) return Error::make(ErrorKind::NotFound, "没有待审核的解约申请");
    workflow::TerminationRequest t;
    t.id = rows.int64(0, 0);
    t.agreement_id = rows.int64(0, 1);
    t.student_no = rows.text(0, 2);
    t.explanation = rows.text(0, 3);
    t.state = TRY(workflow::parse_termination_state(rows.text(0, 4)));
    t.review_chain = TRY(pg::chain_from_json(rows.text(0, 5)));
    t.review_step = static_cast<std::size_t>(rows.int64(0, 6));
    t.reject_reason = rows.text(0, 7);
    t.requested_at = workflow::from_unix_seconds(rows.int64(0, 8));
    if (auto decided = rows.optional_int64(0, 9)) t.decided_at = workflow::from_unix_seconds(*decided);
    t.material = TRY(load_attachments(c, "termination_material", "termination_id", t.id));
    return t;
  });
}

// ---- audit log -----------------------------------------------------------------------------------

Status PgStore::append_audit_events(Connection& c, const std::vector<workflow::AuditEvent>& events,
                                    const std::string& entity_id_for_new) {
  if (events.empty()) return {};
  // One chain for every instance: the lock serialises appenders until their transactions end, so
  // the head read here is still the head when these rows are inserted. Taken last in every
  // transaction (after the rows it changes), so it is held only briefly.
  TRY(c.run("SELECT pg_advisory_xact_lock(hashtextextended('sanfang audit chain', 0))"));
  auto head = TRY(c.exec("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1"));
  std::int64_t id = head.empty() ? 0 : head.int64(0, 0);
  std::string prev_hash = head.empty() ? std::string(kGenesisHash) : head.text(0, 1);
  std::vector<std::pair<std::int64_t, workflow::AuditEvent>> announced;
  for (workflow::AuditEvent event : events) {
    if (event.entity_id.empty()) event.entity_id = entity_id_for_new;
    ++id;
    const std::string hash = chain_hash(prev_hash, canonical_audit_event(id, event));
    TRY(c.run("INSERT INTO audit_log(id, entity, entity_id, action, actor_account_id, actor_role, at,"
              " from_state, to_state, reason, prev_hash, hash)"
              " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
              Params()
                  .add(id)
                  .add(event.entity)
                  .add(event.entity_id)
                  .add(event.action)
                  .add(event.actor_account_id)
                  .add(workflow::to_string(event.actor_role))
                  .add(workflow::to_unix_seconds(event.at))
                  .add(event.from_state)
                  .add(event.to_state)
                  .add(event.reason)
                  .add(prev_hash)
                  .add(hash)));
    prev_hash = hash;
    if (workflow::webhook_event_type(event)) announced.emplace_back(id, std::move(event));
  }
  if (announced.empty()) return {};
  return enqueue_webhook_deliveries(c, announced);
}

namespace {

constexpr const char* kAuditColumns =
    "SELECT id, entity, entity_id, action, actor_account_id, actor_role, at, from_state, to_state,"
    " reason, prev_hash, hash FROM audit_log ";

AuditRecord audit_record_from_row(const pg::Rows& rows, int r) {
  AuditRecord record;
  record.id = rows.int64(r, 0);
  record.event.entity = rows.text(r, 1);
  record.event.entity_id = rows.text(r, 2);
  record.event.action = rows.text(r, 3);
  record.event.actor_account_id = rows.int64(r, 4);
  auto role = workflow::parse_role(rows.text(r, 5));
  // An edited role name must be reported as a broken link, not stop the verification.
  record.event.actor_role = role.ok() ? role.value() : workflow::Role::System;
  record.event.at = workflow::from_unix_seconds(rows.int64(r, 6));
  record.event.from_state = rows.text(r, 7);
  record.event.to_state = rows.text(r, 8);
  record.event.reason = rows.text(r, 9);
  record.prev_hash = rows.text(r, 10);
  record.hash = role.ok() ? rows.text(r, 11) : std::string();
  return record;
}

}  // namespace

Result<std::vector<AuditRecord>> PgStore::audit_trail(std::string_view entity, std::string_view entity_id) {
  return audit_log(entity_trail_query(entity, entity_id));
}

Result<std::vector<AuditRecord>> PgStore::audit_log(const AuditQuery& query) {
  const QuerySql sql = audit_query_sql(query);
  Params params = pg::params_of(sql.values);
  std::string statement = std::string(kAuditRecordColumns) + numbered_placeholders(sql.filter) + " " + sql.order_by;
  if (query.limit > 0) {
    const int next = params.size() + 1;
    params.add(query.limit).add(query.offset);
    statement += " LIMIT $" + std::to_string(next) + " OFFSET $" + std::to_string(next + 1);
  }
  return m_pool->with_connection([&](Connection& c) -> Result<std::vector<AuditRecord>> {
    auto rows = TRY(c.exec(statement, params));
    std::vector<AuditRecord> records;
    for (int r = 0; r < rows.size(); ++r) {
      AuditRecord record = audit_record_from_row(rows, r);
      record.actor_name = rows.text(r, 12);
      records.push_back(std::move(record));
    }
    return records;
  });
}

Result<std::int64_t> PgStore::count_audit(const AuditQuery& query) {
  const QuerySql sql = audit_query_sql(query);
  return m_pool->with_connection([&](Connection& c) { return pg::count_rows(c, sql.filter, sql.values); });
}

Result<AuditChainReport> PgStore::verify_audit_chain() {
  // Read in pages by id, so a long chain is never in memory at once. Rows are only ever appended
  // (a trigger refuses updates and deletes), so pages read at different moments still form one
  // chain: a later page can only show rows appended meanwhile.
  return m_pool->with_connection([&](Connection& c) -> Result<AuditChainReport> {
    AuditChainReport report;
    std::string expected_prev(kGenesisHash);
    std::int64_t after = 0;
    for (;;) {
      auto rows = TRY(c.exec(std::string(kAuditColumns) + "WHERE id > $1 ORDER BY id LIMIT 10000",
                             Params().add(after)));
      if (rows.empty()) return report;
      for (int r = 0; r < rows.size(); ++r) {
        const AuditRecord record = audit_record_from_row(rows, r);
        ++report.rows_checked;
        const bool linked = record.prev_hash == expected_prev;
        const bool sealed =
            record.hash == chain_hash(record.prev_hash, canonical_audit_event(record.id, record.event));
        if (!linked || !sealed) {
          report.first_broken_id = record.id;
          return report;
        }
        expected_prev = record.hash;
        after = record.id;
      }
    }
  });
}

}  // namespace sanfang::store
