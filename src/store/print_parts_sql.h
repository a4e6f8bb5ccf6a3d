// What both stores run the same way for parts drawn side by side (store/print_store.h, "parts
// drawn side by side"): the SQL of part leases and progress, with `?` placeholders (numbered for
// PostgreSQL by numbered_placeholders).
#pragma once

namespace sanfang::store {

// A job's parts in order; value: job id.
inline constexpr const char* kPrintPartColumns =
    "SELECT n, college_code, first_position, agreements, pages, file_size, sha256, finished_at, drawn, runner,"
    " runner_expires_at FROM print_job_parts WHERE job_id = ? ORDER BY n";

// The lowest-numbered part nobody draws, for the job's own runner: values job id, now.
inline constexpr const char* kFreePrintPart =
    "SELECT n FROM print_job_parts WHERE job_id = ? AND finished_at IS NULL"
    " AND (runner = '' OR runner_expires_at IS NULL OR runner_expires_at <= ?) ORDER BY n LIMIT 1";

// The lowest-numbered part nobody has started, for a helper: value job id. A part whose runner's
// lease ran out may hold an agreement that kills runners; it is left to the job's own runner,
// whose crash handling applies, so that such an agreement takes down one helper at most.
inline constexpr const char* kUnstartedPrintPart =
    "SELECT n FROM print_job_parts WHERE job_id = ? AND finished_at IS NULL AND runner = '' ORDER BY n LIMIT 1";

// Running service jobs, oldest first, held by another runner under a live lease and with a part
// nobody has started: values owner, now.
inline constexpr const char* kPrintJobsToHelp =
    "SELECT id FROM print_jobs WHERE state = 'running' AND origin = 'service' AND lease_owner <> ?"
    " AND lease_expires_at > ? AND EXISTS (SELECT 1 FROM print_job_parts p WHERE p.job_id = print_jobs.id"
    " AND p.finished_at IS NULL AND p.runner = '') ORDER BY id";

// One running job of any origin held by another runner under a live lease, with a part nobody
// has started: values job id, owner, now. For the drawing processes of a `sanfang batch`, which
// help with that command's own job only.
inline constexpr const char* kPrintJobToHelp =
    "SELECT id FROM print_jobs WHERE id = ? AND state = 'running' AND lease_owner <> ?"
    " AND lease_expires_at > ? AND EXISTS (SELECT 1 FROM print_job_parts p WHERE p.job_id = print_jobs.id"
    " AND p.finished_at IS NULL AND p.runner = '') ORDER BY id";

// A part taken by a runner: values owner, lease expiry, job id, n. Its progress starts again (the
// job's sum follows at the next record of progress: a claim takes no lock on the job's row).
inline constexpr const char* kTakePrintPart =
    "UPDATE print_job_parts SET runner = ?, runner_expires_at = ?, drawn = 0, drawing_from = NULL, drawing_to = NULL"
    " WHERE job_id = ? AND n = ?";

// A runner's part leases extended: values expiry, job id, owner.
inline constexpr const char* kRenewPrintPartLeases =
    "UPDATE print_job_parts SET runner_expires_at = ? WHERE job_id = ? AND runner = ? AND finished_at IS NULL";

// A part's lease ended now, its runner being known dead: values now, job id, n, runner.
inline constexpr const char* kBreakPrintPartLease =
    "UPDATE print_job_parts SET runner_expires_at = ?"
    " WHERE job_id = ? AND n = ? AND runner = ? AND finished_at IS NULL";

// A part let go of by its runner: values job id, n, owner.
inline constexpr const char* kReleasePrintPart =
    "UPDATE print_job_parts SET runner = '', runner_expires_at = NULL, drawn = 0, drawing_from = NULL, drawing_to = NULL"
    " WHERE job_id = ? AND n = ? AND runner = ? AND finished_at IS NULL";

// A run ended: nobody draws the parts not done. Value: job id.
inline constexpr const char* kClearPrintPartLeases =
    "UPDATE print_job_parts SET runner = '', runner_expires_at = NULL, drawn = 0, drawing_from = NULL, drawing_to = NULL"
    " WHERE job_id = ? AND finished_at IS NULL";

// A job taken over: the parts of its old owner, and those whose runner's lease ran out, are free
// again; helpers under live leases keep theirs. Values: job id, old owner, now.
inline constexpr const char* kClearDeadPrintPartLeases =
    "UPDATE print_job_parts SET runner = '', runner_expires_at = NULL, drawn = 0, drawing_from = NULL, drawing_to = NULL"
    " WHERE job_id = ? AND finished_at IS NULL AND (runner = ? OR runner_expires_at IS NULL OR runner_expires_at <= ?)";

// Every part to draw again, for a run whose files go elsewhere than the earlier run's. Value: job id.
inline constexpr const char* kRestartPrintParts =
    "UPDATE print_job_parts SET finished_at = NULL, drawn = 0, pages = 0, file_size = 0, sha256 = '', runner = '',"
    " runner_expires_at = NULL, drawing_from = NULL, drawing_to = NULL WHERE job_id = ?";

// A part's progress: values drawn, job id, n.
inline constexpr const char* kRecordPrintPartProgress =
    "UPDATE print_job_parts SET drawn = ? WHERE job_id = ? AND n = ? AND finished_at IS NULL";

// The job's progress, the sum of its parts': values job id, job id.
inline constexpr const char* kSumPrintJobProgress =
    "UPDATE print_jobs SET done = (SELECT COALESCE(SUM(drawn), 0) FROM print_job_parts WHERE job_id = ?)"
    " WHERE id = ? AND state = 'running'";

// A part drawn by the runner holding it: values pages, file size, sha256, now, job id, n, owner.
inline constexpr const char* kFinishPrintPart =
    "UPDATE print_job_parts SET pages = ?, file_size = ?, sha256 = ?, finished_at = ?, drawn = agreements,"
    " runner_expires_at = NULL, drawing_from = NULL, drawing_to = NULL"
    " WHERE job_id = ? AND n = ? AND runner = ? AND finished_at IS NULL";

// ---- crash marks (workflow/print_job.h) ----

// The positions a part's runner is about to draw: values from, to, job id, n, owner, job id.
inline constexpr const char* kRecordPrintPartDrawing =
    "UPDATE print_job_parts SET drawing_from = ?, drawing_to = ? WHERE job_id = ? AND n = ? AND runner = ?"
    " AND finished_at IS NULL AND EXISTS (SELECT 1 FROM print_jobs WHERE id = ? AND state = 'running')";

// What the dead runners of a job taken over were drawing — its old owner's parts, and parts whose
// runner's lease ran out: values job id, old owner, now.
inline constexpr const char* kDeadPrintPartRanges =
    "SELECT drawing_from, drawing_to FROM print_job_parts WHERE job_id = ? AND finished_at IS NULL"
    " AND drawing_from IS NOT NULL AND (runner = ? OR runner_expires_at IS NULL OR runner_expires_at <= ?)";

// What the runner of one part was drawing: values job id, n.
inline constexpr const char* kPrintPartDrawing =
    "SELECT runner, drawing_from, drawing_to FROM print_job_parts WHERE job_id = ? AND n = ?";

// Whether a job has part n: values job id, n.
inline constexpr const char* kPrintPartExists = "SELECT 1 FROM print_job_parts WHERE job_id = ? AND n = ?";

}  // namespace sanfang::store
