// PgStore: the print room — jobs, their frozen lists, per-copy print records, and the claim and
// lease rules that let any instance's runner take a job, exactly one at a time.
#include "store/agreement_query_sql.h"
#include "store/pg/pg_store.h"
#include "store/print_parts_sql.h"
#include "store/stored_values.h"
#include "workflow/print_audit.h"

#include <map>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "store/pg/pg_store_rows.h"

namespace sanfang::store {

using nlohmann::json;
using pg::Connection;
using pg::Params;
using workflow::PrintJob;
using workflow::PrintJobState;
using workflow::PrintRequest;
using workflow::Timestamp;

namespace {

constexpr const char* kJobColumns =
    "SELECT id, request, origin, state, total, done, pages, created_by, created_by_name, created_at,"
    " started_at, finished_at, file_size, sha256, failures, retry_at, last_error, lease_owner, lease_expires_at"
    " FROM print_jobs ";

Result<PrintJobState> job_state_from(const std::string& text) {
  const auto state = workflow::print_job_state_from_string(text);
  if (!state) return Error::make(ErrorKind::Storage, "unknown print job state " + text);
  return *state;
}

Result<PrintJob> job_from_row(const pg::Rows& rows, int r) {
  PrintJob job;
  job.id = rows.int64(r, 0);
  job.request = TRY(print_request_from_json(rows.text(r, 1)));
  job.origin = rows.text(r, 2) == "cli" ? workflow::PrintJobOrigin::Cli : workflow::PrintJobOrigin::Service;
  job.state = TRY(job_state_from(rows.text(r, 3)));
  job.total = static_cast<int>(rows.int64(r, 4));
  job.done = static_cast<int>(rows.int64(r, 5));
  job.pages = static_cast<int>(rows.int64(r, 6));
  job.created_by = rows.optional_int64(r, 7).value_or(0);
  job.created_by_name = rows.text(r, 8);
  job.created_at = workflow::from_unix_seconds(rows.int64(r, 9));
  job.started_at = pg::optional_timestamp(rows.optional_int64(r, 10));
  job.finished_at = pg::optional_timestamp(rows.optional_int64(r, 11));
  job.file_size = rows.int64(r, 12);
  job.sha256 = rows.text(r, 13);
  job.failures = static_cast<int>(rows.int64(r, 14));
  job.retry_at = pg::optional_timestamp(rows.optional_int64(r, 15));
  job.last_error = rows.text(r, 16);
  job.lease_owner = rows.text(r, 17);
  job.lease_expires_at = pg::optional_timestamp(rows.optional_int64(r, 18));
  return job;
}

std::optional<std::int64_t> account_or_null(std::int64_t id) {
  return id > 0 ? std::optional<std::int64_t>(id) : std::nullopt;
}

// The caller reads the job again to tell the client its current state.
Error state_conflict(std::string message) { return Error::make(ErrorKind::Conflict, std::move(message), "state"); }

Error not_held() { return state_conflict("打印任务已不由本进程运行"); }

}  // namespace

Result<PrintJob> PgStore::load_print_job(Connection& c, std::int64_t id) {
  auto rows = TRY(c.exec(std::string(kJobColumns) + "WHERE id = $1", Params().add(id)));
  if (rows.empty()) return Error::make(ErrorKind::NotFound, "打印任务不存在");
  PrintJob job = TRY(job_from_row(rows, 0));
  auto errors = TRY(c.exec("SELECT serial, message FROM print_job_errors WHERE job_id = $1 ORDER BY position",
                           Params().add(id)));
  for (int r = 0; r < errors.size(); ++r) job.errors.push_back({errors.text(r, 0), errors.text(r, 1)});
  auto crashes = TRY(c.exec("SELECT position, crashes FROM print_job_crashes WHERE job_id = $1", Params().add(id)));
  for (int r = 0; r < crashes.size(); ++r)
    job.crashes[static_cast<int>(crashes.int64(r, 0))] = static_cast<int>(crashes.int64(r, 1));
  auto parts = TRY(c.exec(numbered_placeholders(kPrintPartColumns), Params().add(id)));
  for (int r = 0; r < parts.size(); ++r) {
    workflow::PrintJobPart part;
    part.n = static_cast<int>(parts.int64(r, 0));
    part.college_code = parts.text(r, 1);
    part.first_position = static_cast<int>(parts.int64(r, 2));
    part.agreements = static_cast<int>(parts.int64(r, 3));
    part.pages = static_cast<int>(parts.int64(r, 4));
    part.file_size = parts.int64(r, 5);
    part.sha256 = parts.text(r, 6);
    if (auto t = parts.optional_int64(r, 7)) part.finished_at = workflow::from_unix_seconds(*t);
    part.drawn = static_cast<int>(parts.int64(r, 8));
    part.runner = parts.text(r, 9);
    part.runner_expires_at = pg::optional_timestamp(parts.optional_int64(r, 10));
    job.parts.push_back(std::move(part));
  }
  return job;
}

Result<std::vector<PrintJob>> PgStore::load_print_jobs(Connection& c, const pg::Rows& ids) {
  std::vector<PrintJob> jobs;
  for (int r = 0; r < ids.size(); ++r) jobs.push_back(TRY(load_print_job(c, ids.int64(r, 0))));
  return jobs;
}

Result<PrintJobState> PgStore::lock_print_job(Connection& c, std::int64_t id) {
  auto rows = TRY(c.exec("SELECT state FROM print_jobs WHERE id = $1 FOR UPDATE", Params().add(id)));
  if (rows.empty()) return Error::make(ErrorKind::NotFound, "打印任务不存在");
  return job_state_from(rows.text(0, 0));
}

Status PgStore::void_print_records(Connection& c, std::int64_t job_id, std::optional<std::int64_t> agreement_id,
                                   Timestamp now) {
  return c.run("UPDATE print_records SET voided_at = $1 WHERE job_id = $2 AND voided_at IS NULL"
               " AND ($3::bigint IS NULL OR agreement_id = $3::bigint)",
               Params().add(workflow::to_unix_seconds(now)).add(job_id).add(agreement_id));
}

Result<PrintJob> PgStore::create_print_job(const PrintRequest& request, workflow::PrintJobOrigin origin,
                                           const PrintOperator& by, Timestamp now) {
  return m_pool->transact([&](Connection& c) -> Result<PrintJob> {
    // An explicit serial must name a signed agreement: a typo must not silently print less.
    for (std::size_t i = 0; i < request.serials.size(); ++i) {
      auto rows = TRY(c.exec("SELECT state FROM agreements WHERE serial = $1", Params().add(request.serials[i])));
      const std::string field = "serials[" + std::to_string(i) + "]";
      if (rows.empty()) return Error::invalid(field, "没有编号为 " + request.serials[i] + " 的协议");
      if (rows.text(0, 0) != "signed")
        return Error::invalid(field, "编号为 " + request.serials[i] + " 的协议已申请解约或已解约，不能打印");
    }
    const std::set<std::string> wanted(request.serials.begin(), request.serials.end());
    const workflow::SigningWindow window = workflow::signing_window(request);

    // Print order is bytewise (COLLATE "C"), as SQLite orders text.
    auto selected = TRY(c.exec(
        "SELECT id, serial, college_code, major, student_no FROM ("
        "  SELECT id, serial, college_code, COALESCE(snapshot::json #>> '{student,major}', '') AS major,"
        "  student_no FROM agreements WHERE state = 'signed'"
        "  AND ($1::text IS NULL OR college_code = $1::text)"
        "  AND ($3::bigint IS NULL OR signed_at >= $3::bigint) AND ($4::bigint IS NULL OR signed_at < $4::bigint)"
        ") AS signed_agreements WHERE ($2::text IS NULL OR major = $2::text)"
        " ORDER BY college_code COLLATE \"C\", major COLLATE \"C\", student_no COLLATE \"C\"",
        Params()
            .add(request.college)
            .add(request.major)
            .add(pg::optional_seconds(window.from))
            .add(pg::optional_seconds(window.until))));
    std::vector<workflow::PrintItem> items;
    for (int r = 0; r < selected.size(); ++r) {
      workflow::PrintItem item;
      item.agreement_id = selected.int64(r, 0);
      item.serial = selected.text(r, 1);
      if (!wanted.empty() && !wanted.count(item.serial)) continue;
      item.college_code = selected.text(r, 2);
      item.major = selected.text(r, 3);
      item.student_no = selected.text(r, 4);
      item.position = static_cast<int>(items.size());
      items.push_back(std::move(item));
    }
    if (items.empty()) return Error::invalid("", "没有符合条件的已签署协议");

    // Ordinals count the live records made before: jobs are created one at a time in the cluster
    // so that two jobs made at once on two instances do not both number a copy's reprint the same.
    TRY(c.run("SELECT pg_advisory_xact_lock(hashtextextended('sanfang print records', 0))"));
    json agreement_ids = json::array();
    for (const auto& item : items) agreement_ids.push_back(item.agreement_id);
    std::map<std::pair<std::int64_t, int>, int> printed_before;
    auto counts = TRY(c.exec(
        "SELECT agreement_id, copy, COUNT(*) FROM print_records WHERE voided_at IS NULL"
        " AND agreement_id IN (SELECT value::bigint FROM jsonb_array_elements_text($1::jsonb))"
        " GROUP BY agreement_id, copy",
        Params().add(agreement_ids.dump())));
    for (int r = 0; r < counts.size(); ++r)
      printed_before[{counts.int64(r, 0), static_cast<int>(counts.int64(r, 1))}] = static_cast<int>(counts.int64(r, 2));

    auto inserted = TRY(c.exec(
        "INSERT INTO print_jobs(request, origin, state, total, created_by, created_by_name, created_at)"
        " VALUES ($1, $2, 'queued', $3, $4, $5, $6) RETURNING id",
        Params()
            .add(workflow::print_request_json(request).dump())
            .add(workflow::to_string(origin))
            .add(static_cast<std::int64_t>(items.size()))
            .add(account_or_null(by.account_id))
            .add(by.name)
            .add(workflow::to_unix_seconds(now))));
    const std::int64_t job_id = inserted.int64(0, 0);

    // The list and the records go in as two JSON documents, one statement each, rather than one
    // round trip per row: a job may hold tens of thousands of agreements.
    const int max_copy = request.copies.empty() ? 0 : request.copies.back();
    json item_rows = json::array();
    json record_rows = json::array();
    std::vector<workflow::AuditEvent> events;
    events.push_back({"print_job", std::to_string(job_id), "create", by.account_id, by.role, now, "", "queued",
                      std::to_string(items.size()) + " 份协议"});
    for (auto& item : items) {
      item.reprints.assign(static_cast<std::size_t>(max_copy), 0);
      for (int copy : request.copies) {
        const int before = printed_before[{item.agreement_id, copy}];
        item.reprints[static_cast<std::size_t>(copy - 1)] = before;
        record_rows.push_back({{"agreement_id", item.agreement_id}, {"copy", copy}, {"ordinal", before}});
      }
      item_rows.push_back({{"position", item.position},
                           {"agreement_id", item.agreement_id},
                           {"serial", item.serial},
                           {"college_code", item.college_code},
                           {"major", item.major},
                           {"student_no", item.student_no},
                           {"reprints", json(item.reprints).dump()}});
      events.push_back({"agreement", std::to_string(item.agreement_id), "print", by.account_id, by.role, now, "", "",
                        workflow::print_audit_reason(job_id, request.copies, item.reprints)});
    }
    TRY(c.run("INSERT INTO print_records(agreement_id, copy, ordinal, job_id, printed_by, printed_by_name, printed_at)"
              " SELECT r.agreement_id, r.copy, r.ordinal, $2, $3, $4, $5"
              " FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (agreement_id bigint, copy int, ordinal int))"
              " WITH ORDINALITY AS r(agreement_id, copy, ordinal, n) ORDER BY r.n",
              Params()
                  .add(record_rows.dump())
                  .add(job_id)
                  .add(account_or_null(by.account_id))
                  .add(by.name)
                  .add(workflow::to_unix_seconds(now))));
    TRY(c.run("INSERT INTO print_job_items(job_id, position, agreement_id, serial, college_code, major, student_no, reprints)"
              " SELECT $2, i.position, i.agreement_id, i.serial, i.college_code, i.major, i.student_no, i.reprints"
              " FROM jsonb_to_recordset($1::jsonb) AS i(position int, agreement_id bigint, serial text,"
              " college_code text, major text, student_no text, reprints text)",
              Params().add(item_rows.dump()).add(job_id)));
    json part_rows = json::array();
    std::vector<std::string> colleges;
    for (const auto& item : items) colleges.push_back(item.college_code);
    for (const workflow::PrintJobPart& part : workflow::plan_print_parts(colleges, request.part_limit, request.one_file))
      part_rows.push_back({{"n", part.n},
                           {"college_code", part.college_code},
                           {"first_position", part.first_position},
                           {"agreements", part.agreements}});
    TRY(c.run("INSERT INTO print_job_parts(job_id, n, college_code, first_position, agreements)"
              " SELECT $2, p.n, p.college_code, p.first_position, p.agreements"
              " FROM jsonb_to_recordset($1::jsonb) AS p(n int, college_code text, first_position int, agreements int)",
              Params().add(part_rows.dump()).add(job_id)));
    TRY(append_audit_events(c, events, std::to_string(job_id)));
    return load_print_job(c, job_id);
  });
}

Result<PrintJob> PgStore::print_job(std::int64_t id) {
  return m_pool->transact([&](Connection& c) { return load_print_job(c, id); });
}

Result<std::vector<PrintJob>> PgStore::print_jobs(int limit) {
  return m_pool->transact([&](Connection& c) -> Result<std::vector<PrintJob>> {
    auto ids = TRY(c.exec("SELECT id FROM print_jobs ORDER BY id DESC LIMIT $1", Params().add(limit)));
    return load_print_jobs(c, ids);
  });
}

Result<std::vector<PrintJob>> PgStore::unfinished_print_jobs(workflow::PrintJobOrigin origin) {
  return m_pool->transact([&](Connection& c) -> Result<std::vector<PrintJob>> {
    auto ids = TRY(c.exec("SELECT id FROM print_jobs WHERE origin = $1 AND state IN ('queued','running') ORDER BY id",
                          Params().add(workflow::to_string(origin))));
    return load_print_jobs(c, ids);
  });
}

Result<std::vector<workflow::PrintItem>> PgStore::print_items(std::int64_t job_id, int from_position, int limit) {
  return m_pool->with_connection([&](Connection& c) -> Result<std::vector<workflow::PrintItem>> {
    auto rows = TRY(c.exec("SELECT position, agreement_id, serial, college_code, major, student_no, reprints"
                           " FROM print_job_items WHERE job_id = $1 AND position >= $2 ORDER BY position LIMIT $3",
                           Params().add(job_id).add(from_position).add(limit)));
    std::vector<workflow::PrintItem> items;
    for (int r = 0; r < rows.size(); ++r) {
      workflow::PrintItem item;
      item.position = static_cast<int>(rows.int64(r, 0));
      item.agreement_id = rows.int64(r, 1);
      item.serial = rows.text(r, 2);
      item.college_code = rows.text(r, 3);
      item.major = rows.text(r, 4);
      item.student_no = rows.text(r, 5);
      const json reprints = json::parse(rows.text(r, 6), nullptr, false);
      if (!reprints.is_array()) return Error::make(ErrorKind::Storage, "print_job_items.reprints is not an array");
      for (const auto& n : reprints) item.reprints.push_back(n.is_number_integer() ? n.get<int>() : 0);
      items.push_back(std::move(item));
    }
    return items;
  });
}

Result<PrintJob> PgStore::claim_locked_print_job(Connection& c, std::int64_t id, const PrintLease& lease,
                                                 Timestamp now, bool into_folder) {
  // FOR UPDATE: of two runners claiming this job at once, the second waits and then sees the
  // first one's lease.
  auto rows = TRY(c.exec("SELECT state, lease_owner, lease_expires_at, origin FROM print_jobs"
                         " WHERE id = $1 FOR UPDATE",
                         Params().add(id)));
  if (rows.empty()) return Error::make(ErrorKind::NotFound, "打印任务不存在");
  const PrintJobState state = TRY(job_state_from(rows.text(0, 0)));
  if (workflow::is_finished(state)) return state_conflict("打印任务已结束");
  const std::string owner = rows.text(0, 1);
  const auto expires = rows.optional_int64(0, 2);
  const std::int64_t now_seconds = workflow::to_unix_seconds(now);
  if (!owner.empty() && owner != lease.owner && expires && *expires > now_seconds)
    return state_conflict("打印任务正由 " + owner + " 运行");
  const bool restart_parts = into_folder || rows.text(0, 3) == "cli";

  // Still running: its runner died without finishing, failing or letting go of it.
  const bool taken_over = state == PrintJobState::Running;
  if (taken_over) {
    auto drawing = TRY(c.exec(numbered_placeholders(kDeadPrintPartRanges), Params().add(id).add(owner).add(now_seconds)));
    for (int r = 0; r < drawing.size(); ++r) TRY(mark_print_crashes(c, id, drawing.int64(r, 0), drawing.int64(r, 1)));
  }
  TRY(c.run("UPDATE print_jobs SET state = 'running', done = 0, started_at = $1, lease_owner = $2,"
            " lease_expires_at = $3, retry_at = NULL,"
            " failures = failures + $4, last_error = CASE WHEN $5 THEN $6 ELSE last_error END WHERE id = $7",
            Params()
                .add(now_seconds)
                .add(lease.owner)
                .add(workflow::to_unix_seconds(lease.expires_at))
                .add(taken_over ? 1 : 0)
                .add(taken_over)
                .add("打印进程意外中断")
                .add(id)));
  if (restart_parts) TRY(c.run(numbered_placeholders(kRestartPrintParts), Params().add(id)));
  else TRY(c.run(numbered_placeholders(kClearDeadPrintPartLeases), Params().add(id).add(owner).add(now_seconds)));
  TRY(sum_print_progress(c, id));
  // A new run renders every agreement again; what failed before may succeed now.
  TRY(c.run("DELETE FROM print_job_errors WHERE job_id = $1", Params().add(id)));
  TRY(c.run("UPDATE print_records SET voided_at = NULL WHERE job_id = $1", Params().add(id)));
  if (taken_over)
    TRY(append_audit_events(c,
                            {{"print_job", std::to_string(id), "take_over", 0, workflow::Role::System, now, "running",
                              "running", owner.empty() ? lease.owner : owner + " → " + lease.owner}},
                            std::to_string(id)));
  return load_print_job(c, id);
}

Result<std::optional<PrintJob>> PgStore::claim_next_print_job(const PrintLease& lease, Timestamp now) {
  return m_pool->transact([&](Connection& c) -> Result<std::optional<PrintJob>> {
    // SKIP LOCKED: runners on other instances pass over a job being claimed right now and take the
    // next ready one instead of queueing behind it.
    auto next = TRY(c.exec(
        "SELECT id FROM print_jobs WHERE"
        " (state = 'queued' AND (retry_at IS NULL OR retry_at <= $1)"
        "   AND (origin = 'service' OR (lease_expires_at IS NOT NULL AND lease_expires_at <= $1)))"
        " OR (state = 'running' AND (lease_expires_at IS NULL OR lease_expires_at <= $1))"
        " ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED",
        Params().add(workflow::to_unix_seconds(now))));
    if (next.empty()) return std::optional<PrintJob>();
    return std::optional<PrintJob>(TRY(claim_locked_print_job(c, next.int64(0, 0), lease, now, /*into_folder=*/false)));
  });
}

Result<PrintJob> PgStore::claim_print_job(std::int64_t id, const PrintLease& lease, Timestamp now) {
  return m_pool->transact([&](Connection& c) { return claim_locked_print_job(c, id, lease, now, /*into_folder=*/true); });
}

Status PgStore::renew_print_lease(std::int64_t id, const PrintLease& lease) {
  return m_pool->with_connection([&](Connection& c) -> Status {
    auto renewed = TRY(c.exec("UPDATE print_jobs SET lease_expires_at = $1 WHERE id = $2 AND lease_owner = $3"
                              " AND state IN ('queued','running')",
                              Params().add(workflow::to_unix_seconds(lease.expires_at)).add(id).add(lease.owner)));
    if (renewed.affected() == 0) return not_held();
    return c.run(numbered_placeholders(kRenewPrintPartLeases),
                 Params().add(workflow::to_unix_seconds(lease.expires_at)).add(id).add(lease.owner));
  });
}

Status PgStore::break_print_lease(std::int64_t id, std::string_view owner, Timestamp now) {
  return m_pool->with_connection([&](Connection& c) {
    const std::int64_t seconds = workflow::to_unix_seconds(now);
    return c.run("UPDATE print_jobs SET lease_expires_at = $1 WHERE id = $2 AND lease_owner = $3"
                 " AND state IN ('queued','running') AND (lease_expires_at IS NULL OR lease_expires_at > $1)",
                 Params().add(seconds).add(id).add(owner));
  });
}

Status PgStore::record_print_drawing(std::int64_t id, int n, std::string_view owner, int from, int to) {
  return m_pool->with_connection([&](Connection& c) -> Status {
    auto updated = TRY(c.exec(numbered_placeholders(kRecordPrintPartDrawing),
                              Params().add(from).add(to).add(id).add(n).add(owner).add(id)));
    if (updated.affected() == 0) return state_conflict("这部分已不由本进程打印");
    return {};
  });
}

Status PgStore::mark_print_crashes(Connection& c, std::int64_t job_id, std::int64_t from, std::int64_t to) {
  return c.run("INSERT INTO print_job_crashes(job_id, position, crashes)"
               " SELECT $1, position, 1 FROM generate_series($2::int, $3::int) AS position"
               " ON CONFLICT(job_id, position) DO UPDATE SET crashes = print_job_crashes.crashes + 1",
               Params().add(job_id).add(from).add(to));
}

Status PgStore::release_print_job(std::int64_t id, std::string_view owner) {
  return m_pool->transact([&](Connection& c) -> Status {
    auto updated = TRY(c.exec("UPDATE print_jobs SET state = 'queued', done = 0, lease_owner = '',"
                              " lease_expires_at = NULL WHERE id = $1 AND lease_owner = $2 AND state = 'running'",
                              Params().add(id).add(owner)));
    if (updated.affected() == 0) return not_held();
    return c.run(numbered_placeholders(kClearPrintPartLeases), Params().add(id));
  });
}

Status PgStore::retry_print_job(std::int64_t id, std::string_view owner, std::string_view reason,
                                Timestamp retry_at) {
  return m_pool->transact([&](Connection& c) -> Status {
    auto updated = TRY(c.exec("UPDATE print_jobs SET state = 'queued', done = 0, failures = failures + 1,"
                              " retry_at = $1, last_error = $2 WHERE id = $3 AND lease_owner = $4 AND state = 'running'",
                              Params().add(workflow::to_unix_seconds(retry_at)).add(reason).add(id).add(owner)));
    if (updated.affected() == 0) return not_held();
    return c.run(numbered_placeholders(kClearPrintPartLeases), Params().add(id));
  });
}

Status PgStore::sum_print_progress(Connection& c, std::int64_t job_id) {
  return c.run(numbered_placeholders(kSumPrintJobProgress), Params().add(job_id).add(job_id));
}

// Locks are always taken job row first, then part rows (as cancel_print_job does), so that two
// transactions never wait for each other in a circle.
Status PgStore::record_print_progress(std::int64_t job_id, int n, int drawn) {
  return m_pool->transact([&](Connection& c) -> Status {
    TRY(lock_print_job(c, job_id));
    TRY(c.run(numbered_placeholders(kRecordPrintPartProgress), Params().add(drawn).add(job_id).add(n)));
    return sum_print_progress(c, job_id);
  });
}

Result<std::optional<int>> PgStore::claim_locked_print_part(Connection& c, std::int64_t job_id, const PrintLease& lease,
                                                            Timestamp now, bool helper) {
  // SKIP LOCKED: a part another runner is claiming right now is passed over, not waited for.
  auto free = TRY(helper ? c.exec(numbered_placeholders(kUnstartedPrintPart) + " FOR UPDATE SKIP LOCKED",
                                  Params().add(job_id))
                         : c.exec(numbered_placeholders(kFreePrintPart) + " FOR UPDATE SKIP LOCKED",
                                  Params().add(job_id).add(workflow::to_unix_seconds(now))));
  if (free.empty()) return std::optional<int>();
  const int n = static_cast<int>(free.int64(0, 0));
  // A runner held it and let its lease run out: it died, perhaps on what it was drawing.
  auto drawing = TRY(c.exec(numbered_placeholders(kPrintPartDrawing), Params().add(job_id).add(n)));
  if (!drawing.empty() && !drawing.text(0, 0).empty() && !drawing.is_null(0, 1))
    TRY(mark_print_crashes(c, job_id, drawing.int64(0, 1), drawing.int64(0, 2)));
  TRY(c.run(numbered_placeholders(kTakePrintPart),
            Params().add(lease.owner).add(workflow::to_unix_seconds(lease.expires_at)).add(job_id).add(n)));
  return std::optional<int>(n);
}

Result<std::optional<int>> PgStore::claim_print_part(std::int64_t job_id, const PrintLease& lease, Timestamp now) {
  return m_pool->transact([&](Connection& c) -> Result<std::optional<int>> {
    auto job = TRY(c.exec("SELECT state, lease_owner FROM print_jobs WHERE id = $1 FOR UPDATE", Params().add(job_id)));
    if (job.empty()) return Error::make(ErrorKind::NotFound, "打印任务不存在");
    if (job.text(0, 0) != "running" || job.text(0, 1) != lease.owner) return not_held();
    return claim_locked_print_part(c, job_id, lease, now, /*helper=*/false);
  });
}

Result<std::optional<PrintPartClaim>> PgStore::claim_print_part_to_help(const PrintLease& lease, Timestamp now,
                                                                      std::optional<std::int64_t> only_job) {
  return m_pool->transact([&](Connection& c) -> Result<std::optional<PrintPartClaim>> {
    const std::int64_t now_seconds = workflow::to_unix_seconds(now);
    auto candidates = TRY(only_job ? c.exec(numbered_placeholders(kPrintJobToHelp),
                                            Params().add(*only_job).add(lease.owner).add(now_seconds))
                                   : c.exec(numbered_placeholders(kPrintJobsToHelp),
                                            Params().add(lease.owner).add(now_seconds)));
    for (int r = 0; r < candidates.size(); ++r) {
      const std::int64_t id = candidates.int64(r, 0);
      // A share lock, which helpers claiming at once all get, while a job being changed right now
      // (claimed, cancelled) is passed over. Nothing here waits for a lock, so no two
      // transactions wait for each other.
      auto locked = TRY(c.exec("SELECT state FROM print_jobs WHERE id = $1 FOR SHARE SKIP LOCKED", Params().add(id)));
      if (locked.empty() || locked.text(0, 0) != "running") continue;
      const auto n = TRY(claim_locked_print_part(c, id, lease, now, /*helper=*/true));
      if (n) return std::optional<PrintPartClaim>(PrintPartClaim{TRY(load_print_job(c, id)), *n});
    }
    return std::optional<PrintPartClaim>();
  });
}

Status PgStore::renew_print_part_leases(std::int64_t job_id, const PrintLease& lease) {
  return m_pool->with_connection([&](Connection& c) -> Status {
    auto renewed = TRY(c.exec(numbered_placeholders(kRenewPrintPartLeases) +
                                  " AND EXISTS (SELECT 1 FROM print_jobs WHERE id = $2 AND state = 'running')",
                              Params().add(workflow::to_unix_seconds(lease.expires_at)).add(job_id).add(lease.owner)));
    if (renewed.affected() == 0) return state_conflict("这部分已不由本进程打印");
    return {};
  });
}

Status PgStore::break_print_part_lease(std::int64_t job_id, int n, std::string_view runner, Timestamp now) {
  return m_pool->with_connection([&](Connection& c) -> Status {
    return c.run(numbered_placeholders(kBreakPrintPartLease),
                 Params().add(workflow::to_unix_seconds(now)).add(job_id).add(n).add(runner));
  });
}

Status PgStore::release_print_part(std::int64_t job_id, int n, std::string_view owner) {
  return m_pool->transact([&](Connection& c) -> Status {
    TRY(lock_print_job(c, job_id));
    TRY(c.run(numbered_placeholders(kReleasePrintPart), Params().add(job_id).add(n).add(owner)));
    return sum_print_progress(c, job_id);
  });
}

Status PgStore::record_print_failure(std::int64_t job_id, const workflow::PrintItem& item, std::string_view message,
                                     Timestamp now) {
  return m_pool->transact([&](Connection& c) -> Status {
    TRY(c.run("INSERT INTO print_job_errors(job_id, position, serial, message) VALUES ($1, $2, $3, $4)"
              " ON CONFLICT(job_id, position) DO UPDATE SET serial = excluded.serial, message = excluded.message",
              Params().add(job_id).add(item.position).add(item.serial).add(message)));
    return void_print_records(c, job_id, item.agreement_id, now);
  });
}

Status PgStore::finish_print_part(std::int64_t job_id, int n, std::string_view owner, int pages,
                                  std::int64_t file_size, std::string_view sha256, Timestamp now) {
  return m_pool->transact([&](Connection& c) -> Status {
    const PrintJobState state = TRY(lock_print_job(c, job_id));
    if (state != PrintJobState::Running) return state_conflict("打印任务不在运行中");
    auto updated = TRY(c.exec(numbered_placeholders(kFinishPrintPart),
                              Params().add(pages).add(file_size).add(sha256).add(workflow::to_unix_seconds(now))
                                  .add(job_id).add(n).add(owner)));
    if (updated.affected() == 0) {
      auto exists = TRY(c.exec(numbered_placeholders(kPrintPartExists), Params().add(job_id).add(n)));
      if (exists.empty()) return Error::make(ErrorKind::NotFound, "打印任务没有第 " + std::to_string(n) + " 部分");
      return state_conflict("这部分已不由本进程打印");
    }
    return sum_print_progress(c, job_id);
  });
}

Status PgStore::finish_print_job(std::int64_t id, int pages, std::int64_t file_size, std::string_view sha256,
                                 Timestamp now) {
  return m_pool->transact([&](Connection& c) -> Status {
    const PrintJobState state = TRY(lock_print_job(c, id));
    if (state != PrintJobState::Running) return state_conflict("打印任务不在运行中");
    TRY(c.run("UPDATE print_jobs SET state = 'done', done = total, pages = $1, file_size = $2, sha256 = $3,"
              " finished_at = $4 WHERE id = $5",
              Params().add(pages).add(file_size).add(sha256).add(workflow::to_unix_seconds(now)).add(id)));
    TRY(c.run(numbered_placeholders(kClearPrintPartLeases), Params().add(id)));
    return append_audit_events(c,
                               {{"print_job", std::to_string(id), "done", 0, workflow::Role::System, now, "running",
                                 "done", ""}},
                               std::to_string(id));
  });
}

Status PgStore::fail_print_job(std::int64_t id, std::string_view message, Timestamp now) {
  return m_pool->transact([&](Connection& c) -> Status {
    const PrintJobState state = TRY(lock_print_job(c, id));
    if (workflow::is_finished(state)) return state_conflict("打印任务已结束");
    TRY(c.run("INSERT INTO print_job_errors(job_id, position, serial, message) VALUES ($1, -1, '', $2)"
              " ON CONFLICT(job_id, position) DO UPDATE SET serial = excluded.serial, message = excluded.message",
              Params().add(id).add(message)));
    TRY(c.run("UPDATE print_jobs SET state = 'failed', finished_at = $1, last_error = $2 WHERE id = $3",
              Params().add(workflow::to_unix_seconds(now)).add(message).add(id)));
    TRY(c.run(numbered_placeholders(kClearPrintPartLeases), Params().add(id)));
    TRY(void_print_records(c, id, std::nullopt, now));
    return append_audit_events(c,
                               {{"print_job", std::to_string(id), "fail", 0, workflow::Role::System, now,
                                 std::string(workflow::to_string(state)), "failed", std::string(message)}},
                               std::to_string(id));
  });
}

Result<PrintJob> PgStore::cancel_print_job(std::int64_t id, const PrintOperator& by, Timestamp now) {
  return m_pool->transact([&](Connection& c) -> Result<PrintJob> {
    const PrintJobState state = TRY(lock_print_job(c, id));
    if (workflow::is_finished(state)) return state_conflict("打印任务已结束，不能取消");
    TRY(c.run("UPDATE print_jobs SET state = 'cancelled', finished_at = $1 WHERE id = $2",
              Params().add(workflow::to_unix_seconds(now)).add(id)));
    TRY(c.run(numbered_placeholders(kClearPrintPartLeases), Params().add(id)));
    TRY(void_print_records(c, id, std::nullopt, now));
    TRY(append_audit_events(c,
                            {{"print_job", std::to_string(id), "cancel", by.account_id, by.role, now,
                              std::string(workflow::to_string(state)), "cancelled", ""}},
                            std::to_string(id)));
    return load_print_job(c, id);
  });
}

Result<std::vector<PrintRecord>> PgStore::print_records(std::int64_t agreement_id) {
  return m_pool->with_connection([&](Connection& c) -> Result<std::vector<PrintRecord>> {
    auto rows = TRY(c.exec("SELECT job_id, copy, ordinal, printed_by, printed_by_name, printed_at, voided_at"
                           " FROM print_records WHERE agreement_id = $1 ORDER BY id",
                           Params().add(agreement_id)));
    std::vector<PrintRecord> records;
    for (int r = 0; r < rows.size(); ++r)
      records.push_back({rows.int64(r, 0), static_cast<int>(rows.int64(r, 1)), static_cast<int>(rows.int64(r, 2)),
                         rows.optional_int64(r, 3).value_or(0), rows.text(r, 4),
                         workflow::from_unix_seconds(rows.int64(r, 5)), !rows.is_null(r, 6)});
    return records;
  });
}

}  // namespace sanfang::store
