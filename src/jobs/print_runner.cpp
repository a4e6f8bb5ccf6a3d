#include "jobs/print_runner.h"

#include "core/log.h"
#include "jobs/agreement_documents.h"
#include "jobs/print_output.h"
#include "store/private_files.h"

#include <algorithm>
#include <deque>
#include <exception>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

namespace sanfang::jobs {

namespace {

using SteadyClock = std::chrono::steady_clock;
using workflow::PrintItem;
using workflow::PrintJob;

// Rows read from the store at a time while planning separator sheets.
constexpr int kPlanningPage = 1000;
// Slices drawn or waiting on the render thread at once: enough to keep it busy while the next
// slice is prepared, few enough to keep memory flat.
constexpr std::size_t kSlicesInFlight = 2;

// The job's PDF while it is being written. Lives on the render thread's side: the stream is
// created, fed and destroyed there; the output is only written from there until finish.
struct JobStream {
  std::unique_ptr<PrintOutput> output;
  std::unique_ptr<render::PdfStream> stream;
  std::atomic<bool> abandoned{false};  // stop writing: the file will be thrown away
};

// One agreement ready to draw, with the separator sheet that goes before it (the first agreement
// of a college), or the reason it cannot be drawn.
struct PrintPiece {
  PrintItem item;
  std::optional<render::SeparatorSheet> separator;
  std::optional<render::AgreementDocument> document;
  std::string failure;
};

struct SliceResult {
  Status status;  // a failure of the output or the stream: the job cannot go on
  std::vector<std::pair<PrintItem, std::string>> failures;
  int agreements = 0;
};

template <typename T>
std::future<T> on_render_thread(RenderPool& pool, int thread, std::function<T(render::Renderer&)> work) {
  auto promise = std::make_shared<std::promise<T>>();
  auto future = promise->get_future();
  pool.submit_to(thread, [promise, work = std::move(work)](render::Renderer& renderer) {
    promise->set_value(work(renderer));
  });
  return future;
}

// Ends the stream on its own render thread whatever way the run ends.
class StreamCloser {
 public:
  StreamCloser(RenderPool& pool, int thread, std::shared_ptr<JobStream> job) : m_pool(pool), m_thread(thread), m_job(std::move(job)) {}
  ~StreamCloser() {
    m_job->abandoned = true;
    on_render_thread<bool>(m_pool, m_thread, [job = m_job](render::Renderer&) {
      job->stream.reset();
      return true;
    }).wait();
  }

 private:
  RenderPool& m_pool;
  int m_thread;
  std::shared_ptr<JobStream> m_job;
};

// The separator sheets of one part: one before the first agreement of each college in it (a part
// that continues a college opens with a sheet of its own), keyed by that agreement's position.
Result<std::map<int, render::SeparatorSheet>> plan_separators(const PrintContext& context, const PrintJob& job,
                                                              const workflow::PrintJobPart& part) {
  std::map<int, workflow::SeparatorSummary> summaries;
  std::map<std::string, std::string> college_names;
  std::string college;
  int first = -1;
  const int end = part.first_position + part.agreements;
  for (int from = part.first_position; from < end;) {
    const auto items = TRY(context.store->print_items(job.id, from, std::min(kPlanningPage, end - from)));
    if (items.empty()) break;
    for (const PrintItem& item : items) {
      if (first < 0 || item.college_code != college) {
        first = item.position;
        college = item.college_code;
        if (!college_names.count(college)) college_names[college] = TRY(context.store->college_name(college));
        summaries[first].college_name = college_names[college];
      }
      workflow::SeparatorSummary& summary = summaries[first];
      ++summary.count;
      if (summary.majors.empty() || summary.majors.back().first != item.major) summary.majors.emplace_back(item.major, 0);
      ++summary.majors.back().second;
      if (summary.lowest_serial.empty() || item.serial < summary.lowest_serial) summary.lowest_serial = item.serial;
      if (item.serial > summary.highest_serial) summary.highest_serial = item.serial;
    }
    from = items.back().position + 1;
  }
  std::map<int, render::SeparatorSheet> sheets;
  for (const auto& [position, summary] : summaries) {
    sheets[position] = render::SeparatorSheet{summary.college_name, workflow::separator_lines(summary, job.id, job.request.copies)};
  }
  return sheets;
}

// Turns a job's items into documents on the preparing thread, remembering college names.
class PiecePreparer {
 public:
  explicit PiecePreparer(const PrintContext& context) : m_context(context) {}

  // The pieces of one slice: documents made from the agreements' snapshots on this thread.
  // An agreement a runner died on twice is not even prepared: it is listed as skipped.
  std::vector<PrintPiece> prepare(const PrintJob& job, std::vector<PrintItem> items,
                                  std::map<int, render::SeparatorSheet>& separators) {
    std::vector<PrintPiece> pieces;
    for (PrintItem& item : items) {
      PrintPiece piece;
      if (auto sheet = separators.find(item.position); sheet != separators.end()) {
        piece.separator = std::move(sheet->second);
        separators.erase(sheet);
      }
      if (workflow::must_skip(job, item.position)) {
        piece.failure = workflow::skipped_after_crashes_reason();
        log::background_failure(log::BackgroundTask::PrintJob, "print_agreement_skipped_after_crashes",
                                {{"job_id", job.id}, {"serial", item.serial}, {"position", item.position}});
      } else if (auto document = make_document(item); document) {
        piece.document = std::move(*document);
      } else {
        piece.failure = document.error().message;
      }
      piece.item = std::move(item);
      pieces.push_back(std::move(piece));
    }
    return pieces;
  }

 private:
  Result<render::AgreementDocument> make_document(const PrintItem& item) {
    const workflow::Agreement agreement = TRY(m_context.store->agreement(item.agreement_id));
    auto name = m_college_names.find(agreement.college_code);
    if (name == m_college_names.end())
      name = m_college_names.emplace(agreement.college_code, TRY(m_context.store->college_name(agreement.college_code))).first;
    // Read once per run: a job prints the school's public address as stored when it ran.
    if (!m_school) m_school = TRY(school_profile(*m_context.store, m_context.school));
    return agreement_document(agreement, *m_school, name->second, *m_context.codes);
  }

  const PrintContext& m_context;
  std::optional<workflow::SchoolProfile> m_school;
  std::map<std::string, std::string> m_college_names;
};

SliceResult draw_slice(std::int64_t job_id, JobStream& job, const std::vector<PrintPiece>& pieces,
                       const std::vector<int>& copies) {
  SliceResult result;
  for (const PrintPiece& piece : pieces) {
    ++result.agreements;
    if (piece.separator) {
      if (auto drawn = job.stream->add_separator(*piece.separator); !drawn) {
        if (drawn.error().kind == ErrorKind::Io) {
          result.status = drawn.take_error();
          return result;
        }
        log::background_failure(log::BackgroundTask::PrintJob, "print_separator_not_drawn",
                                {{"job_id", job_id}, {"college", piece.separator->heading},
                                 {"error", drawn.error().describe()}});
      }
    }
    if (!piece.document) {
      result.failures.emplace_back(piece.item, piece.failure);
      continue;
    }
    if (auto drawn = job.stream->add(*piece.document, piece.item.reprints, copies); !drawn) {
      if (drawn.error().kind == ErrorKind::Io) {
        result.status = drawn.take_error();
        return result;
      }
      result.failures.emplace_back(piece.item, drawn.error().describe());
    }
  }
  return result;
}


// What the parts of one run share: the job, the stop conditions and the progress of its parts.
class RunState {
 public:
  RunState(const PrintContext& context, const PrintJob& job, const LeaseKeeper& lease, const PrintRunOptions& options,
           const std::function<void(int done, int total)>& progress, const std::atomic<bool>& stop)
      : context(context), job(job), lease(lease), options(options), m_progress(progress), m_stop(stop) {}

  bool stopping() const { return m_stop.load() || lease.lost() || m_cancelled.load() || m_failed.load(); }
  bool cancelled() const { return m_cancelled.load(); }
  // Another part failed: the others stop at their next slice.
  void fail() { m_failed = true; }

  // Counts `agreements` more of part `n` as drawn; writes the parts' progress to the store at
  // most once per interval (always with `force`) and learns there whether the job was cancelled
  // meanwhile.
  Status add_done(int n, int agreements, bool force = false) {
    std::lock_guard lock(m_mutex);
    m_drawn[n] += agreements;
    m_changed.insert(n);
    return report(force);
  }
  // Writes progress now and looks at what other runners drew.
  Status refresh() {
    std::lock_guard lock(m_mutex);
    return report(true);
  }

  const PrintContext& context;
  const PrintJob& job;
  const LeaseKeeper& lease;
  const PrintRunOptions& options;

 private:
  Status report(bool force) {
    int done = m_others;
    for (const auto& [n, drawn] : m_drawn) done += drawn;
    if (m_progress) m_progress(done, job.total);
    if (!force && SteadyClock::now() - m_last_report < options.progress_interval) return {};
    m_last_report = SteadyClock::now();
    for (const int n : m_changed) TRY(context.store->record_print_progress(job.id, n, m_drawn[n]));
    m_changed.clear();
    const PrintJob now = TRY(context.store->print_job(job.id));
    if (now.state == workflow::PrintJobState::Cancelled) m_cancelled = true;
    // Agreements drawn elsewhere: parts done in an earlier run, and those other runners draw.
    m_others = 0;
    for (const workflow::PrintJobPart& part : now.parts)
      if (!m_drawn.count(part.n)) m_others += part.drawn;
    return {};
  }

  const std::function<void(int done, int total)>& m_progress;
  const std::atomic<bool>& m_stop;
  std::mutex m_mutex;
  std::map<int, int> m_drawn;  // part → agreements drawn in this run
  std::set<int> m_changed;     // parts whose progress the store has not seen yet
  int m_others = 0;            // agreements of the other parts, as the store saw them last
  SteadyClock::time_point m_last_report = SteadyClock::now();
  std::atomic<bool> m_cancelled{false};
  std::atomic<bool> m_failed{false};
};

// How a part's run ended; a finished part is in the store with its file.
enum class PartOutcome { Done, Stopped, Cancelled };

// One part into its own file on render thread `thread`, its agreements prepared on the calling
// thread slice by slice. `mark_drawing`: the positions in flight are recorded before each slice
// (crash marks, workflow::marks_drawing), in the part's own range.
Result<PartOutcome> draw_part(RunState& run, const workflow::PrintJobPart& part, int thread,
                              const PrintDestination& output, bool mark_drawing) {
  const PrintContext& context = run.context;
  const PrintJob& job = run.job;
  store::Store& store = *context.store;
  const std::filesystem::path file = output.file_of(job.id, part);

  std::map<int, render::SeparatorSheet> separators;
  if (job.request.separator_sheets) separators = TRY(plan_separators(context, job, part));

  auto shared = std::make_shared<JobStream>();
  shared->output = TRY(PrintOutput::create(file));

  RenderPool& pool = *context.renders;
  TRY(on_render_thread<Status>(pool, thread, [shared, id = job.id, n = part.n, parts = job.parts.size()](render::Renderer& renderer) -> Status {
        std::string title_suffix = "打印任务 #" + std::to_string(id);
        if (parts > 1) title_suffix += " 第 " + std::to_string(n) + " 部分";
        const render::StreamOptions stream_options = render::StreamOptions::for_print(std::move(title_suffix));
        JobStream* raw = shared.get();
        auto stream = renderer.begin([raw](std::string_view bytes) { return !raw->abandoned && raw->output->write(bytes); },
                                     stream_options);
        if (!stream) return stream.take_error();
        shared->stream = std::move(*stream);
        return {};
      }).get());
  std::optional<StreamCloser> closer(std::in_place, pool, thread, shared);

  PiecePreparer preparer(context);
  struct Slice {
    int first = 0;  // position of its first agreement
    std::future<SliceResult> result;
  };
  std::deque<Slice> in_flight;
  // Takes the oldest slice's result: failures recorded, progress counted.
  auto settle = [&]() -> Status {
    SliceResult result = in_flight.front().result.get();
    in_flight.pop_front();
    TRY(std::move(result.status));
    for (const auto& [item, message] : result.failures)
      TRY(store.record_print_failure(job.id, item, message, context.clock->now()));
    return run.add_done(part.n, result.agreements);
  };
  auto settle_all = [&]() -> Status {
    while (!in_flight.empty()) TRY(settle());
    return {};
  };

  const int end = part.first_position + part.agreements;
  for (int next = part.first_position; next < end;) {
    if (run.stopping()) return run.cancelled() ? PartOutcome::Cancelled : PartOutcome::Stopped;
    // An agreement a runner died on is drawn alone, with nothing else in flight, so that a crash
    // marks exactly it; a slice ends before the next such agreement.
    int count = std::min(run.options.slice, end - next);
    const bool alone = workflow::is_suspect(job, next);
    if (alone) {
      TRY(settle_all());
      count = 1;
    } else if (auto suspect = job.crashes.lower_bound(next); suspect != job.crashes.end() && suspect->first < next + count) {
      count = suspect->first - next;
    }
    if (mark_drawing) {
      // Recorded before the slice is prepared and drawn: everything in flight up to its end.
      const int from = in_flight.empty() ? next : in_flight.front().first;
      if (auto marked = store.record_print_drawing(job.id, part.n, run.lease.owner(), from, next + count - 1); !marked) {
        if (marked.error().kind == ErrorKind::Conflict) return PartOutcome::Stopped;
        return marked.take_error();
      }
    }
    auto items = TRY(store.print_items(job.id, next, count));
    if (items.empty()) break;
    next = items.back().position + 1;
    auto pieces = std::make_shared<std::vector<PrintPiece>>(preparer.prepare(job, std::move(items), separators));
    in_flight.push_back({pieces->front().item.position,
                         on_render_thread<SliceResult>(
                             pool, thread, [shared, pieces, id = job.id, copies = job.request.copies](render::Renderer&) {
                               return draw_slice(id, *shared, *pieces, copies);
                             })});
    if (alone) TRY(settle_all());
    else if (in_flight.size() >= kSlicesInFlight) TRY(settle());
  }
  TRY(settle_all());
  // Progress in the store, and a cancellation seen, before the file is finished.
  TRY(run.add_done(part.n, 0, true));
  if (run.stopping()) return run.cancelled() ? PartOutcome::Cancelled : PartOutcome::Stopped;

  const int pages = TRY(on_render_thread<Result<int>>(pool, thread, [shared](render::Renderer&) -> Result<int> {
                          TRY(shared->stream->finish());
                          const int pages = shared->stream->pages();
                          shared->stream.reset();
                          return pages;
                        }).get());
  closer.reset();
  const std::string sha256 = TRY(shared->output->commit());
  // Stored before the part is done, so that a done part's file is always there to send. A job
  // cancelled in between leaves a blob no job names (harmless: blobs are only ever added).
  if (output.into_store) TRY(store.put_blob_file(file, sha256, context.clock->now()));
  if (auto recorded = store.finish_print_part(job.id, part.n, run.lease.owner(), pages, shared->output->size(), sha256,
                                             context.clock->now());
      !recorded) {
    std::error_code ignored;
    std::filesystem::remove(file, ignored);
    if (recorded.error().kind != ErrorKind::Conflict) return recorded.take_error();
    // Cancelled meanwhile, or the part was taken over by another runner.
    const PrintJob now = TRY(store.print_job(job.id));
    return now.state == workflow::PrintJobState::Cancelled ? PartOutcome::Cancelled : PartOutcome::Stopped;
  }
  return PartOutcome::Done;
}

// Draws parts of the run's job on a render thread: those it claims one after another
// (draw_free_parts, the job's own runner), or one claimed for it (draw, a helper's); remembers how
// the run must end when a part stops or fails.
class PartWorker {
 public:
  PartWorker(RunState& run, const PrintDestination& output, bool mark_drawing)
      : m_run(run), m_output(output), m_mark_drawing(mark_drawing) {}

  // Draws free parts of the run's job on `thread`: false when the run must end (see outcome()).
  bool draw_free_parts(int thread) {
    const PrintContext& context = m_run.context;
    while (!m_run.stopping()) {
      const workflow::Timestamp now = context.clock->now();
      auto claimed = context.store->claim_print_part(m_run.job.id, {m_run.lease.owner(), now + m_run.options.lease}, now);
      if (!claimed) {
        if (claimed.error().kind == ErrorKind::Conflict) return stop(PartOutcome::Stopped);
        return fail(claimed.take_error());
      }
      if (!*claimed) return true;
      if (!draw(**claimed, thread)) return false;
    }
    return false;
  }

  // Draws part `n` on `thread`: false when the run must end.
  bool draw(int n, int thread) {
    const auto part = std::find_if(m_run.job.parts.begin(), m_run.job.parts.end(),
                                   [n](const workflow::PrintJobPart& p) { return p.n == n; });
    if (part == m_run.job.parts.end())
      return fail(Error::make(ErrorKind::Internal, "part " + std::to_string(n) + " is not in the job's plan"));
    Result<PartOutcome> drawn = PartOutcome::Stopped;
    try {
      drawn = draw_part(m_run, *part, thread, m_output, m_mark_drawing);
    } catch (const std::exception& e) {
      drawn = Error::make(ErrorKind::Internal, std::string("unexpected exception: ") + e.what());
    }
    if (!drawn) return fail(drawn.take_error());
    if (*drawn != PartOutcome::Done) return stop(*drawn);
    return true;
  }

  // How the worker's parts ended: an error, or Cancelled/Stopped, or nothing (all drawn).
  std::optional<Error> error() const {
    std::lock_guard lock(m_mutex);
    return m_error;
  }
  std::optional<PartOutcome> ended() const {
    std::lock_guard lock(m_mutex);
    return m_ended;
  }

 private:
  bool fail(Error error) {
    std::lock_guard lock(m_mutex);
    if (!m_error) m_error = std::move(error);
    m_run.fail();
    return false;
  }
  bool stop(PartOutcome outcome) {
    std::lock_guard lock(m_mutex);
    if (!m_ended || outcome == PartOutcome::Cancelled) m_ended = outcome;
    return false;
  }

  RunState& m_run;
  const PrintDestination& m_output;
  bool m_mark_drawing;
  mutable std::mutex m_mutex;
  std::optional<Error> m_error;
  std::optional<PartOutcome> m_ended;
};

// Drawing processes for the job's parts beside this process's own render thread, one per part
// to draw but this thread's, at most `command.processes`; none (null) for a job in one part, or
// when they cannot be started (the parts are then drawn on the render threads).
std::unique_ptr<DrawingProcesses> start_drawing_processes(const DrawingProcessCommand& command, std::int64_t job_id,
                                                          int parts_to_draw) {
  const int count = std::min(command.processes, parts_to_draw - 1);
  if (count <= 0) return nullptr;
  std::vector<std::string> arguments = command.arguments;
  arguments.insert(arguments.end(), {"--draw-parts-of", std::to_string(job_id)});
  auto started = DrawingProcesses::start(count, arguments);
  if (!started) {
    log::background_failure(log::BackgroundTask::PrintJob, "drawing_processes_not_started",
                            {{"job_id", job_id}, {"error", started.error().describe()}});
    return nullptr;
  }
  return std::move(*started);
}

// How often the job's runner looks at parts that other runners draw while it waits for them.
constexpr auto kHelpersPoll = std::chrono::milliseconds(250);

// The job's work of one run; every error is returned, for end_with_error to decide. The parts not
// done yet are claimed and drawn on as many render threads as there are, while idle runners of
// other instances may claim some too (PrintRunner); after a failed run each part's runner records
// what it is drawing (crash marks). The job is done when every part is: its runner waits for
// parts others draw, and draws any whose runner let go of it or died.
Result<PrintRunOutcome> draw_job(const PrintContext& context, const PrintJob& job, const LeaseKeeper& lease,
                                 const PrintDestination& output, const PrintRunOptions& options,
                                 const std::function<void(int done, int total)>& progress,
                                 const std::atomic<bool>& stop) {
  RunState run(context, job, lease, options, progress, stop);
  TRY(run.refresh());

  const int to_draw = static_cast<int>(job.parts.size()) - static_cast<int>(std::count_if(
                          job.parts.begin(), job.parts.end(), [](const workflow::PrintJobPart& p) { return p.done(); }));
  // The other cores' share in processes of their own when the runner has them; then this
  // process draws on one render thread.
  std::unique_ptr<DrawingProcesses> processes = start_drawing_processes(options.drawing, job.id, to_draw);
  const int workers = processes ? 1 : std::max(1, std::min(context.renders->size(), to_draw));
  PartWorker worker(run, output, workflow::marks_drawing(job));
  const int first_thread = context.renders->size() - 1;
  {
    std::vector<std::thread> threads;
    for (int w = 1; w < workers; ++w) threads.emplace_back([&worker, thread = first_thread - w] { worker.draw_free_parts(thread); });
    worker.draw_free_parts(first_thread);
    for (std::thread& thread : threads) thread.join();
  }

  // Parts other runners draw: wait for them, and draw here any that is free again.
  for (;;) {
    if (auto error = worker.error()) return *error;
    if (auto ended = worker.ended())
      return *ended == PartOutcome::Cancelled || run.cancelled() ? PrintRunOutcome::Cancelled : PrintRunOutcome::Stopped;
    if (run.stopping()) return run.cancelled() ? PrintRunOutcome::Cancelled : PrintRunOutcome::Stopped;
    const PrintJob now = TRY(context.store->print_job(job.id));
    if (now.state == workflow::PrintJobState::Cancelled) return PrintRunOutcome::Cancelled;
    bool all_done = true;
    for (const workflow::PrintJobPart& part : now.parts) {
      all_done = all_done && part.done();
      // A runner of this machine that died (a drawing process killed) need not be waited for.
      if (!part.done() && !part.runner.empty() && part.runner != lease.owner() && lease_owner_is_dead(part.runner))
        TRY(context.store->break_print_part_lease(job.id, part.n, part.runner, context.clock->now()));
    }
    if (all_done) break;
    TRY(run.refresh());
    if (!worker.draw_free_parts(first_thread)) continue;
    std::this_thread::sleep_for(kHelpersPoll);
  }

  // They found no part left and end by themselves.
  if (processes) processes->wait();
  const PrintJob drawn = TRY(context.store->print_job(job.id));
  int pages = 0;
  std::int64_t size = 0;
  for (const workflow::PrintJobPart& part : drawn.parts) {
    pages += part.pages;
    size += part.file_size;
  }
  const std::string sha256 = drawn.parts.size() == 1 ? drawn.parts.front().sha256 : std::string();
  if (auto recorded = context.store->finish_print_job(job.id, pages, size, sha256, context.clock->now()); !recorded) {
    if (recorded.error().kind == ErrorKind::Conflict) return PrintRunOutcome::Cancelled;
    return recorded.take_error();
  }
  return PrintRunOutcome::Done;
}

}  // namespace

bool help_with_parts(const PrintContext& context, const std::string& owner, const PrintDestination& output,
                     const PrintRunOptions& options, const std::atomic<bool>& stop, std::optional<std::int64_t> only_job) {
  const std::function<void(int, int)> no_progress;
  std::atomic<bool> drew{false};
  auto help = [&](int thread) {
    while (!stop) {
      const workflow::Timestamp now = context.clock->now();
      auto claimed = context.store->claim_print_part_to_help({owner, now + options.lease}, now, only_job);
      if (!claimed) {
        log::background_failure(log::BackgroundTask::PrintQueue, "print_part_claim_failed",
                                {{"error", claimed.error().describe()}});
        return;
      }
      if (!*claimed) return;
      const PrintJob& job = (*claimed)->job;
      const int n = (*claimed)->n;
      log::info("print_part_claimed", {{"job_id", job.id}, {"part", n}, {"owner", owner}});
      LeaseKeeper lease(*context.store, *context.clock, job.id, owner, options.lease, LeaseOn::Parts);
      RunState run(context, job, lease, options, no_progress, stop);
      PartWorker worker(run, output, workflow::marks_drawing(job));
      if (worker.draw(n, thread)) {
        drew = true;
        continue;
      }
      if (auto error = worker.error())
        log::background_failure(log::BackgroundTask::PrintJob, "print_part_not_drawn",
                                {{"job_id", job.id}, {"part", n}, {"error", error->describe()}});
      if (auto released = context.store->release_print_part(job.id, n, owner); !released)
        log::warn("print_part_not_released", {{"job_id", job.id}, {"part", n}, {"error", released.error().describe()}});
      return;
    }
  };
  std::vector<std::thread> threads;
  const int first_thread = context.renders->size() - 1;
  for (int t = 1; t < context.renders->size(); ++t) threads.emplace_back(help, first_thread - t);
  help(first_thread);
  for (std::thread& thread : threads) thread.join();
  return drew;
}

namespace {

// Ends the job `failed` with `reason`; a store that cannot even record that is logged (the lease
// then runs out and the next runner tries again).
PrintRunOutcome fail_job(const PrintContext& context, const PrintJob& job, const std::string& reason) {
  if (auto failed = context.store->fail_print_job(job.id, reason, context.clock->now()); !failed) {
    if (failed.error().kind == ErrorKind::Conflict) return PrintRunOutcome::Cancelled;
    log::background_failure(log::BackgroundTask::PrintJob, "print_job_not_marked_failed",
                            {{"job_id", job.id}, {"error", failed.error().describe()}});
  }
  log::error("print_job_failed", {{"job_id", job.id}, {"reason", reason}});
  return PrintRunOutcome::Failed;
}

// An error ended the run: retried later when it may go away by itself and retries are left,
// `failed` with its reason otherwise.
PrintRunOutcome end_with_error(const PrintContext& context, const PrintJob& job, const LeaseKeeper& lease,
                               const workflow::RetryPolicy& policy, const Error& error) {
  const int failures = job.failures + 1;
  const std::string reason = workflow::failure_reason(error.kind);
  log::background_failure(log::BackgroundTask::PrintJob, "print_job_run_failed",
                          {{"job_id", job.id}, {"failures", failures}, {"kind", to_string(error.kind)},
                           {"error", error.describe()}});
  if (!workflow::is_transient(error.kind)) return fail_job(context, job, reason);
  const auto retry_at = workflow::next_attempt_at(policy, failures, context.clock->now());
  if (!retry_at)
    return fail_job(context, job, "重试 " + std::to_string(policy.max_retries) + " 次后仍失败：" + reason);
  if (auto queued = context.store->retry_print_job(job.id, lease.owner(), reason, *retry_at); !queued) {
    if (queued.error().kind == ErrorKind::Conflict) return PrintRunOutcome::Stopped;
    log::background_failure(log::BackgroundTask::PrintJob, "print_job_not_requeued",
                            {{"job_id", job.id}, {"error", queued.error().describe()}});
    return PrintRunOutcome::Stopped;
  }
  log::warn("print_job_retry_scheduled",
            {{"job_id", job.id}, {"failures", failures}, {"retry_at", workflow::to_unix_seconds(*retry_at)}});
  return PrintRunOutcome::Retrying;
}

// A finished file `ID-N.pdf` (part N of job ID) left in the runner's folder by a run that stopped
// between writing it and storing it, or `ID.pdf` of a whole job by a version before parts. The
// file of a done part becomes its blob; the file of a cancelled or failed job goes; a part still
// to draw is written again.
void store_left_output(const PrintContext& context, const std::filesystem::path& file) {
  const std::string stem = file.stem().string();
  const std::size_t dash = stem.find('-');
  const std::string job_text = stem.substr(0, dash);
  const std::string part_text = dash == std::string::npos ? "1" : stem.substr(dash + 1);
  const auto is_number = [](const std::string& text) {
    return !text.empty() && text.size() <= 9 && text.find_first_not_of("0123456789") == std::string::npos;
  };
  if (file.extension() != ".pdf" || !is_number(job_text) || !is_number(part_text)) return;
  auto job = context.store->print_job(std::stoll(job_text));
  if (!job) return;
  std::error_code ec;
  if (job->state == workflow::PrintJobState::Cancelled || job->state == workflow::PrintJobState::Failed) {
    std::filesystem::remove(file, ec);
    return;
  }
  const int n = std::stoi(part_text);
  for (const workflow::PrintJobPart& part : job->parts) {
    if (part.n != n || !part.done()) continue;
    if (auto stored = context.store->put_blob_file(file, part.sha256, context.clock->now()); !stored)
      log::warn("print_job_file_not_stored", {{"job_id", job->id}, {"part", n}, {"error", stored.error().describe()}});
  }
}

}  // namespace

PrintRunOutcome run_claimed_print_job(const PrintContext& context, const PrintJob& job, const LeaseKeeper& lease,
                                      const PrintDestination& output, const PrintRunOptions& options,
                                      const std::function<void(int done, int total)>& progress,
                                      const std::atomic<bool>& stop) {
  // Runners that died on it count as failures too: a job that kills every runner ends here.
  if (job.failures > options.retry.max_retries) {
    return fail_job(context, job,
                    "重试 " + std::to_string(options.retry.max_retries) + " 次后仍失败：" +
                        (job.last_error.empty() ? std::string("打印进程意外中断") : job.last_error));
  }
  Result<PrintRunOutcome> outcome = PrintRunOutcome::Stopped;
  try {
    outcome = draw_job(context, job, lease, output, options, progress, stop);
  } catch (const std::exception& e) {
    // A bug must not take the queue thread (and the service) down, nor leave the job running.
    outcome = Error::make(ErrorKind::Internal, std::string("unexpected exception: ") + e.what());
  }
  if (outcome) return *outcome;
  return end_with_error(context, job, lease, options.retry, outcome.error());
}

PrintRunner::PrintRunner(PrintContext context, std::filesystem::path folder, PrintRunOptions options)
    : m_context(std::move(context)), m_folder(std::move(folder)), m_options(options) {}

Result<std::unique_ptr<PrintRunner>> PrintRunner::start(PrintContext context, std::filesystem::path folder,
                                                        PrintRunOptions options) {
  TRY(store::make_private_folder(folder));
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    const std::string name = entry.path().filename().string();
    // Temporary files of jobs interrupted by a crash: those jobs start again from the beginning.
    if (name.starts_with(".") && name.find(".pdf.") != std::string::npos) std::filesystem::remove(entry.path(), ec);
    else store_left_output(context, entry.path());
  }
  std::unique_ptr<PrintRunner> runner(new PrintRunner(std::move(context), std::move(folder), options));
  runner->m_thread = std::thread([raw = runner.get()] { raw->run(); });
  return runner;
}

PrintRunner::~PrintRunner() { stop(); }

void PrintRunner::wake() {
  {
    std::lock_guard lock(m_mutex);
    m_woken = true;
  }
  m_wake.notify_all();
}

void PrintRunner::stop() {
  m_stop = true;
  wake();
  if (m_thread.joinable()) m_thread.join();
}

std::string_view to_string(PrintRunOutcome outcome) {
  switch (outcome) {
    case PrintRunOutcome::Done: return "done";
    case PrintRunOutcome::Cancelled: return "cancelled";
    case PrintRunOutcome::Stopped: return "stopped";
    case PrintRunOutcome::Retrying: return "retrying";
    case PrintRunOutcome::Failed: return "failed";
  }
  return "unknown";
}

std::filesystem::path queue_part_file(const std::filesystem::path& folder, std::int64_t job_id, int n) {
  return folder / (std::to_string(job_id) + "-" + std::to_string(n) + ".pdf");
}

void PrintRunner::run() {
  // Without a wake-up (a job queued by another process, a retry falling due), the queue is looked
  // at this often.
  constexpr auto kPoll = std::chrono::seconds(2);
  const std::string owner = new_runner_lease_owner();
  const PrintDestination destination{
      [this](std::int64_t job_id, const workflow::PrintJobPart& part) { return queue_part_file(m_folder, job_id, part.n); },
      true};
  PrintRunOptions options = m_options;
  if (options.drawing.processes > 0)
    options.drawing.arguments.insert(options.drawing.arguments.end(), {"--into-store", "-o", m_folder.string() + "/"});
  while (!m_stop) {
    break_dead_leases(*m_context.store, *m_context.clock);
    const workflow::Timestamp now = m_context.clock->now();
    auto claimed = m_context.store->claim_next_print_job({owner, now + options.lease}, now);
    if (!claimed) {
      log::background_failure(log::BackgroundTask::PrintQueue, "print_queue_claim_failed",
                              {{"error", claimed.error().describe()}});
    } else if (*claimed) {
      const PrintJob& job = **claimed;
      log::info("print_job_claimed", {{"job_id", job.id}, {"owner", owner}, {"failures", job.failures}});
      LeaseKeeper lease(*m_context.store, *m_context.clock, job.id, owner, options.lease);
      const auto started = std::chrono::steady_clock::now();
      const PrintRunOutcome outcome = run_claimed_print_job(m_context, job, lease, destination, options, {}, m_stop);
      log::info("print_job_run_ended",
                {{"job_id", job.id}, {"outcome", to_string(outcome)}, {"agreements", job.total},
                 {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()}});
      if (outcome == PrintRunOutcome::Stopped && !lease.lost()) {
        if (auto released = m_context.store->release_print_job(job.id, owner); !released)
          log::warn("print_job_not_released", {{"job_id", job.id}, {"error", released.error().describe()}});
      }
      continue;  // the next job, if one is ready
    } else if (help_with_parts(m_context, owner, destination, options, m_stop)) {
      continue;
    }
    std::unique_lock lock(m_mutex);
    m_wake.wait_for(lock, kPoll, [&] { return m_woken || m_stop.load(); });
    m_woken = false;
  }
}

}  // namespace sanfang::jobs
