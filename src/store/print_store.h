// The print room area of the store (SPEC "Print room"): print jobs, the agreements each one
// lists in print order, the per-copy print records with their reprint ordinals, and the leases
// by which one runner at a time holds a job.
//
// The claim rule is the store's because only one transaction can make it exclusive: two runners
// (threads, processes, instances) asking at once never get the same job, and a runner whose lease
// ran out is taken for dead so that another takes its job over.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "workflow/entities.h"
#include "workflow/print_job.h"

namespace sanfang::store {

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

// A part of another runner's job that an idle runner took to draw (claim_print_part_to_help).
struct PrintPartClaim {
  workflow::PrintJob job;
  int n = 0;
};

class PrintStore {
 public:
  virtual ~PrintStore() = default;

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
  // Either claim starts a run: state running under `lease`, earlier errors cleared and records
  // live again. A job that was still running had lost its runner: that counts as a failure, and
  // every position its dead runners recorded as being drawn (the old owner's parts, and parts
  // whose runner's lease ran out) gets a crash mark. Parts done in an earlier run stay
  // done (their files are blobs) — except for claim_print_job and for `sanfang batch` jobs, whose
  // files went to a command's folder: those runs draw every part again.
  virtual Result<workflow::PrintJob> claim_print_job(std::int64_t id, const PrintLease& lease,
                                                     workflow::Timestamp now) = 0;
  // Extends the lease, and the owner's leases on the job's parts; Conflict when `lease.owner` no
  // longer holds the job (taken over, finished).
  virtual Status renew_print_lease(std::int64_t id, const PrintLease& lease) = 0;
  // Ends a lease at `now` when it is still held by `owner`, a process known to be dead.
  virtual Status break_print_lease(std::int64_t id, std::string_view owner, workflow::Timestamp now) = 0;
  // The positions [from, to] of part `n` are about to be drawn by `owner` (written before each
  // slice, after a run that failed: workflow::marks_drawing); Conflict when `owner` no longer
  // holds the part or the job no longer runs. Each part keeps its own range, so parts are drawn
  // side by side with crash marks too.
  virtual Status record_print_drawing(std::int64_t id, int n, std::string_view owner, int from, int to) = 0;
  // A clean stop (the service shuts down): running → queued, resumed by the next claim without
  // counting a failure.
  virtual Status release_print_job(std::int64_t id, std::string_view owner) = 0;
  // A run that failed for a reason worth retrying: running → queued until `retry_at`, one more
  // failure counted, `reason` kept. Conflict when `owner` no longer holds the job.
  virtual Status retry_print_job(std::int64_t id, std::string_view owner, std::string_view reason,
                                 workflow::Timestamp retry_at) = 0;
  // `drawn` agreements of part `n` are drawn in this run; the job's `done` becomes the sum over its
  // parts (a done part counting all of its agreements).
  virtual Status record_print_progress(std::int64_t job_id, int n, int drawn) = 0;
  // An agreement that failed to render: the error is kept with the job and its records voided.
  virtual Status record_print_failure(std::int64_t job_id, const workflow::PrintItem& item,
                                      std::string_view message, workflow::Timestamp now) = 0;

  // ---- parts drawn side by side (workflow::PrintJobPart) ----
  // A part lease lives only while its job runs: every change that ends a run (release, retry,
  // fail, cancel, done) clears the leases of the parts not done, and a claim that takes a job
  // over clears those of its old owner (helpers of other instances keep theirs).
  //
  // Claims for `lease.owner` the lowest-numbered part of running job `job_id` that is not done and
  // not held under a live lease (on PostgreSQL: FOR UPDATE SKIP LOCKED, so runners never wait for
  // each other); nullopt when there is none. A part whose runner's lease ran out had a runner that
  // died: the positions it recorded as being drawn get crash marks. Conflict naming state when
  // the job is not running.
  virtual Result<std::optional<int>> claim_print_part(std::int64_t job_id, const PrintLease& lease,
                                                      workflow::Timestamp now) = 0;
  // For an idle runner: claims the lowest-numbered part nobody has started of the oldest running
  // service job that another runner holds under a live lease. A `sanfang batch` job is never
  // helped: its parts go to that command's folder. A part whose runner's lease ran out is not
  // helped with either: it may hold an agreement that kills runners, and is left to the job's own
  // runner, whose claim marks what the dead runner was drawing — so that such an agreement takes
  // down one helper at most.
  // With `only_job`, that job alone and whatever its origin: how the drawing processes a
  // `sanfang batch` starts help with its own job.
  virtual Result<std::optional<PrintPartClaim>> claim_print_part_to_help(
      const PrintLease& lease, workflow::Timestamp now, std::optional<std::int64_t> only_job = std::nullopt) = 0;
  // Ends at `now` the lease `runner`, a process known to be dead, holds on part `n`, so that the
  // job's runner takes the part (and marks what it was drawing) at once rather than when the
  // lease runs out. Nothing changes when `runner` no longer holds it.
  virtual Status break_print_part_lease(std::int64_t job_id, int n, std::string_view runner,
                                        workflow::Timestamp now) = 0;
  // Extends `lease.owner`'s leases on parts of the job; Conflict when the job is not running or
  // the owner holds none of its parts any more.
  virtual Status renew_print_part_leases(std::int64_t job_id, const PrintLease& lease) = 0;
  // Lets go of a part not drawn (a helper stopping or failing), for another runner to draw.
  virtual Status release_print_part(std::int64_t job_id, int n, std::string_view owner) = 0;
  // A part of a running job is drawn by `owner`: its file's facts (the job stays running until
  // finish_print_job). Conflict naming state when the job is no longer running (cancelled
  // meanwhile) or `owner` no longer holds the part; NotFound for a part the job does not have.
  virtual Status finish_print_part(std::int64_t job_id, int n, std::string_view owner, int pages,
                                   std::int64_t file_size, std::string_view sha256, workflow::Timestamp now) = 0;
  // running → done with the file's facts, audited ("print_job", id, "done"); Conflict naming state
  // when it was cancelled meanwhile.
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
