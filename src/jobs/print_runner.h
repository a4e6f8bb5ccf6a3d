// Print jobs (SPEC "Print room"): runs a stored job — its frozen list of agreements in print
// order, with separator sheets and reprint marks — into one PDF on disk per part
// (workflow::plan_print_parts: one per college, a large college split; one part for `one_file`).
//
// Where the work happens: with drawing processes (PrintRunOptions::drawing, drawing_processes.h)
// the runner draws parts on one render thread and a process on each other core draws the parts
// nobody has started; without them the parts not done yet are shared out among as many workers
// as the pool has render threads. A worker's thread reads its part's list from the store and turns
// agreements into render documents (validation, code lists); its render thread draws them into
// the part's PDF stream, slice by slice. Between slices a render thread takes interactive renders
// first, so a student's download waits for at most one slice. Every core is busy preparing or
// drawing.
// Memory: per part in flight, a slice of documents, the output buffer and the renderer's per-file
// state. Pages go to the file as they are drawn, and print files carry no link annotations or
// structure tree (which cairo would keep until the end), so a job of 10,000 agreements needs no
// more memory than one of 1,000.
// Restarts: the job's list, parts and print records were fixed when it was created, so a job that
// was interrupted (the service stopped or crashed) draws again, under the same records, the parts
// not recorded done; a part's output appears only when finished (a temporary file until then).
// Failures end (workflow/print_job.h): every run is claimed under a lease (jobs/print_lease.h);
// an error ends the run — back to the queue with a growing delay when it is worth retrying, else
// (or once the retries are used up) `failed` with its reason; an agreement that cannot be drawn is
// listed and skipped; after a failed run every part's runner records the positions it is about
// to draw before each slice (the store keeps a range per part), so that the agreement a runner
// keeps dying on is skipped after two crashes instead of looping forever.
#pragma once

#include "core/code_lists.h"
#include "core/result.h"
#include "jobs/drawing_processes.h"
#include "jobs/print_lease.h"
#include "jobs/render_pool.h"
#include "store/store.h"
#include "workflow/agreement_document.h"
#include "workflow/clock.h"
#include "workflow/print_job.h"

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>

namespace sanfang::jobs {

struct PrintContext {
  store::Store* store = nullptr;
  workflow::Clock* clock = nullptr;
  std::shared_ptr<const core::CodeLists> codes;
  workflow::SchoolProfile school;
  RenderPool* renders = nullptr;
};

struct PrintRunOptions {
  // Agreements per render task: bounds how long interactive work waits behind a job.
  int slice = 16;
  // How often progress is written to the store (and cancellation looked for).
  std::chrono::milliseconds progress_interval{500};
  // How long a job stays with a runner that stopped renewing its lease.
  std::chrono::seconds lease = kLeaseDefault;
  workflow::RetryPolicy retry;
  // Drawing processes for a job in parts; none by default (a process that is not this program's
  // command line, such as a test, cannot start them).
  DrawingProcessCommand drawing;
};

enum class PrintRunOutcome {
  Done,       // the file is in place and the job `done`
  Cancelled,  // someone cancelled it meanwhile: no file
  Stopped,    // `stop` was asked or the lease was lost: the job is left as it is, for a later run
  Retrying,   // a transient error: the job is queued again until its retry_at
  Failed,     // the job is `failed` with its reason
};

// "done", "cancelled", "stopped", "retrying" or "failed", for logs.
std::string_view to_string(PrintRunOutcome outcome);

// Where a run's PDFs go: each part to `file_of(job id, part)` (a temporary file beside it until the part
// is drawn). With `into_store` (the service's queue) a finished part's file then becomes a blob in
// the store (Store::put_blob_file) before the part is recorded done, so that every instance can
// send it and another runner can finish the job if this one dies; the file is gone afterwards.
// Without it (`sanfang batch -o`) the files stay where they were asked for, and a resumed run
// draws every part again (an earlier run's files may be elsewhere).
struct PrintDestination {
  std::function<std::filesystem::path(std::int64_t job_id, const workflow::PrintJobPart& part)> file_of;
  bool into_store = false;
};

// Runs a job claimed under `lease` (Store::claim_print_job / claim_next_print_job) to the end of
// this run, writing its parts' PDFs to `output`: the parts not done yet, drawn side by side — on
// one render thread and in drawing processes when `options.drawing` asks for them (waited for when
// the job is done, stopped otherwise), else on every render thread — each prepared on a thread of
// its own (the calling thread for the first). `progress` is called with (done, total) after every
// slice; `stop` asks it to end at the next slice. Every error ends in the store
// (Retrying or Failed, see above) and is logged and counted; nothing is left `running` but a
// stopped run, whose caller releases it or lets its lease run out.
PrintRunOutcome run_claimed_print_job(const PrintContext& context, const workflow::PrintJob& job,
                                      const LeaseKeeper& lease, const PrintDestination& output,
                                      const PrintRunOptions& options,
                                      const std::function<void(int done, int total)>& progress,
                                      const std::atomic<bool>& stop);

// An idle runner's work (Store::claim_print_part_to_help): parts nobody has started of jobs
// other runners hold — of `only_job` alone when given — one per render thread, until none is left
// to claim. A part not drawn here (an error, a stop) is let go of for another runner; the job's
// own runner draws it if nobody else does. True when a part was drawn.
bool help_with_parts(const PrintContext& context, const std::string& owner, const PrintDestination& output,
                     const PrintRunOptions& options, const std::atomic<bool>& stop,
                     std::optional<std::int64_t> only_job = std::nullopt);

// The file of part `n` of queue job `job_id` in the queue's `folder` ("JOB-N.pdf"), for the
// queue's runner and its drawing processes alike.
std::filesystem::path queue_part_file(const std::filesystem::path& folder, std::int64_t job_id, int n);

// The service's print queue: one background thread that claims jobs one after another, oldest
// first — queued service jobs when due, and jobs of any origin whose runner died (an expired
// lease, or a dead process of this host) — and runs them. A job's PDF is written in `folder`
// (this machine's) and stored as a blob when finished: downloads go through Store::blob_file. Its
// drawing processes (options.drawing: the command up to the destination, which the runner adds)
// do the same with the parts they draw.
class PrintRunner {
 public:
  static Result<std::unique_ptr<PrintRunner>> start(PrintContext context, std::filesystem::path folder,
                                                    PrintRunOptions options = {});
  ~PrintRunner();

  // A job was queued or cancelled: look at the queue now rather than at the next poll.
  void wake();
  // Ends the running job at its next slice (released to the queue, to be resumed) and the thread.
  void stop();

 private:
  PrintRunner(PrintContext context, std::filesystem::path folder, PrintRunOptions options);
  void run();

  PrintContext m_context;
  std::filesystem::path m_folder;
  PrintRunOptions m_options;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_woken = false;
  std::atomic<bool> m_stop{false};
  std::thread m_thread;
};

}  // namespace sanfang::jobs
