#include "store/sqlite_store.h"

#include "workflow/public_address.h"
#include "store/stored_values.h"

#include "store/private_files.h"

#include <ctime>
#include <system_error>
#include <utility>
#include <variant>

#include "core/validate.h"
#include "store/agreement_query_sql.h"
#include "store/account_query_sql.h"
#include "store/student_query_sql.h"
#include "store/audit_query_sql.h"
#include "store/stats_sql.h"
#include "workflow/webhook_rules.h"
#include "store/audit_chain.h"
#include "store/migrations.h"
#include "store/secrets.h"
#include "workflow/login_policy.h"
#include "workflow/public_address.h"
#include "workflow/uniqueness_rules.h"

namespace sanfang::store {
namespace {

// The values of a shared query (store/*_query_sql.h) bound to its `?` placeholders in order.
void bind_values(sqlite::Statement& statement, const std::vector<SqlValue>& values) {
  int index = 1;
  for (const SqlValue& value : values)
    std::visit([&](const auto& v) { statement.bind(index++, v); }, value);
}

// A page of a shared query: `select_from_where_order` with its values bound, then LIMIT and OFFSET
// (none when `limit` is 0: every row).
Result<sqlite::Statement> prepare_page(sqlite::Database& db, const std::string& select_from_where_order,
                                       const std::vector<SqlValue>& values, int limit, int offset) {
  auto rows = TRY(db.prepare(select_from_where_order + (limit > 0 ? " LIMIT ? OFFSET ?" : "")));
  bind_values(rows, values);
  const int next = static_cast<int>(values.size()) + 1;
  if (limit > 0) rows.bind(next, limit).bind(next + 1, offset);
  return rows;
}

// The number of rows a shared query selects: "SELECT count(*) " + `from_where`.
Result<std::int64_t> count_rows(sqlite::Database& db, const std::string& from_where,
                                const std::vector<SqlValue>& values) {
  auto count = TRY(db.prepare("SELECT count(*) " + from_where));
  bind_values(count, values);
  TRY(count.step());
  return count.int64(0);
}

using workflow::Agreement;
using workflow::AgreementState;
using workflow::Timestamp;

constexpr const char* kAgreementColumns =
    "SELECT id, origin, state, student_no, employer_id, college_code, graduation_year, content,"
    " snapshot, serial, review_chain, review_step, last_reason, sent_at, signed_at, created_at,"
    " updated_at, version FROM agreements ";

constexpr const char* kAccountColumns =
    "SELECT id, username, role, student_no, employer_id, college_code, must_change_password,"
    " created_at, disabled_at IS NOT NULL FROM accounts ";

// The schema holds the SPEC's cross-record rules as unique indexes and triggers; when one refuses
// a write the caller gets the answer the workflow rule gives (workflow/uniqueness_rules.h).
// SQLite names a partial unique index by its columns, so the more specific column list comes
// first.
Error explain_conflict(Error error) {
  if (error.kind != ErrorKind::Conflict) return error;
  struct Known {
    const char* marker;
    Error (*answer)();
  };
  static constexpr Known kKnown[] = {
      {"agreements.employer_id, agreements.student_no", workflow::employer_invitation_still_open},
      {"agreements.student_no", workflow::student_has_live_agreement},
      {"terminations.student_no", workflow::termination_already_used},
      {"a signed agreement never changes", workflow::signed_agreement_is_final},
      {"employers.uscc", workflow::employer_already_registered},
      {"accounts.username", workflow::username_taken},
  };
  for (const Known& known : kKnown)
    if (error.message.find(known.marker) != std::string::npos) return known.answer();
  return error;
}

Result<Agreement> agreement_from_row(const sqlite::Statement& row) {
  Agreement a;
  a.id = row.int64(0);
  a.origin = TRY(workflow::parse_agreement_origin(row.text(1)));
  a.state = TRY(workflow::parse_agreement_state(row.text(2)));
  a.student_no = row.text(3);
  a.employer_id = row.int64(4);
  a.college_code = row.text(5);
  a.graduation_year = static_cast<int>(row.int64(6));
  a.content = TRY(parse_json_column(row.text(7), "content"));
  a.snapshot = row.is_null(8) ? nlohmann::json() : TRY(parse_json_column(row.text(8), "snapshot"));
  if (!row.is_null(9)) a.serial = row.text(9);
  a.review_chain = TRY(chain_from_json(row.text(10)));
  a.review_step = static_cast<std::size_t>(row.int64(11));
  a.last_reason = row.text(12);
  a.sent_at = optional_timestamp(row.optional_int64(13));
  a.signed_at = optional_timestamp(row.optional_int64(14));
  a.created_at = workflow::from_unix_seconds(row.int64(15));
  a.updated_at = workflow::from_unix_seconds(row.int64(16));
  a.version = row.int64(17);
  return a;
}

Result<workflow::Account> account_from_row(const sqlite::Statement& row) {
  workflow::Account account;
  account.id = row.int64(0);
  account.username = row.text(1);
  account.role = TRY(workflow::parse_role(row.text(2)));
  account.student_no = row.text(3);
  account.employer_id = row.is_null(4) ? 0 : row.int64(4);
  account.college_code = row.text(5);
  account.must_change_password = row.int64(6) != 0;
  account.created_at = workflow::from_unix_seconds(row.int64(7));
  account.disabled = row.int64(8) != 0;
  return account;
}

void bind_agreement_fields(sqlite::Statement& statement, const Agreement& a) {
  statement.bind(1, workflow::to_string(a.origin))
      .bind(2, workflow::to_string(a.state))
      .bind(3, a.student_no)
      .bind(4, a.employer_id)
      .bind(5, a.college_code)
      .bind(6, a.graduation_year)
      .bind(7, a.content.dump())
      .bind(10, chain_to_json(a.review_chain))
      .bind(11, static_cast<std::int64_t>(a.review_step))
      .bind(12, a.last_reason)
      .bind(13, optional_seconds(a.sent_at))
      .bind(14, optional_seconds(a.signed_at))
      .bind(15, workflow::to_unix_seconds(a.created_at))
      .bind(16, workflow::to_unix_seconds(a.updated_at));
  if (a.snapshot.is_null())
    statement.bind_null(8);
  else
    statement.bind(8, a.snapshot.dump());
  if (a.serial)
    statement.bind(9, *a.serial);
  else
    statement.bind_null(9);
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(SqliteStoreOptions options) {
  TRY(make_private_folder(options.data_dir));
  auto db = TRY(sqlite::Database::open(database_path(options.data_dir), options.busy_timeout, options.durable));
  TRY(migrate(db));
  auto blobs = TRY(BlobStore::open({options.data_dir / "blobs", options.max_attachment_bytes}));
  return std::unique_ptr<SqliteStore>(
      new SqliteStore(std::move(options), std::move(db), std::move(blobs)));
}

// ---- colleges, students, employers -----------------------------------------------------------

Status SqliteStore::ping() {
  std::lock_guard lock(m_mutex);
  auto statement = TRY(m_db.prepare("SELECT 1"));
  TRY(statement.step());
  return {};
}

Status SqliteStore::in_one_transaction(const std::function<Status()>& work) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  TRY(work());
  return transaction.commit();
}

Status SqliteStore::put_college(const workflow::College& college) {
  std::lock_guard lock(m_mutex);
  return write_college(college);
}

Status SqliteStore::write_college(const workflow::College& college) {
  auto statement = TRY(m_db.prepare(
      "INSERT INTO colleges(code, name) VALUES (?, ?)"
      " ON CONFLICT(code) DO UPDATE SET name = excluded.name"));
  return statement.bind(1, college.code).bind(2, college.name).run();
}

Status SqliteStore::put_student(const workflow::Student& s) {
  std::lock_guard lock(m_mutex);
  return write_student(s);
}

Status SqliteStore::write_student(const workflow::Student& s) {
  auto statement = TRY(m_db.prepare(
      "INSERT INTO students(student_no, name, id_number, gender, college_code, major, degree,"
      " graduation_year) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
      " ON CONFLICT(student_no) DO UPDATE SET name = excluded.name,"
      " id_number = excluded.id_number, gender = excluded.gender,"
      " college_code = excluded.college_code, major = excluded.major, degree = excluded.degree,"
      " graduation_year = excluded.graduation_year"));
  return statement.bind(1, s.student_no)
      .bind(2, s.name)
      .bind(3, s.id_number)
      .bind(4, s.gender)
      .bind(5, s.college_code)
      .bind(6, s.major)
      .bind(7, s.degree)
      .bind(8, s.graduation_year)
      .run();
}

Result<workflow::Student> SqliteStore::load_student(std::string_view student_no) {
  auto row = TRY(m_db.prepare(
      "SELECT student_no, name, id_number, gender, college_code, major, degree, graduation_year"
      " FROM students WHERE student_no = ?"));
  row.bind(1, student_no);
  if (!TRY(row.step())) return Error::make(ErrorKind::NotFound, "学生不存在", "student_no");
  return workflow::Student{row.text(0), row.text(1), row.text(2), row.text(3),
                           row.text(4), row.text(5), row.text(6), static_cast<int>(row.int64(7))};
}

Result<workflow::Student> SqliteStore::student(std::string_view student_no) {
  std::lock_guard lock(m_mutex);
  return load_student(student_no);
}

Result<workflow::Employer> SqliteStore::insert_employer(const workflow::Employer& employer) {
  std::lock_guard lock(m_mutex);
  auto statement = TRY(m_db.prepare(
      "INSERT INTO employers(name, uscc, profile, vetted, version) VALUES (?, ?, ?, ?, 1)"));
  statement.bind(1, employer.name)
      .bind(2, employer.uscc)
      .bind(3, employer.profile.dump())
      .bind(4, employer.vetted ? 1 : 0);
  if (auto inserted = statement.run(); !inserted.ok()) return explain_conflict(inserted.take_error());
  return load_employer(m_db.last_insert_rowid());
}

Result<workflow::Employer> SqliteStore::load_employer(std::int64_t id) {
  auto row =
      TRY(m_db.prepare("SELECT id, name, uscc, profile, vetted, version FROM employers WHERE id = ?"));
  row.bind(1, id);
  if (!TRY(row.step())) return Error::make(ErrorKind::NotFound, "用人单位不存在", "employer_id");
  workflow::Employer employer;
  employer.id = row.int64(0);
  employer.name = row.text(1);
  employer.uscc = row.text(2);
  employer.profile = TRY(parse_json_column(row.text(3), "profile"));
  employer.vetted = row.int64(4) != 0;
  employer.version = row.int64(5);
  return employer;
}

Result<workflow::Employer> SqliteStore::employer(std::int64_t id) {
  std::lock_guard lock(m_mutex);
  return load_employer(id);
}

Result<workflow::Employer> SqliteStore::apply_employer_change(const workflow::EmployerChange& change,
                                                              std::int64_t expected_version) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  const workflow::Employer& e = change.employer;
  auto update = TRY(m_db.prepare(
      "UPDATE employers SET name = ?, uscc = ?, profile = ?, vetted = ?, version = version + 1"
      " WHERE id = ? AND version = ?"));
  update.bind(1, e.name).bind(2, e.uscc).bind(3, e.profile.dump()).bind(4, e.vetted ? 1 : 0);
  update.bind(5, e.id).bind(6, expected_version);
  if (auto updated = update.run(); !updated.ok()) return explain_conflict(updated.take_error());
  if (m_db.changes() == 0) {
    TRY(load_employer(e.id));
    return Error::make(ErrorKind::Conflict, "用人单位信息已被他人修改，请刷新后重试", "version");
  }
  TRY(append_audit_events(change.events, std::to_string(e.id)));
  TRY(transaction.commit());
  return load_employer(e.id);
}

// ---- source info -------------------------------------------------------------------------------

Result<workflow::SourceInfo> SqliteStore::load_source_info(std::string_view student_no) {
  const workflow::Student student = TRY(load_student(student_no));
  workflow::SourceInfo info;
  info.student_no = student.student_no;
  info.college_code = student.college_code;
  auto row = TRY(m_db.prepare(
      "SELECT sections, state, reject_reason, updated_at, version FROM source_infos"
      " WHERE student_no = ?"));
  row.bind(1, student_no);
  if (!TRY(row.step())) return info;
  const auto sections = TRY(parse_json_column(row.text(0), "sections"));
  info.sections.basic = sections.value("basic", nlohmann::json::object());
  info.sections.contact = sections.value("contact", nlohmann::json::object());
  info.sections.enrolment = sections.value("enrolment", nlohmann::json::object());
  info.sections.archive = sections.value("archive", nlohmann::json::object());
  info.state = TRY(workflow::parse_source_info_state(row.text(1)));
  info.reject_reason = row.text(2);
  info.updated_at = workflow::from_unix_seconds(row.int64(3));
  info.version = row.int64(4);
  return info;
}

Result<workflow::SourceInfo> SqliteStore::source_info(std::string_view student_no) {
  std::lock_guard lock(m_mutex);
  return load_source_info(student_no);
}

Result<workflow::SourceInfo> SqliteStore::apply_source_info_change(
    const workflow::SourceInfoChange& change, std::int64_t expected_version) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  const workflow::SourceInfo& info = change.source_info;
  const std::string sections = nlohmann::json{{"basic", info.sections.basic},
                                              {"contact", info.sections.contact},
                                              {"enrolment", info.sections.enrolment},
                                              {"archive", info.sections.archive}}
                                   .dump();
  auto write = TRY(m_db.prepare(
      expected_version == 0
          ? "INSERT INTO source_infos(sections, state, reject_reason, updated_at, version,"
            " student_no) VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT(student_no) DO NOTHING"
          : "UPDATE source_infos SET sections = ?, state = ?, reject_reason = ?, updated_at = ?,"
            " version = version + 1 WHERE student_no = ? AND version = ?"));
  write.bind(1, sections)
      .bind(2, workflow::to_string(info.state))
      .bind(3, info.reject_reason)
      .bind(4, workflow::to_unix_seconds(info.updated_at))
      .bind(5, info.student_no);
  if (expected_version != 0) write.bind(6, expected_version);
  if (auto written = write.run(); !written.ok()) return explain_conflict(written.take_error());
  if (m_db.changes() == 0)
    return Error::make(ErrorKind::Conflict, "生源信息已被他人修改，请刷新后重试", "version");
  TRY(append_audit_events(change.events, info.student_no));
  TRY(transaction.commit());
  return load_source_info(info.student_no);
}

// ---- agreements --------------------------------------------------------------------------------

Result<std::vector<workflow::Attachment>> SqliteStore::load_attachments(
    std::string_view table, std::string_view owner_column, std::int64_t owner_id) {
  auto rows = TRY(m_db.prepare("SELECT l.sha256, b.media_type, b.size, l.purpose FROM " +
                               std::string(table) + " l JOIN blobs b ON b.sha256 = l.sha256 WHERE l." +
                               std::string(owner_column) + " = ? ORDER BY l.position"));
  rows.bind(1, owner_id);
  std::vector<workflow::Attachment> list;
  while (TRY(rows.step())) {
    list.push_back(workflow::Attachment{rows.text(0), TRY(workflow::parse_media_type(rows.text(1))),
                                        rows.int64(2),
                                        TRY(workflow::parse_attachment_purpose(rows.text(3)))});
  }
  return list;
}

Status SqliteStore::write_attachments(std::string_view table, std::string_view owner_column,
                                      std::int64_t owner_id,
                                      const std::vector<workflow::Attachment>& list) {
  auto clear = TRY(m_db.prepare("DELETE FROM " + std::string(table) + " WHERE " +
                                std::string(owner_column) + " = ?"));
  TRY(clear.bind(1, owner_id).run());
  std::int64_t position = 0;
  for (const auto& attachment : list) {
    auto insert = TRY(m_db.prepare("INSERT INTO " + std::string(table) + "(" +
                                   std::string(owner_column) +
                                   ", position, sha256, purpose) VALUES (?, ?, ?, ?)"));
    insert.bind(1, owner_id)
        .bind(2, position++)
        .bind(3, attachment.sha256)
        .bind(4, workflow::to_string(attachment.purpose));
    if (auto inserted = insert.run(); !inserted.ok()) {
      if (inserted.error().message.find("FOREIGN KEY") != std::string::npos)
        return Error::make(ErrorKind::NotFound, "附件不存在", "attachments");
      return inserted.take_error();
    }
  }
  return {};
}

Result<Agreement> SqliteStore::load_agreement(std::int64_t id) {
  auto row = TRY(m_db.prepare(std::string(kAgreementColumns) + "WHERE id = ?"));
  row.bind(1, id);
  if (!TRY(row.step())) return Error::make(ErrorKind::NotFound, "协议不存在");
  Agreement agreement = TRY(agreement_from_row(row));
  agreement.attachments = TRY(load_attachments("agreement_attachments", "agreement_id", id));
  return agreement;
}

Result<std::vector<Agreement>> SqliteStore::load_agreements(std::string_view where_clause,
                                                            std::string_view parameter) {
  auto rows = TRY(m_db.prepare(std::string(kAgreementColumns) + std::string(where_clause) +
                               " ORDER BY id"));
  rows.bind(1, parameter);
  std::vector<Agreement> list;
  while (TRY(rows.step())) list.push_back(TRY(agreement_from_row(rows)));
  for (auto& agreement : list)
    agreement.attachments =
        TRY(load_attachments("agreement_attachments", "agreement_id", agreement.id));
  return list;
}

Result<Agreement> SqliteStore::agreement(std::int64_t id) {
  std::lock_guard lock(m_mutex);
  return load_agreement(id);
}

Result<std::vector<Agreement>> SqliteStore::agreements_in_state(AgreementState state) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::ReadTransaction::begin(m_db));
  return load_agreements("WHERE state = ?", workflow::to_string(state));
}

Result<std::vector<Agreement>> SqliteStore::agreements_of_student(std::string_view student_no) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::ReadTransaction::begin(m_db));
  return load_agreements("WHERE student_no = ?", student_no);
}

Result<workflow::Parties> SqliteStore::parties_for(std::string_view student_no,
                                                   std::int64_t employer_id,
                                                   std::int64_t agreement_id) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::ReadTransaction::begin(m_db));
  workflow::Parties parties;
  parties.student = TRY(load_student(student_no));
  parties.source_info = TRY(load_source_info(student_no));
  parties.employer = TRY(load_employer(employer_id));

  auto live = TRY(m_db.prepare(
      "SELECT EXISTS(SELECT 1 FROM agreements WHERE student_no = ? AND id != ? AND state IN"
      " ('accepted','in_review','signed','termination_requested'))"));
  live.bind(1, student_no).bind(2, agreement_id);
  TRY(live.step());
  parties.student_has_other_live_agreement = live.int64(0) != 0;

  auto terminated = TRY(m_db.prepare(
      "SELECT EXISTS(SELECT 1 FROM terminations WHERE student_no = ? AND state IN"
      " ('pending','approved'))"));
  terminated.bind(1, student_no);
  TRY(terminated.step());
  parties.student_has_used_termination = terminated.int64(0) != 0;

  auto open_invitation = TRY(m_db.prepare(
      "SELECT EXISTS(SELECT 1 FROM agreements WHERE employer_id = ? AND student_no = ? AND id != ?"
      " AND origin = 'invitation' AND state IN ('invited','returned','rejected','accepted',"
      " 'in_review','signed','termination_requested'))"));
  open_invitation.bind(1, employer_id).bind(2, student_no).bind(3, agreement_id);
  TRY(open_invitation.step());
  parties.employer_has_other_open_invitation = open_invitation.int64(0) != 0;
  return parties;
}

Result<Agreement> SqliteStore::insert_agreement(const workflow::AgreementChange& change) {
  std::lock_guard lock(m_mutex);
  if (change.agreement.id != 0)
    return Error::make(ErrorKind::Internal, "insert_agreement got an agreement that has an id");
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  auto insert = TRY(m_db.prepare(
      "INSERT INTO agreements(origin, state, student_no, employer_id, college_code,"
      " graduation_year, content, snapshot, serial, review_chain, review_step, last_reason,"
      " sent_at, signed_at, created_at, updated_at, version)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)"));
  bind_agreement_fields(insert, change.agreement);
  if (auto inserted = insert.run(); !inserted.ok()) return explain_conflict(inserted.take_error());
  const std::int64_t id = m_db.last_insert_rowid();
  TRY(write_attachments("agreement_attachments", "agreement_id", id, change.agreement.attachments));
  TRY(append_audit_events(change.events, std::to_string(id)));
  TRY(transaction.commit());
  return load_agreement(id);
}

Result<std::string> SqliteStore::allocate_serial(int graduation_year) {
  // Runs inside the signing transaction: a rolled-back signing also rolls back the counter, so a
  // serial is issued exactly when a signing commits (SPEC "Serial numbers").
  auto next = TRY(m_db.prepare(
      "INSERT INTO serial_counters(school_code, graduation_year, last_sequence) VALUES (?, ?, 1)"
      " ON CONFLICT(school_code, graduation_year) DO UPDATE SET last_sequence = last_sequence + 1"
      " RETURNING last_sequence"));
  next.bind(1, m_options.school_code).bind(2, graduation_year);
  if (!TRY(next.step())) return Error::make(ErrorKind::Storage, "serial counter returned no row");
  const std::int64_t sequence = next.int64(0);
  TRY(next.step());  // finish the statement so the upsert is complete
  if (sequence > 999'999)
    return Error::make(ErrorKind::Conflict, "本年度协议编号已用尽", "serial");
  return core::make_serial(m_options.school_code, graduation_year, static_cast<int>(sequence));
}

Status SqliteStore::write_termination(const workflow::TerminationRequest& t) {
  std::int64_t id = t.id;
  if (id == 0) {
    auto insert = TRY(m_db.prepare(
        "INSERT INTO terminations(agreement_id, student_no, explanation, state, review_chain,"
        " review_step, reject_reason, requested_at, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    insert.bind(1, t.agreement_id)
        .bind(2, t.student_no)
        .bind(3, t.explanation)
        .bind(4, workflow::to_string(t.state))
        .bind(5, chain_to_json(t.review_chain))
        .bind(6, static_cast<std::int64_t>(t.review_step))
        .bind(7, t.reject_reason)
        .bind(8, workflow::to_unix_seconds(t.requested_at))
        .bind_null(9);
    if (auto inserted = insert.run(); !inserted.ok()) return explain_conflict(inserted.take_error());
    id = m_db.last_insert_rowid();
    return write_attachments("termination_material", "termination_id", id, t.material);
  }
  auto update = TRY(m_db.prepare(
      "UPDATE terminations SET state = ?, review_step = ?, reject_reason = ?, decided_at = ?"
      " WHERE id = ? AND agreement_id = ?"));
  update.bind(1, workflow::to_string(t.state))
      .bind(2, static_cast<std::int64_t>(t.review_step))
      .bind(3, t.reject_reason)
      .bind(5, id)
      .bind(6, t.agreement_id);
  if (t.state == workflow::TerminationState::Pending)
    update.bind_null(4);
  else
    update.bind(4, workflow::to_unix_seconds(t.decided_at));
  if (auto updated = update.run(); !updated.ok()) return explain_conflict(updated.take_error());
  if (m_db.changes() == 0) return Error::make(ErrorKind::NotFound, "解约申请不存在");
  return {};
}

Result<Agreement> SqliteStore::apply_agreement_change(const workflow::AgreementChange& change,
                                                      std::int64_t expected_version) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  Agreement next = change.agreement;
  const bool becomes_signed = next.state == AgreementState::Signed && !next.serial;
  if (becomes_signed) next.serial = TRY(allocate_serial(next.graduation_year));

  auto update = TRY(m_db.prepare(
      "UPDATE agreements SET origin = ?, state = ?, student_no = ?, employer_id = ?,"
      " college_code = ?, graduation_year = ?, content = ?, snapshot = ?, serial = ?,"
      " review_chain = ?, review_step = ?, last_reason = ?, sent_at = ?, signed_at = ?,"
      " created_at = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?"));
  bind_agreement_fields(update, next);
  update.bind(17, next.id).bind(18, expected_version);
  if (auto updated = update.run(); !updated.ok()) return explain_conflict(updated.take_error());
  if (m_db.changes() == 0) {
    // Lost the race (or a stale read): report what the agreement is now, change nothing.
    const Agreement current = TRY(load_agreement(next.id));
    return workflow::agreement_changed_meanwhile(current.state);
  }
  // Attachments belong to the editable stages; once signed they are frozen with the rest.
  if (!next.serial)
    TRY(write_attachments("agreement_attachments", "agreement_id", next.id, next.attachments));
  if (change.termination) TRY(write_termination(*change.termination));
  TRY(append_audit_events(change.events, std::to_string(next.id)));
  TRY(transaction.commit());
  return load_agreement(next.id);
}

Result<workflow::TerminationRequest> SqliteStore::pending_termination(std::int64_t agreement_id) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::ReadTransaction::begin(m_db));
  auto row = TRY(m_db.prepare(
      "SELECT id, agreement_id, student_no, explanation, state, review_chain, review_step,"
      " reject_reason, requested_at, decided_at FROM terminations"
      " WHERE agreement_id = ? AND state = 'pending'"));
  row.bind(1, agreement_id);
  if (!TRY(row.step())) return Error::make(ErrorKind::NotFound, "没有待审核的解约申请");
  workflow::TerminationRequest t;
  t.id = row.int64(0);
  t.agreement_id = row.int64(1);
  t.student_no = row.text(2);
  t.explanation = row.text(3);
  t.state = TRY(workflow::parse_termination_state(row.text(4)));
  t.review_chain = TRY(chain_from_json(row.text(5)));
  t.review_step = static_cast<std::size_t>(row.int64(6));
  t.reject_reason = row.text(7);
  t.requested_at = workflow::from_unix_seconds(row.int64(8));
  if (!row.is_null(9)) t.decided_at = workflow::from_unix_seconds(row.int64(9));
  t.material = TRY(load_attachments("termination_material", "termination_id", t.id));
  return t;
}

// ---- attachments ---------------------------------------------------------------------------------

Result<workflow::Attachment> SqliteStore::store_attachment(std::string_view bytes,
                                                           workflow::AttachmentPurpose purpose) {
  // The file is written and fsync'd before the row exists, and the row before any agreement can
  // reference it (foreign key), so a committed reference always finds its bytes (SPEC "Storage").
  const StoredBlob blob = TRY(m_blobs.put(bytes));
  std::lock_guard lock(m_mutex);
  TRY(record_blob(blob, workflow::from_unix_seconds(std::time(nullptr))));
  return workflow::Attachment{blob.sha256, blob.media_type, blob.size, purpose};
}

Status SqliteStore::record_blob(const StoredBlob& blob, workflow::Timestamp created_at) {
  auto insert = TRY(m_db.prepare(
      "INSERT INTO blobs(sha256, media_type, size, created_at) VALUES (?, ?, ?, ?)"
      " ON CONFLICT(sha256) DO NOTHING"));
  return insert.bind(1, blob.sha256)
      .bind(2, workflow::to_string(blob.media_type))
      .bind(3, blob.size)
      .bind(4, workflow::to_unix_seconds(created_at))
      .run();
}

Result<std::string> SqliteStore::attachment_bytes(std::string_view sha256) {
  return m_blobs.read(sha256);
}

// ---- audit log -----------------------------------------------------------------------------------

Status SqliteStore::append_audit_events(const std::vector<workflow::AuditEvent>& events,
                                        const std::string& entity_id_for_new) {
  // Called inside a write transaction, which serialises appenders: the last row read here is still
  // the last row when this one is inserted.
  auto last = TRY(m_db.prepare("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1"));
  std::int64_t id = 0;
  std::string prev_hash(kGenesisHash);
  if (TRY(last.step())) {
    id = last.int64(0);
    prev_hash = last.text(1);
  }
  std::vector<std::pair<std::int64_t, workflow::AuditEvent>> announced;
  for (workflow::AuditEvent event : events) {
    if (event.entity_id.empty()) event.entity_id = entity_id_for_new;
    ++id;
    const std::string hash = chain_hash(prev_hash, canonical_audit_event(id, event));
    auto insert = TRY(m_db.prepare(
        "INSERT INTO audit_log(id, entity, entity_id, action, actor_account_id, actor_role, at,"
        " from_state, to_state, reason, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    TRY(insert.bind(1, id)
            .bind(2, event.entity)
            .bind(3, event.entity_id)
            .bind(4, event.action)
            .bind(5, event.actor_account_id)
            .bind(6, workflow::to_string(event.actor_role))
            .bind(7, workflow::to_unix_seconds(event.at))
            .bind(8, event.from_state)
            .bind(9, event.to_state)
            .bind(10, event.reason)
            .bind(11, prev_hash)
            .bind(12, hash)
            .run());
    prev_hash = hash;
    if (workflow::webhook_event_type(event)) announced.emplace_back(id, std::move(event));
  }
  if (announced.empty()) return {};
  return enqueue_webhook_deliveries(announced);
}

namespace {

constexpr const char* kAuditColumns =
    "SELECT id, entity, entity_id, action, actor_account_id, actor_role, at, from_state, to_state,"
    " reason, prev_hash, hash FROM audit_log ";

Result<AuditRecord> audit_record_from_row(const sqlite::Statement& row) {
  AuditRecord record;
  record.id = row.int64(0);
  record.event.entity = row.text(1);
  record.event.entity_id = row.text(2);
  record.event.action = row.text(3);
  record.event.actor_account_id = row.int64(4);
  auto role = workflow::parse_role(row.text(5));
  // An edited role name must be reported as a broken link, not stop the verification.
  record.event.actor_role = role.ok() ? role.value() : workflow::Role::System;
  record.event.at = workflow::from_unix_seconds(row.int64(6));
  record.event.from_state = row.text(7);
  record.event.to_state = row.text(8);
  record.event.reason = row.text(9);
  record.prev_hash = row.text(10);
  record.hash = row.text(11);
  if (!role.ok()) record.hash.clear();
  return record;
}

}  // namespace

Result<std::vector<AuditRecord>> SqliteStore::audit_trail(std::string_view entity,
                                                          std::string_view entity_id) {
  return audit_log(entity_trail_query(entity, entity_id));
}

Result<std::vector<AuditRecord>> SqliteStore::audit_log(const AuditQuery& query) {
  const QuerySql sql = audit_query_sql(query);
  std::lock_guard lock(m_mutex);
  auto rows = TRY(prepare_page(m_db, std::string(kAuditRecordColumns) + sql.filter + " " + sql.order_by,
                               sql.values, query.limit, query.offset));
  std::vector<AuditRecord> records;
  while (TRY(rows.step())) {
    AuditRecord record = TRY(audit_record_from_row(rows));
    record.actor_name = rows.text(12);
    records.push_back(std::move(record));
  }
  return records;
}

Result<std::int64_t> SqliteStore::count_audit(const AuditQuery& query) {
  const QuerySql sql = audit_query_sql(query);
  std::lock_guard lock(m_mutex);
  return count_rows(m_db, sql.filter, sql.values);
}

Result<AuditChainReport> SqliteStore::verify_audit_chain() {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::ReadTransaction::begin(m_db));
  auto rows = TRY(m_db.prepare(std::string(kAuditColumns) + "ORDER BY id"));
  AuditChainReport report;
  std::string expected_prev(kGenesisHash);
  while (TRY(rows.step())) {
    const AuditRecord record = TRY(audit_record_from_row(rows));
    ++report.rows_checked;
    const bool linked = record.prev_hash == expected_prev;
    const bool sealed = record.hash == chain_hash(record.prev_hash,
                                                  canonical_audit_event(record.id, record.event));
    if (!linked || !sealed) {
      report.first_broken_id = record.id;
      return report;
    }
    expected_prev = record.hash;
  }
  return report;
}

// ---- accounts and sessions ---------------------------------------------------------------------

Result<workflow::Account> SqliteStore::load_account_by_id(std::int64_t id) {
  auto row = TRY(m_db.prepare(std::string(kAccountColumns) + "WHERE id = ?"));
  row.bind(1, id);
  if (!TRY(row.step())) return Error::make(ErrorKind::NotFound, "账户不存在");
  return account_from_row(row);
}

Result<workflow::Account> SqliteStore::create_account(const NewAccount& account, Timestamp now) {
  if (account.username.empty()) return Error::invalid("username", "用户名不能为空");
  const std::string hash = TRY(m_options.password_hasher->hash(account.password));  // slow: outside the lock
  std::lock_guard lock(m_mutex);
  auto insert = TRY(m_db.prepare(
      "INSERT INTO accounts(username, password_hash, role, student_no, employer_id, college_code,"
      " must_change_password, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  insert.bind(1, account.username).bind(2, hash).bind(3, workflow::to_string(account.role));
  if (account.student_no.empty())
    insert.bind_null(4);
  else
    insert.bind(4, account.student_no);
  if (account.employer_id == 0)
    insert.bind_null(5);
  else
    insert.bind(5, account.employer_id);
  if (account.college_code.empty())
    insert.bind_null(6);
  else
    insert.bind(6, account.college_code);
  insert.bind(7, account.must_change_password ? 1 : 0).bind(8, workflow::to_unix_seconds(now));
  if (auto inserted = insert.run(); !inserted.ok()) return explain_conflict(inserted.take_error());
  return load_account_by_id(m_db.last_insert_rowid());
}

Result<workflow::Account> SqliteStore::create_audited_account(const NewAccount& account, Timestamp now,
                                                              workflow::AuditEvent created) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  workflow::Account stored = TRY(create_account(account, now));
  created.entity_id = std::to_string(stored.id);
  TRY(append_audit_events({created}, created.entity_id));
  TRY(transaction.commit());
  return stored;
}

Result<workflow::Account> SqliteStore::account_by_id(std::int64_t id) {
  std::lock_guard lock(m_mutex);
  return load_account_by_id(id);
}

Result<std::vector<workflow::Account>> SqliteStore::list_accounts(const AccountQuery& query) {
  const QuerySql sql = account_query_sql(query);
  std::lock_guard lock(m_mutex);
  auto rows = TRY(prepare_page(m_db, std::string("SELECT id, username, role, student_no, employer_id, college_code,"
                                                 " must_change_password, created_at, disabled_at IS NOT NULL ") +
                                         sql.filter + " " + sql.order_by,
                               sql.values, query.limit, query.offset));
  std::vector<workflow::Account> accounts;
  while (TRY(rows.step())) accounts.push_back(TRY(account_from_row(rows)));
  return accounts;
}

Result<std::int64_t> SqliteStore::count_accounts(const AccountQuery& query) {
  const QuerySql sql = account_query_sql(query);
  std::lock_guard lock(m_mutex);
  return count_rows(m_db, sql.filter, sql.values);
}

Result<workflow::Account> SqliteStore::set_account_disabled(std::int64_t account_id, bool disabled,
                                                            const workflow::AuditEvent& event) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  auto update = TRY(m_db.prepare("UPDATE accounts SET disabled_at = ? WHERE id = ?"));
  if (disabled)
    update.bind(1, workflow::to_unix_seconds(event.at));
  else
    update.bind_null(1);
  TRY(update.bind(2, account_id).run());
  if (m_db.changes() == 0) return Error::make(ErrorKind::NotFound, "账户不存在", "account");
  if (disabled) {
    auto sessions = TRY(m_db.prepare("DELETE FROM sessions WHERE account_id = ?"));
    TRY(sessions.bind(1, account_id).run());
  }
  TRY(append_audit_events({event}, std::to_string(account_id)));
  auto account = TRY(load_account_by_id(account_id));
  TRY(transaction.commit());
  return account;
}

Result<workflow::Account> SqliteStore::account_by_username(std::string_view username) {
  std::lock_guard lock(m_mutex);
  auto row = TRY(m_db.prepare(std::string(kAccountColumns) + "WHERE username = ?"));
  row.bind(1, username);
  if (!TRY(row.step())) return Error::make(ErrorKind::NotFound, "账户不存在");
  return account_from_row(row);
}

Result<workflow::Account> SqliteStore::account_of_student(std::string_view student_no) {
  std::lock_guard lock(m_mutex);
  auto row = TRY(m_db.prepare(std::string(kAccountColumns) + "WHERE student_no = ? ORDER BY id LIMIT 1"));
  row.bind(1, student_no);
  if (!TRY(row.step())) return Error::make(ErrorKind::NotFound, "账户不存在");
  return account_from_row(row);
}

Result<LoginThrottle> SqliteStore::login_throttle(std::string_view username, Timestamp now) {
  std::lock_guard lock(m_mutex);
  auto row =
      TRY(m_db.prepare("SELECT failures, locked_until FROM login_failures WHERE username = ?"));
  row.bind(1, username);
  LoginThrottle throttle;
  if (!TRY(row.step())) return throttle;
  throttle.failures = static_cast<int>(row.int64(0));
  const auto locked_until = optional_timestamp(row.optional_int64(1));
  if (locked_until && *locked_until > now) throttle.locked_until = locked_until;
  return throttle;
}

Result<workflow::Account> SqliteStore::check_login(std::string_view username,
                                                   std::string_view password, Timestamp now) {
  const LoginThrottle throttle = TRY(login_throttle(username, now));
  TRY(workflow::check_login_not_locked(throttle));

  std::string stored_hash;
  std::optional<std::int64_t> account_id;
  {
    std::lock_guard lock(m_mutex);
    auto row = TRY(m_db.prepare("SELECT id, password_hash FROM accounts WHERE username = ?"));
    row.bind(1, username);
    if (TRY(row.step())) {
      account_id = row.int64(0);
      stored_hash = row.text(1);
    }
  }
  // An unknown name costs the same hashing work as a known one, so timing does not tell them apart.
  static const std::string kDecoyHash = [] {
    auto decoy = hash_password("decoy password");
    return decoy.ok() ? decoy.value() : std::string();
  }();
  // Busy (the hashing queue is full) returns before anything is counted: it is not a failure.
  const bool matches = TRY(m_options.password_hasher->matches(account_id ? stored_hash : kDecoyHash, password));

  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  if (matches && account_id) {
    auto reset = TRY(m_db.prepare("DELETE FROM login_failures WHERE username = ?"));
    TRY(reset.bind(1, username).run());
    TRY(transaction.commit());
    return load_account_by_id(*account_id);
  }
  auto count = TRY(m_db.prepare(
      "INSERT INTO login_failures(username, failures, locked_until) VALUES (?, 1, NULL)"
      " ON CONFLICT(username) DO UPDATE SET failures = failures + 1 RETURNING failures"));
  count.bind(1, username);
  TRY(count.step());
  const std::int64_t failures = count.int64(0);
  TRY(count.step());
  if (const auto locked_until = workflow::lock_after_failed_login(static_cast<int>(failures), now)) {
    // The lock restarts the count, so the name gets a fresh set of attempts afterwards.
    auto lock_name = TRY(m_db.prepare(
        "UPDATE login_failures SET failures = 0, locked_until = ? WHERE username = ?"));
    TRY(lock_name.bind(1, workflow::to_unix_seconds(*locked_until)).bind(2, username).run());
  }
  TRY(transaction.commit());
  return workflow::login_failed();
}

Status SqliteStore::change_password(std::int64_t account_id, std::string_view old_password,
                                    std::string_view new_password, std::string_view kept_session_token) {
  std::string stored_hash;
  {
    std::lock_guard lock(m_mutex);
    auto row = TRY(m_db.prepare("SELECT password_hash FROM accounts WHERE id = ?"));
    row.bind(1, account_id);
    if (!TRY(row.step())) return Error::make(ErrorKind::NotFound, "账户不存在");
    stored_hash = row.text(0);
  }
  if (!TRY(m_options.password_hasher->matches(stored_hash, old_password)))
    return Error::make(ErrorKind::Unauthorized, "原密码错误", "old_password");
  const std::string new_hash = TRY(m_options.password_hasher->hash(new_password));
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  auto update = TRY(m_db.prepare(
      "UPDATE accounts SET password_hash = ?, must_change_password = 0 WHERE id = ?"));
  TRY(update.bind(1, new_hash).bind(2, account_id).run());
  auto others = TRY(m_db.prepare("DELETE FROM sessions WHERE account_id = ? AND token_hash != ?"));
  TRY(others.bind(1, account_id).bind(2, sha256_hex(kept_session_token)).run());
  return transaction.commit();
}

Status SqliteStore::reset_password(std::int64_t account_id, std::string_view new_password,
                                   const workflow::AuditEvent& event) {
  const std::string new_hash = TRY(m_options.password_hasher->hash(new_password));
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  auto update = TRY(m_db.prepare(
      "UPDATE accounts SET password_hash = ?, must_change_password = 1 WHERE id = ?"));
  TRY(update.bind(1, new_hash).bind(2, account_id).run());
  if (m_db.changes() == 0) return Error::make(ErrorKind::NotFound, "账户不存在");
  auto sessions = TRY(m_db.prepare("DELETE FROM sessions WHERE account_id = ?"));
  TRY(sessions.bind(1, account_id).run());
  TRY(append_audit_events({event}, std::to_string(account_id)));
  return transaction.commit();
}

Result<std::string> SqliteStore::create_session(std::int64_t account_id, Timestamp now) {
  const std::string token = TRY(random_token());
  std::lock_guard lock(m_mutex);
  auto insert = TRY(m_db.prepare(
      "INSERT INTO sessions(token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)"));
  TRY(insert.bind(1, sha256_hex(token))
          .bind(2, account_id)
          .bind(3, workflow::to_unix_seconds(now))
          .bind(4, workflow::to_unix_seconds(workflow::session_expires_at(now)))
          .run());
  return token;
}

Result<workflow::Account> SqliteStore::account_for_session(std::string_view token, Timestamp now) {
  std::lock_guard lock(m_mutex);
  auto row = TRY(m_db.prepare("SELECT account_id, expires_at FROM sessions WHERE token_hash = ?"));
  row.bind(1, sha256_hex(token));
  if (!TRY(row.step()) || workflow::from_unix_seconds(row.int64(1)) <= now)
    return Error::make(ErrorKind::Unauthorized, "登录已失效，请重新登录");
  return load_account_by_id(row.int64(0));
}

Status SqliteStore::end_session(std::string_view token) {
  std::lock_guard lock(m_mutex);
  auto remove = TRY(m_db.prepare("DELETE FROM sessions WHERE token_hash = ?"));
  return remove.bind(1, sha256_hex(token)).run();
}

// ---- workflow-over-HTTP area ------------------------------------------------------------------

Result<std::vector<workflow::Employer>> SqliteStore::search_employers(std::string_view name_part,
                                                                      int limit) {
  std::lock_guard lock(m_mutex);
  auto rows = TRY(m_db.prepare(
      "SELECT id FROM employers WHERE name LIKE ? ESCAPE '\\'"
      " ORDER BY vetted DESC, name, id LIMIT ?"));
  rows.bind(1, like_substring(name_part)).bind(2, limit);
  std::vector<std::int64_t> ids;
  while (TRY(rows.step())) ids.push_back(rows.int64(0));
  std::vector<workflow::Employer> found;
  for (std::int64_t id : ids) found.push_back(TRY(load_employer(id)));
  return found;
}

Result<workflow::Employer> SqliteStore::register_employer(
    const workflow::Employer& employer, std::int64_t bind_account_id,
    const std::vector<workflow::AuditEvent>& events) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  auto insert = TRY(m_db.prepare(
      "INSERT INTO employers(name, uscc, profile, vetted, version) VALUES (?, ?, ?, ?, 1)"));
  insert.bind(1, employer.name)
      .bind(2, employer.uscc)
      .bind(3, employer.profile.dump())
      .bind(4, employer.vetted ? 1 : 0);
  if (auto inserted = insert.run(); !inserted.ok()) return explain_conflict(inserted.take_error());
  const std::int64_t id = m_db.last_insert_rowid();
  if (bind_account_id != 0) {
    // SPEC roles: an employer account is the HR account of one unit, so it binds only once.
    auto bind = TRY(m_db.prepare(
        "UPDATE accounts SET employer_id = ? WHERE id = ? AND role = 'employer'"
        " AND employer_id IS NULL"));
    TRY(bind.bind(1, id).bind(2, bind_account_id).run());
    if (m_db.changes() == 0)
      return Error::make(ErrorKind::Conflict, "该账户已绑定用人单位", "account");
  }
  TRY(append_audit_events(events, std::to_string(id)));
  TRY(transaction.commit());
  return load_employer(id);
}

Result<std::vector<Agreement>> SqliteStore::list_agreements(const AgreementQuery& query) {
  const QuerySql sql = agreement_query_sql(query);
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::ReadTransaction::begin(m_db));
  auto rows = TRY(prepare_page(m_db, std::string(kAgreementColumns) + sql.filter + " " + sql.order_by, sql.values,
                               query.limit, query.offset));
  std::vector<Agreement> list;
  while (TRY(rows.step())) list.push_back(TRY(agreement_from_row(rows)));
  for (auto& agreement : list)
    agreement.attachments =
        TRY(load_attachments("agreement_attachments", "agreement_id", agreement.id));
  return list;
}

Result<std::int64_t> SqliteStore::count_agreements(const AgreementQuery& query) {
  const QuerySql sql = agreement_query_sql(query);
  std::lock_guard lock(m_mutex);
  return count_rows(m_db, "FROM agreements " + sql.filter, sql.values);
}

Result<std::vector<StudentListing>> SqliteStore::list_students(const StudentQuery& query) {
  const QuerySql sql = student_query_sql(query);
  std::lock_guard lock(m_mutex);
  auto rows = TRY(prepare_page(m_db, std::string(kStudentListingColumns) + sql.filter + " " + sql.order_by,
                               sql.values, query.limit, query.offset));
  std::vector<StudentListing> list;
  while (TRY(rows.step())) {
    StudentListing listing;
    listing.student = workflow::Student{rows.text(0), rows.text(1), rows.text(2), rows.text(3),
                                        rows.text(4), rows.text(5), rows.text(6), static_cast<int>(rows.int64(7))};
    listing.source_state = TRY(workflow::parse_source_info_state(rows.text(8)));
    listing.source_updated_at = optional_timestamp(rows.optional_int64(9));
    list.push_back(std::move(listing));
  }
  return list;
}

Result<std::int64_t> SqliteStore::count_students(const StudentQuery& query) {
  const QuerySql sql = student_query_sql(query);
  std::lock_guard lock(m_mutex);
  return count_rows(m_db, sql.filter, sql.values);
}

Result<AgreementStatistics> SqliteStore::agreement_statistics(const StatisticsQuery& query) {
  const StatisticsSql sql = statistics_sql(query, sqlite_json_text);
  std::lock_guard lock(m_mutex);
  // One snapshot for the three counts, so that they agree with each other.
  auto transaction = TRY(sqlite::ReadTransaction::begin(m_db));
  AgreementStatistics statistics;
  auto agreements = TRY(m_db.prepare(sql.agreements));
  bind_values(agreements, sql.agreement_values);
  while (TRY(agreements.step()))
    statistics.agreements.push_back(
        {agreements.text(0), agreements.text(1), agreements.text(2), agreements.text(3), agreements.int64(4)});
  auto employers = TRY(m_db.prepare(sql.employers));
  bind_values(employers, sql.agreement_values);
  while (TRY(employers.step()))
    statistics.employers.push_back({employers.text(0), employers.text(1), employers.text(2), employers.int64(3)});
  auto graduates = TRY(m_db.prepare(sql.graduates));
  bind_values(graduates, sql.graduate_values);
  while (TRY(graduates.step()))
    statistics.graduates.push_back({graduates.text(0), graduates.text(1), graduates.int64(2), graduates.int64(3)});
  return statistics;
}

Result<AgreementUpload> SqliteStore::record_upload(std::int64_t agreement_id,
                                                   std::int64_t account_id,
                                                   const workflow::Attachment& attachment,
                                                   Timestamp at) {
  std::lock_guard lock(m_mutex);
  auto insert = TRY(m_db.prepare(
      "INSERT INTO agreement_uploads(agreement_id, account_id, sha256, purpose, uploaded_at)"
      " VALUES (?, ?, ?, ?, ?)"));
  TRY(insert.bind(1, agreement_id)
          .bind(2, account_id)
          .bind(3, attachment.sha256)
          .bind(4, workflow::to_string(attachment.purpose))
          .bind(5, workflow::to_unix_seconds(at))
          .run());
  return AgreementUpload{m_db.last_insert_rowid(), agreement_id, account_id, attachment, at};
}

Result<std::vector<AgreementUpload>> SqliteStore::uploads_of(std::int64_t agreement_id) {
  std::lock_guard lock(m_mutex);
  auto rows = TRY(m_db.prepare(
      "SELECT u.id, u.account_id, u.sha256, b.media_type, b.size, u.purpose, u.uploaded_at"
      " FROM agreement_uploads u JOIN blobs b ON b.sha256 = u.sha256"
      " WHERE u.agreement_id = ? ORDER BY u.id"));
  rows.bind(1, agreement_id);
  std::vector<AgreementUpload> uploads;
  while (TRY(rows.step())) {
    AgreementUpload upload;
    upload.id = rows.int64(0);
    upload.agreement_id = agreement_id;
    upload.account_id = rows.int64(1);
    upload.attachment = workflow::Attachment{
        rows.text(2), TRY(workflow::parse_media_type(rows.text(3))), rows.int64(4),
        TRY(workflow::parse_attachment_purpose(rows.text(5)))};
    upload.uploaded_at = workflow::from_unix_seconds(rows.int64(6));
    uploads.push_back(std::move(upload));
  }
  return uploads;
}

// ---- documents area ------------------------------------------------------------------------------

Result<std::string> SqliteStore::college_name(std::string_view college_code) {
  std::lock_guard lock(m_mutex);
  auto row = TRY(m_db.prepare("SELECT name FROM colleges WHERE code = ?"));
  row.bind(1, college_code);
  if (!TRY(row.step())) return Error::make(ErrorKind::NotFound, "学院不存在", "college_code");
  return row.text(0);
}

Result<workflow::Agreement> SqliteStore::agreement_by_serial(std::string_view serial) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::ReadTransaction::begin(m_db));
  auto row = TRY(m_db.prepare("SELECT id FROM agreements WHERE serial = ?"));
  row.bind(1, serial);
  if (!TRY(row.step())) return Error::make(ErrorKind::NotFound, "没有这个编号的协议", "serial");
  return load_agreement(row.int64(0));
}

Result<SignedDocument> SqliteStore::load_signed_document(std::int64_t agreement_id) {
  auto row = TRY(m_db.prepare(
      "SELECT agreement_id, serial, sha256, content_hash, created_at FROM signed_documents"
      " WHERE agreement_id = ?"));
  row.bind(1, agreement_id);
  if (!TRY(row.step())) return Error::make(ErrorKind::NotFound, "协议文件尚未生成");
  return SignedDocument{row.int64(0), row.text(1), row.text(2), row.text(3),
                        workflow::from_unix_seconds(row.int64(4))};
}

Result<SignedDocument> SqliteStore::put_signed_document(const SignedDocument& document,
                                                        std::string_view pdf) {
  // Bytes first (fsync'd), then the rows: a committed record always finds its file.
  const StoredBlob blob = TRY(m_blobs.put(pdf));
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  TRY(record_blob(blob, document.created_at));
  // Two first downloads may race to store the same document; the first record stays.
  auto insert = TRY(m_db.prepare(
      "INSERT INTO signed_documents(agreement_id, serial, sha256, content_hash, created_at)"
      " VALUES (?, ?, ?, ?, ?) ON CONFLICT(agreement_id) DO NOTHING"));
  TRY(insert.bind(1, document.agreement_id)
          .bind(2, document.serial)
          .bind(3, blob.sha256)
          .bind(4, document.content_hash)
          .bind(5, workflow::to_unix_seconds(document.created_at))
          .run());
  TRY(transaction.commit());
  return load_signed_document(document.agreement_id);
}

Result<SignedDocument> SqliteStore::signed_document(std::int64_t agreement_id) {
  std::lock_guard lock(m_mutex);
  return load_signed_document(agreement_id);
}

// No index on sha256: the table holds one row per signed agreement (tens of thousands a year),
// and the public check that asks is rate-limited per client.
Result<SignedDocument> SqliteStore::signed_document_by_sha256(std::string_view sha256) {
  std::lock_guard lock(m_mutex);
  auto row = TRY(m_db.prepare("SELECT agreement_id FROM signed_documents WHERE sha256 = ?"));
  row.bind(1, sha256);
  if (!TRY(row.step())) return Error::make(ErrorKind::NotFound, "没有与这份文件一致的协议文件");
  return load_signed_document(row.int64(0));
}

Result<StoredBlob> SqliteStore::put_blob_file(const std::filesystem::path& file, std::string_view sha256,
                                              workflow::Timestamp now) {
  // The file becomes the blob (fsync'd in place) before the row exists: a row always finds it.
  const StoredBlob blob = TRY(m_blobs.adopt(file, sha256));
  std::lock_guard lock(m_mutex);
  TRY(record_blob(blob, now));
  return blob;
}

Result<std::string> SqliteStore::blob_bytes(std::string_view sha256) { return m_blobs.read(sha256); }

Result<std::filesystem::path> SqliteStore::blob_file(std::string_view sha256) { return m_blobs.file(sha256); }

Status SqliteStore::record_verification(const VerificationRecord& record) {
  std::lock_guard lock(m_mutex);
  auto insert = TRY(m_db.prepare(
      "INSERT INTO verifications(at, token, serial, answer, client_address) VALUES (?, ?, ?, ?, ?)"));
  insert.bind(1, workflow::to_unix_seconds(record.at)).bind(2, record.token);
  if (record.serial)
    insert.bind(3, *record.serial);
  else
    insert.bind_null(3);
  return insert.bind(4, record.answer).bind(5, record.client_address).run();
}

Result<VerificationSummary> SqliteStore::verifications(std::string_view serial, int recent_limit) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::ReadTransaction::begin(m_db));
  const std::string where = serial.empty() ? " WHERE ?1 = ''" : " WHERE serial = ?1";
  VerificationSummary summary;
  auto counts = TRY(m_db.prepare("SELECT answer, COUNT(*) FROM verifications" + where + " GROUP BY answer"));
  counts.bind(1, serial);
  while (TRY(counts.step())) {
    const std::string answer = counts.text(0);
    if (answer == "valid") summary.valid = counts.int64(1);
    else if (answer == "terminated") summary.terminated = counts.int64(1);
    else summary.invalid = counts.int64(1);
  }
  auto recent = TRY(m_db.prepare(
      "SELECT id, at, token, serial, answer, client_address FROM verifications" + where +
      " ORDER BY id DESC LIMIT ?2"));
  recent.bind(1, serial).bind(2, recent_limit);
  while (TRY(recent.step())) {
    VerificationRecord record;
    record.id = recent.int64(0);
    record.at = workflow::from_unix_seconds(recent.int64(1));
    record.token = recent.text(2);
    if (!recent.is_null(3)) record.serial = recent.text(3);
    record.answer = recent.text(4);
    record.client_address = recent.text(5);
    summary.recent.push_back(std::move(record));
  }
  return summary;
}

// ---- periodic work ---------------------------------------------------------------------------------

Result<bool> SqliteStore::claim_periodic_run(std::string_view name, std::chrono::seconds period,
                                             workflow::Timestamp now) {
  // One write transaction (BEGIN IMMEDIATE): other processes on this file wait for it, so the
  // check and the record cannot interleave.
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  auto claim = TRY(m_db.prepare(
      "INSERT INTO periodic_runs(name, last_run_at) VALUES (?1, ?2)"
      " ON CONFLICT(name) DO UPDATE SET last_run_at = excluded.last_run_at"
      " WHERE periodic_runs.last_run_at <= ?2 - ?3"));
  TRY(claim.bind(1, name).bind(2, workflow::to_unix_seconds(now)).bind(3, static_cast<std::int64_t>(period.count())).run());
  const bool claimed = m_db.changes() > 0;
  TRY(transaction.commit());
  return claimed;
}

// ---- the school's public address ----------------------------------------------------------------

Result<std::optional<std::string>> SqliteStore::stored_public_base() {
  auto query = TRY(m_db.prepare("SELECT value FROM school_settings WHERE key = 'public_base'"));
  if (!TRY(query.step())) return std::optional<std::string>();
  return std::optional<std::string>(query.text(0));
}

Result<std::optional<std::string>> SqliteStore::public_base() {
  std::lock_guard lock(m_mutex);
  return stored_public_base();
}

Status SqliteStore::write_public_base(const std::string& old_url, const std::string& url, const workflow::Actor& by,
                                      workflow::Timestamp now) {
  auto upsert = TRY(m_db.prepare(
      "INSERT INTO school_settings(key, value) VALUES ('public_base', ?)"
      " ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
  TRY(upsert.bind(1, url).run());
  return append_audit_events({workflow::public_base_change(old_url, url, by, now)}, "public_base");
}

Result<std::string> SqliteStore::adopt_public_base(const std::string& url, const workflow::Actor& by,
                                                   workflow::Timestamp now) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  if (const auto stored = TRY(stored_public_base())) return *stored;
  TRY(write_public_base("", url, by, now));
  TRY(transaction.commit());
  return url;
}

Result<std::string> SqliteStore::change_public_base(const std::string& url, const workflow::Actor& by,
                                                    workflow::Timestamp now) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  const std::string old_url = TRY(stored_public_base()).value_or("");
  TRY(write_public_base(old_url, url, by, now));
  TRY(transaction.commit());
  return old_url;
}

}  // namespace sanfang::store
