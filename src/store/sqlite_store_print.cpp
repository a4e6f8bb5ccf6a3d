// The print room area of the SQLite store: print jobs, their frozen lists and the per-copy print
// records (SPEC "Print room").
#include "store/print_parts_sql.h"
#include "store/sqlite_store.h"
#include "store/stored_values.h"
#include "workflow/print_audit.h"

#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <utility>

namespace sanfang::store {

namespace {

using workflow::PrintJob;
using workflow::PrintJobState;
using workflow::PrintRequest;
using workflow::Timestamp;
using nlohmann::json;

constexpr const char* kJobColumns =
    "SELECT id, request, origin, state, total, done, pages, created_by, created_by_name, created_at,"
    " started_at, finished_at, file_size, sha256, failures, retry_at, last_error, lease_owner, lease_expires_at"
    " FROM print_jobs ";

Result<PrintJob> job_from_row(const sqlite::Statement& row) {
  PrintJob job;
  job.id = row.int64(0);
  job.request = TRY(print_request_from_json(row.text(1)));
  job.origin = row.text(2) == "cli" ? workflow::PrintJobOrigin::Cli : workflow::PrintJobOrigin::Service;
  const auto state = workflow::print_job_state_from_string(row.text(3));
  if (!state) return Error::make(ErrorKind::Storage, "unknown print job state " + row.text(3));
  job.state = *state;
  job.total = static_cast<int>(row.int64(4));
  job.done = static_cast<int>(row.int64(5));
  job.pages = static_cast<int>(row.int64(6));
  job.created_by = row.optional_int64(7).value_or(0);
  job.created_by_name = row.text(8);
  job.created_at = workflow::from_unix_seconds(row.int64(9));
  if (auto t = row.optional_int64(10)) job.started_at = workflow::from_unix_seconds(*t);
  if (auto t = row.optional_int64(11)) job.finished_at = workflow::from_unix_seconds(*t);
  job.file_size = row.int64(12);
  job.sha256 = row.text(13);
  job.failures = static_cast<int>(row.int64(14));
  if (auto t = row.optional_int64(15)) job.retry_at = workflow::from_unix_seconds(*t);
  job.last_error = row.text(16);
  job.lease_owner = row.text(17);
  if (auto t = row.optional_int64(18)) job.lease_expires_at = workflow::from_unix_seconds(*t);
  return job;
}

std::optional<std::int64_t> account_or_null(std::int64_t id) {
  return id > 0 ? std::optional<std::int64_t>(id) : std::nullopt;
}

// The caller reads the job again to tell the client its current state.
Error state_conflict(std::string message) { return Error::make(ErrorKind::Conflict, std::move(message), "state"); }

}  // namespace

Result<PrintJob> SqliteStore::load_print_job(std::int64_t id) {
  auto row = TRY(m_db.prepare(std::string(kJobColumns) + "WHERE id = ?"));
  row.bind(1, id);
  if (!TRY(row.step())) return Error::make(ErrorKind::NotFound, "打印任务不存在");
  PrintJob job = TRY(job_from_row(row));
  auto errors = TRY(m_db.prepare("SELECT serial, message FROM print_job_errors WHERE job_id = ? ORDER BY position"));
  errors.bind(1, id);
  while (TRY(errors.step())) job.errors.push_back({errors.text(0), errors.text(1)});
  auto crashes = TRY(m_db.prepare("SELECT position, crashes FROM print_job_crashes WHERE job_id = ?"));
  crashes.bind(1, id);
  while (TRY(crashes.step())) job.crashes[static_cast<int>(crashes.int64(0))] = static_cast<int>(crashes.int64(1));
  auto parts = TRY(m_db.prepare(kPrintPartColumns));
  parts.bind(1, id);
  while (TRY(parts.step())) {
    workflow::PrintJobPart part;
    part.n = static_cast<int>(parts.int64(0));
    part.college_code = parts.text(1);
    part.first_position = static_cast<int>(parts.int64(2));
    part.agreements = static_cast<int>(parts.int64(3));
    part.pages = static_cast<int>(parts.int64(4));
    part.file_size = parts.int64(5);
    part.sha256 = parts.text(6);
    if (auto t = parts.optional_int64(7)) part.finished_at = workflow::from_unix_seconds(*t);
    part.drawn = static_cast<int>(parts.int64(8));
    part.runner = parts.text(9);
    if (auto t = parts.optional_int64(10)) part.runner_expires_at = workflow::from_unix_seconds(*t);
    job.parts.push_back(std::move(part));
  }
  return job;
}

Result<PrintJobState> SqliteStore::print_job_state(std::int64_t id) {
  auto row = TRY(m_db.prepare("SELECT state FROM print_jobs WHERE id = ?"));
  row.bind(1, id);
  if (!TRY(row.step())) return Error::make(ErrorKind::NotFound, "打印任务不存在");
  const auto state = workflow::print_job_state_from_string(row.text(0));
  if (!state) return Error::make(ErrorKind::Storage, "unknown print job state " + row.text(0));
  return *state;
}

Status SqliteStore::void_print_records(std::int64_t job_id, std::optional<std::int64_t> agreement_id, Timestamp now) {
  auto update = TRY(m_db.prepare(
      "UPDATE print_records SET voided_at = ? WHERE job_id = ? AND voided_at IS NULL"
      " AND (? IS NULL OR agreement_id = ?)"));
  return update.bind(1, workflow::to_unix_seconds(now)).bind(2, job_id).bind(3, agreement_id).bind(4, agreement_id).run();
}

Result<PrintJob> SqliteStore::create_print_job(const PrintRequest& request, workflow::PrintJobOrigin origin,
                                               const PrintOperator& by, Timestamp now) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));

  // An explicit serial must name a signed agreement: a typo must not silently print less.
  for (std::size_t i = 0; i < request.serials.size(); ++i) {
    auto row = TRY(m_db.prepare("SELECT state FROM agreements WHERE serial = ?"));
    row.bind(1, request.serials[i]);
    const std::string field = "serials[" + std::to_string(i) + "]";
    if (!TRY(row.step())) return Error::invalid(field, "没有编号为 " + request.serials[i] + " 的协议");
    if (row.text(0) != "signed") return Error::invalid(field, "编号为 " + request.serials[i] + " 的协议已申请解约或已解约，不能打印");
  }
  const std::set<std::string> wanted(request.serials.begin(), request.serials.end());
  const workflow::SigningWindow window = workflow::signing_window(request);

  auto select = TRY(m_db.prepare(
      "SELECT id, serial, college_code, COALESCE(json_extract(snapshot, '$.student.major'), '') AS major,"
      " student_no FROM agreements WHERE state = 'signed'"
      " AND (?1 IS NULL OR college_code = ?1) AND (?2 IS NULL OR major = ?2)"
      " AND (?3 IS NULL OR signed_at >= ?3) AND (?4 IS NULL OR signed_at < ?4)"
      " ORDER BY college_code, major, student_no"));
  if (request.college) select.bind(1, *request.college); else select.bind_null(1);
  if (request.major) select.bind(2, *request.major); else select.bind_null(2);
  select.bind(3, window.from ? std::optional(workflow::to_unix_seconds(*window.from)) : std::nullopt);
  select.bind(4, window.until ? std::optional(workflow::to_unix_seconds(*window.until)) : std::nullopt);
  std::vector<workflow::PrintItem> items;
  while (TRY(select.step())) {
    workflow::PrintItem item;
    item.agreement_id = select.int64(0);
    item.serial = select.text(1);
    if (!wanted.empty() && !wanted.count(item.serial)) continue;
    item.college_code = select.text(2);
    item.major = select.text(3);
    item.student_no = select.text(4);
    item.position = static_cast<int>(items.size());
    items.push_back(std::move(item));
  }
  if (items.empty()) return Error::invalid("", "没有符合条件的已签署协议");

  // How often each copy was printed before: live records only.
  std::map<std::pair<std::int64_t, int>, int> printed_before;
  auto counts = TRY(m_db.prepare(
      "SELECT agreement_id, copy, COUNT(*) FROM print_records WHERE voided_at IS NULL GROUP BY agreement_id, copy"));
  while (TRY(counts.step()))
    printed_before[{counts.int64(0), static_cast<int>(counts.int64(1))}] = static_cast<int>(counts.int64(2));

  auto insert_job = TRY(m_db.prepare(
      "INSERT INTO print_jobs(request, origin, state, total, created_by, created_by_name, created_at)"
      " VALUES (?, ?, 'queued', ?, ?, ?, ?)"));
  TRY(insert_job.bind(1, workflow::print_request_json(request).dump())
          .bind(2, workflow::to_string(origin))
          .bind(3, static_cast<std::int64_t>(items.size()))
          .bind(4, account_or_null(by.account_id))
          .bind(5, by.name)
          .bind(6, workflow::to_unix_seconds(now))
          .run());
  const std::int64_t job_id = m_db.last_insert_rowid();

  const int max_copy = request.copies.empty() ? 0 : request.copies.back();
  auto insert_item = TRY(m_db.prepare(
      "INSERT INTO print_job_items(job_id, position, agreement_id, serial, college_code, major, student_no, reprints)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  auto insert_record = TRY(m_db.prepare(
      "INSERT INTO print_records(agreement_id, copy, ordinal, job_id, printed_by, printed_by_name, printed_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?)"));
  std::vector<workflow::AuditEvent> events;
  events.push_back({"print_job", std::to_string(job_id), "create", by.account_id, by.role, now, "", "queued",
                    std::to_string(items.size()) + " 份协议"});
  for (auto& item : items) {
    item.reprints.assign(static_cast<std::size_t>(max_copy), 0);
    for (int copy : request.copies) {
      const int before = printed_before[{item.agreement_id, copy}];
      item.reprints[static_cast<std::size_t>(copy - 1)] = before;
      TRY(insert_record.bind(1, item.agreement_id)
              .bind(2, copy)
              .bind(3, before)
              .bind(4, job_id)
              .bind(5, account_or_null(by.account_id))
              .bind(6, by.name)
              .bind(7, workflow::to_unix_seconds(now))
              .run());
      insert_record.reset();
    }
    TRY(insert_item.bind(1, job_id)
            .bind(2, item.position)
            .bind(3, item.agreement_id)
            .bind(4, item.serial)
            .bind(5, item.college_code)
            .bind(6, item.major)
            .bind(7, item.student_no)
            .bind(8, json(item.reprints).dump())
            .run());
    insert_item.reset();
    events.push_back({"agreement", std::to_string(item.agreement_id), "print", by.account_id, by.role, now, "", "",
                      workflow::print_audit_reason(job_id, request.copies, item.reprints)});
  }
  std::vector<std::string> colleges;
  for (const auto& item : items) colleges.push_back(item.college_code);
  auto insert_part = TRY(m_db.prepare(
      "INSERT INTO print_job_parts(job_id, n, college_code, first_position, agreements) VALUES (?, ?, ?, ?, ?)"));
  for (const workflow::PrintJobPart& part : workflow::plan_print_parts(colleges, request.part_limit, request.one_file)) {
    TRY(insert_part.bind(1, job_id)
            .bind(2, part.n)
            .bind(3, part.college_code)
            .bind(4, part.first_position)
            .bind(5, part.agreements)
            .run());
    insert_part.reset();
  }
  TRY(append_audit_events(events, std::to_string(job_id)));
  TRY(transaction.commit());
  return load_print_job(job_id);
}

Result<PrintJob> SqliteStore::print_job(std::int64_t id) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::ReadTransaction::begin(m_db));
  return load_print_job(id);
}

Result<std::vector<PrintJob>> SqliteStore::load_print_jobs(sqlite::Statement& ids) {
  std::vector<std::int64_t> found;
  while (TRY(ids.step())) found.push_back(ids.int64(0));
  std::vector<PrintJob> jobs;
  for (std::int64_t id : found) jobs.push_back(TRY(load_print_job(id)));
  return jobs;
}

Result<std::vector<PrintJob>> SqliteStore::print_jobs(int limit) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::ReadTransaction::begin(m_db));
  auto ids = TRY(m_db.prepare("SELECT id FROM print_jobs ORDER BY id DESC LIMIT ?"));
  ids.bind(1, limit);
  return load_print_jobs(ids);
}

Result<std::vector<PrintJob>> SqliteStore::unfinished_print_jobs(workflow::PrintJobOrigin origin) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::ReadTransaction::begin(m_db));
  auto ids = TRY(m_db.prepare(
      "SELECT id FROM print_jobs WHERE origin = ? AND state IN ('queued','running') ORDER BY id"));
  ids.bind(1, workflow::to_string(origin));
  return load_print_jobs(ids);
}

Result<std::vector<workflow::PrintItem>> SqliteStore::print_items(std::int64_t job_id, int from_position, int limit) {
  std::lock_guard lock(m_mutex);
  auto rows = TRY(m_db.prepare(
      "SELECT position, agreement_id, serial, college_code, major, student_no, reprints FROM print_job_items"
      " WHERE job_id = ? AND position >= ? ORDER BY position LIMIT ?"));
  rows.bind(1, job_id).bind(2, from_position).bind(3, limit);
  std::vector<workflow::PrintItem> items;
  while (TRY(rows.step())) {
    workflow::PrintItem item;
    item.position = static_cast<int>(rows.int64(0));
    item.agreement_id = rows.int64(1);
    item.serial = rows.text(2);
    item.college_code = rows.text(3);
    item.major = rows.text(4);
    item.student_no = rows.text(5);
    const json reprints = json::parse(rows.text(6), nullptr, false);
    if (!reprints.is_array()) return Error::make(ErrorKind::Storage, "print_job_items.reprints is not an array");
    for (const auto& n : reprints) item.reprints.push_back(n.is_number_integer() ? n.get<int>() : 0);
    items.push_back(std::move(item));
  }
  return items;
}

Result<PrintJob> SqliteStore::claim_print_job_locked(std::int64_t id, const PrintLease& lease, Timestamp now,
                                                    bool into_folder) {
  auto row = TRY(m_db.prepare(
      "SELECT state, lease_owner, lease_expires_at, origin FROM print_jobs WHERE id = ?"));
  row.bind(1, id);
  if (!TRY(row.step())) return Error::make(ErrorKind::NotFound, "打印任务不存在");
  const auto state = workflow::print_job_state_from_string(row.text(0));
  if (!state) return Error::make(ErrorKind::Storage, "unknown print job state " + row.text(0));
  if (workflow::is_finished(*state)) return state_conflict("打印任务已结束");
  const std::string owner = row.text(1);
  const auto expires = row.optional_int64(2);
  const std::int64_t now_seconds = workflow::to_unix_seconds(now);
  if (!owner.empty() && owner != lease.owner && expires && *expires > now_seconds)
    return state_conflict("打印任务正由 " + owner + " 运行");
  const bool restart_parts = into_folder || row.text(3) == "cli";
  row.reset();

  // Still running: its runner died without finishing, failing or letting go of it.
  const bool taken_over = *state == PrintJobState::Running;
  if (taken_over) {
    auto ranges = TRY(m_db.prepare(kDeadPrintPartRanges));
    ranges.bind(1, id).bind(2, owner).bind(3, now_seconds);
    std::vector<std::pair<std::int64_t, std::int64_t>> drawing;
    while (TRY(ranges.step())) drawing.emplace_back(ranges.int64(0), ranges.int64(1));
    ranges.reset();
    for (const auto& [from, to] : drawing) TRY(mark_print_crashes(id, from, to));
  }
  auto update = TRY(m_db.prepare(
      "UPDATE print_jobs SET state = 'running', done = 0, started_at = ?, lease_owner = ?, lease_expires_at = ?,"
      " retry_at = NULL, failures = failures + ?,"
      " last_error = CASE WHEN ? THEN ? ELSE last_error END WHERE id = ?"));
  TRY(update.bind(1, now_seconds)
          .bind(2, lease.owner)
          .bind(3, workflow::to_unix_seconds(lease.expires_at))
          .bind(4, taken_over ? 1 : 0)
          .bind(5, taken_over ? 1 : 0)
          .bind(6, "打印进程意外中断")
          .bind(7, id)
          .run());
  auto free_parts = TRY(m_db.prepare(restart_parts ? kRestartPrintParts : kClearDeadPrintPartLeases));
  free_parts.bind(1, id);
  if (!restart_parts) free_parts.bind(2, owner).bind(3, now_seconds);
  TRY(free_parts.run());
  TRY(sum_print_progress(id));
  // A new run renders every agreement again; what failed before may succeed now.
  auto clear = TRY(m_db.prepare("DELETE FROM print_job_errors WHERE job_id = ?"));
  TRY(clear.bind(1, id).run());
  auto revive = TRY(m_db.prepare("UPDATE print_records SET voided_at = NULL WHERE job_id = ?"));
  TRY(revive.bind(1, id).run());
  if (taken_over) {
    TRY(append_audit_events({{"print_job", std::to_string(id), "take_over", 0, workflow::Role::System, now, "running",
                              "running", owner.empty() ? lease.owner : owner + " → " + lease.owner}},
                            std::to_string(id)));
  }
  return load_print_job(id);
}

Result<std::optional<PrintJob>> SqliteStore::claim_next_print_job(const PrintLease& lease, Timestamp now) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  auto next = TRY(m_db.prepare(
      "SELECT id FROM print_jobs WHERE"
      " (state = 'queued' AND (retry_at IS NULL OR retry_at <= ?1)"
      "   AND (origin = 'service' OR (lease_expires_at IS NOT NULL AND lease_expires_at <= ?1)))"
      " OR (state = 'running' AND (lease_expires_at IS NULL OR lease_expires_at <= ?1))"
      " ORDER BY id LIMIT 1"));
  next.bind(1, workflow::to_unix_seconds(now));
  if (!TRY(next.step())) return std::optional<PrintJob>();
  const std::int64_t id = next.int64(0);
  next.reset();
  PrintJob job = TRY(claim_print_job_locked(id, lease, now, /*into_folder=*/false));
  TRY(transaction.commit());
  return std::optional<PrintJob>(std::move(job));
}

Result<PrintJob> SqliteStore::claim_print_job(std::int64_t id, const PrintLease& lease, Timestamp now) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  PrintJob job = TRY(claim_print_job_locked(id, lease, now, /*into_folder=*/true));
  TRY(transaction.commit());
  return job;
}

Status SqliteStore::renew_print_lease(std::int64_t id, const PrintLease& lease) {
  std::lock_guard lock(m_mutex);
  auto update = TRY(m_db.prepare(
      "UPDATE print_jobs SET lease_expires_at = ? WHERE id = ? AND lease_owner = ? AND state IN ('queued','running')"));
  TRY(update.bind(1, workflow::to_unix_seconds(lease.expires_at)).bind(2, id).bind(3, lease.owner).run());
  if (m_db.changes() == 0) return state_conflict("打印任务已不由本进程运行");
  auto parts = TRY(m_db.prepare(kRenewPrintPartLeases));
  return parts.bind(1, workflow::to_unix_seconds(lease.expires_at)).bind(2, id).bind(3, lease.owner).run();
}

Status SqliteStore::break_print_lease(std::int64_t id, std::string_view owner, Timestamp now) {
  std::lock_guard lock(m_mutex);
  auto update = TRY(m_db.prepare(
      "UPDATE print_jobs SET lease_expires_at = ? WHERE id = ? AND lease_owner = ? AND state IN ('queued','running')"
      " AND (lease_expires_at IS NULL OR lease_expires_at > ?)"));
  const std::int64_t seconds = workflow::to_unix_seconds(now);
  return update.bind(1, seconds).bind(2, id).bind(3, owner).bind(4, seconds).run();
}

Status SqliteStore::record_print_drawing(std::int64_t id, int n, std::string_view owner, int from, int to) {
  std::lock_guard lock(m_mutex);
  auto update = TRY(m_db.prepare(kRecordPrintPartDrawing));
  TRY(update.bind(1, from).bind(2, to).bind(3, id).bind(4, n).bind(5, owner).bind(6, id).run());
  if (m_db.changes() == 0) return state_conflict("这部分已不由本进程打印");
  return {};
}

Status SqliteStore::mark_print_crashes(std::int64_t job_id, std::int64_t from, std::int64_t to) {
  auto mark = TRY(m_db.prepare(
      "INSERT INTO print_job_crashes(job_id, position, crashes) VALUES (?, ?, 1)"
      " ON CONFLICT(job_id, position) DO UPDATE SET crashes = crashes + 1"));
  for (std::int64_t position = from; position <= to; ++position) {
    TRY(mark.bind(1, job_id).bind(2, position).run());
    mark.reset();
  }
  return {};
}

Status SqliteStore::release_print_job(std::int64_t id, std::string_view owner) {
  std::lock_guard lock(m_mutex);
  auto update = TRY(m_db.prepare(
      "UPDATE print_jobs SET state = 'queued', done = 0, lease_owner = '', lease_expires_at = NULL"
      " WHERE id = ? AND lease_owner = ? AND state = 'running'"));
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  TRY(update.bind(1, id).bind(2, owner).run());
  if (m_db.changes() == 0) return state_conflict("打印任务已不由本进程运行");
  TRY(clear_print_part_leases(id));
  return transaction.commit();
}

Status SqliteStore::retry_print_job(std::int64_t id, std::string_view owner, std::string_view reason,
                                    Timestamp retry_at) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  auto update = TRY(m_db.prepare(
      "UPDATE print_jobs SET state = 'queued', done = 0, failures = failures + 1, retry_at = ?, last_error = ?"
      " WHERE id = ? AND lease_owner = ? AND state = 'running'"));
  TRY(update.bind(1, workflow::to_unix_seconds(retry_at)).bind(2, reason).bind(3, id).bind(4, owner).run());
  if (m_db.changes() == 0) return state_conflict("打印任务已不由本进程运行");
  TRY(clear_print_part_leases(id));
  return transaction.commit();
}

Status SqliteStore::sum_print_progress(std::int64_t job_id) {
  auto sum = TRY(m_db.prepare(kSumPrintJobProgress));
  return sum.bind(1, job_id).bind(2, job_id).run();
}

Status SqliteStore::clear_print_part_leases(std::int64_t job_id) {
  auto clear = TRY(m_db.prepare(kClearPrintPartLeases));
  return clear.bind(1, job_id).run();
}

Status SqliteStore::record_print_progress(std::int64_t job_id, int n, int drawn) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  auto update = TRY(m_db.prepare(kRecordPrintPartProgress));
  TRY(update.bind(1, drawn).bind(2, job_id).bind(3, n).run());
  TRY(sum_print_progress(job_id));
  return transaction.commit();
}

Result<std::optional<int>> SqliteStore::claim_print_part_locked(std::int64_t job_id, const PrintLease& lease,
                                                                Timestamp now, bool helper) {
  auto free = TRY(m_db.prepare(helper ? kUnstartedPrintPart : kFreePrintPart));
  free.bind(1, job_id);
  if (!helper) free.bind(2, workflow::to_unix_seconds(now));
  if (!TRY(free.step())) return std::optional<int>();
  const int n = static_cast<int>(free.int64(0));
  free.reset();
  // A runner held it and let its lease run out: it died, perhaps on what it was drawing.
  auto drawing = TRY(m_db.prepare(kPrintPartDrawing));
  drawing.bind(1, job_id).bind(2, n);
  if (TRY(drawing.step()) && !drawing.text(0).empty() && !drawing.is_null(1)) {
    const std::int64_t from = drawing.int64(1);
    const std::int64_t to = drawing.int64(2);
    drawing.reset();
    TRY(mark_print_crashes(job_id, from, to));
  }
  auto take = TRY(m_db.prepare(kTakePrintPart));
  TRY(take.bind(1, lease.owner).bind(2, workflow::to_unix_seconds(lease.expires_at)).bind(3, job_id).bind(4, n).run());
  return std::optional<int>(n);
}

Result<std::optional<int>> SqliteStore::claim_print_part(std::int64_t job_id, const PrintLease& lease, Timestamp now) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  auto job = TRY(m_db.prepare("SELECT state, lease_owner FROM print_jobs WHERE id = ?"));
  job.bind(1, job_id);
  if (!TRY(job.step())) return Error::make(ErrorKind::NotFound, "打印任务不存在");
  if (job.text(0) != "running" || job.text(1) != lease.owner) return state_conflict("打印任务已不由本进程运行");
  job.reset();
  auto claimed = TRY(claim_print_part_locked(job_id, lease, now, /*helper=*/false));
  TRY(transaction.commit());
  return claimed;
}

Result<std::optional<PrintPartClaim>> SqliteStore::claim_print_part_to_help(const PrintLease& lease, Timestamp now,
                                                                          std::optional<std::int64_t> only_job) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  const std::int64_t now_seconds = workflow::to_unix_seconds(now);
  auto candidates = TRY(m_db.prepare(only_job ? kPrintJobToHelp : kPrintJobsToHelp));
  if (only_job) candidates.bind(1, *only_job).bind(2, lease.owner).bind(3, now_seconds);
  else candidates.bind(1, lease.owner).bind(2, now_seconds);
  std::vector<std::int64_t> ids;
  while (TRY(candidates.step())) ids.push_back(candidates.int64(0));
  candidates.reset();
  for (const std::int64_t id : ids) {
    const auto n = TRY(claim_print_part_locked(id, lease, now, /*helper=*/true));
    if (!n) continue;
    PrintJob job = TRY(load_print_job(id));
    TRY(transaction.commit());
    return std::optional<PrintPartClaim>(PrintPartClaim{std::move(job), *n});
  }
  return std::optional<PrintPartClaim>();
}

Status SqliteStore::renew_print_part_leases(std::int64_t job_id, const PrintLease& lease) {
  std::lock_guard lock(m_mutex);
  if (TRY(print_job_state(job_id)) != PrintJobState::Running) return state_conflict("打印任务不在运行中");
  auto renew = TRY(m_db.prepare(kRenewPrintPartLeases));
  TRY(renew.bind(1, workflow::to_unix_seconds(lease.expires_at)).bind(2, job_id).bind(3, lease.owner).run());
  if (m_db.changes() == 0) return state_conflict("这部分已不由本进程打印");
  return {};
}

Status SqliteStore::break_print_part_lease(std::int64_t job_id, int n, std::string_view runner, Timestamp now) {
  std::lock_guard lock(m_mutex);
  auto broken = TRY(m_db.prepare(kBreakPrintPartLease));
  return broken.bind(1, workflow::to_unix_seconds(now)).bind(2, job_id).bind(3, n).bind(4, runner).run();
}

Status SqliteStore::release_print_part(std::int64_t job_id, int n, std::string_view owner) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  auto release = TRY(m_db.prepare(kReleasePrintPart));
  TRY(release.bind(1, job_id).bind(2, n).bind(3, owner).run());
  TRY(sum_print_progress(job_id));
  return transaction.commit();
}

Status SqliteStore::record_print_failure(std::int64_t job_id, const workflow::PrintItem& item, std::string_view message,
                                         Timestamp now) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  auto insert = TRY(m_db.prepare(
      "INSERT OR REPLACE INTO print_job_errors(job_id, position, serial, message) VALUES (?, ?, ?, ?)"));
  TRY(insert.bind(1, job_id).bind(2, item.position).bind(3, item.serial).bind(4, message).run());
  TRY(void_print_records(job_id, item.agreement_id, now));
  return transaction.commit();
}

Status SqliteStore::finish_print_part(std::int64_t job_id, int n, std::string_view owner, int pages,
                                      std::int64_t file_size, std::string_view sha256, Timestamp now) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  const PrintJobState state = TRY(print_job_state(job_id));
  if (state != PrintJobState::Running) return state_conflict("打印任务不在运行中");
  auto update = TRY(m_db.prepare(kFinishPrintPart));
  TRY(update.bind(1, pages).bind(2, file_size).bind(3, sha256).bind(4, workflow::to_unix_seconds(now)).bind(5, job_id)
          .bind(6, n).bind(7, owner).run());
  if (m_db.changes() == 0) {
    auto exists = TRY(m_db.prepare(kPrintPartExists));
    exists.bind(1, job_id).bind(2, n);
    if (!TRY(exists.step())) return Error::make(ErrorKind::NotFound, "打印任务没有第 " + std::to_string(n) + " 部分");
    return state_conflict("这部分已不由本进程打印");
  }
  TRY(sum_print_progress(job_id));
  return transaction.commit();
}

Status SqliteStore::finish_print_job(std::int64_t id, int pages, std::int64_t file_size, std::string_view sha256,
                                     Timestamp now) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  const PrintJobState state = TRY(print_job_state(id));
  if (state != PrintJobState::Running) return state_conflict("打印任务不在运行中");
  auto update = TRY(m_db.prepare(
      "UPDATE print_jobs SET state = 'done', done = total, pages = ?, file_size = ?, sha256 = ?, finished_at = ?"
      " WHERE id = ?"));
  TRY(update.bind(1, pages).bind(2, file_size).bind(3, sha256).bind(4, workflow::to_unix_seconds(now)).bind(5, id).run());
  TRY(clear_print_part_leases(id));
  TRY(append_audit_events({{"print_job", std::to_string(id), "done", 0, workflow::Role::System, now, "running", "done", ""}},
                          std::to_string(id)));
  return transaction.commit();
}

Status SqliteStore::fail_print_job(std::int64_t id, std::string_view message, Timestamp now) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  const PrintJobState state = TRY(print_job_state(id));
  if (workflow::is_finished(state)) return state_conflict("打印任务已结束");
  auto insert = TRY(m_db.prepare(
      "INSERT OR REPLACE INTO print_job_errors(job_id, position, serial, message) VALUES (?, -1, '', ?)"));
  TRY(insert.bind(1, id).bind(2, message).run());
  auto update = TRY(m_db.prepare(
      "UPDATE print_jobs SET state = 'failed', finished_at = ?, last_error = ? WHERE id = ?"));
  TRY(update.bind(1, workflow::to_unix_seconds(now)).bind(2, message).bind(3, id).run());
  TRY(clear_print_part_leases(id));
  TRY(void_print_records(id, std::nullopt, now));
  TRY(append_audit_events({{"print_job", std::to_string(id), "fail", 0, workflow::Role::System, now,
                            std::string(workflow::to_string(state)), "failed", std::string(message)}},
                          std::to_string(id)));
  return transaction.commit();
}

Result<PrintJob> SqliteStore::cancel_print_job(std::int64_t id, const PrintOperator& by, Timestamp now) {
  std::lock_guard lock(m_mutex);
  auto transaction = TRY(sqlite::WriteTransaction::begin(m_db));
  const PrintJobState state = TRY(print_job_state(id));
  if (workflow::is_finished(state)) return state_conflict("打印任务已结束，不能取消");
  auto update = TRY(m_db.prepare("UPDATE print_jobs SET state = 'cancelled', finished_at = ? WHERE id = ?"));
  TRY(update.bind(1, workflow::to_unix_seconds(now)).bind(2, id).run());
  TRY(clear_print_part_leases(id));
  TRY(void_print_records(id, std::nullopt, now));
  TRY(append_audit_events({{"print_job", std::to_string(id), "cancel", by.account_id, by.role, now,
                            std::string(workflow::to_string(state)), "cancelled", ""}},
                          std::to_string(id)));
  TRY(transaction.commit());
  return load_print_job(id);
}

Result<std::vector<PrintRecord>> SqliteStore::print_records(std::int64_t agreement_id) {
  std::lock_guard lock(m_mutex);
  auto rows = TRY(m_db.prepare(
      "SELECT job_id, copy, ordinal, printed_by, printed_by_name, printed_at, voided_at FROM print_records"
      " WHERE agreement_id = ? ORDER BY id"));
  rows.bind(1, agreement_id);
  std::vector<PrintRecord> records;
  while (TRY(rows.step())) {
    records.push_back({rows.int64(0), static_cast<int>(rows.int64(1)), static_cast<int>(rows.int64(2)),
                       rows.optional_int64(3).value_or(0), rows.text(4), workflow::from_unix_seconds(rows.int64(5)),
                       !rows.is_null(6)});
  }
  return records;
}

}  // namespace sanfang::store
