#include "jobs/print_runner.h"

#include "jobs/agreement_documents.h"
#include "jobs/print_output.h"
#include "store/private_files.h"

#include <cstdio>
#include <deque>
#include <future>
#include <map>
#include <optional>

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

// The separator sheet before each college's first agreement, keyed by that agreement's position.
Result<std::map<int, render::SeparatorSheet>> plan_separators(const PrintContext& context, const PrintJob& job) {
  std::map<int, workflow::SeparatorSummary> summaries;
  std::map<std::string, std::string> college_names;
  std::string college;
  int first = -1;
  for (int from = 0;;) {
    const auto items = TRY(context.store->print_items(job.id, from, kPlanningPage));
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
  std::vector<PrintPiece> prepare(std::vector<PrintItem> items, std::map<int, render::SeparatorSheet>& separators) {
    std::vector<PrintPiece> pieces;
    for (PrintItem& item : items) {
      PrintPiece piece;
      if (auto sheet = separators.find(item.position); sheet != separators.end()) {
        piece.separator = std::move(sheet->second);
        separators.erase(sheet);
      }
      auto document = make_document(item);
      if (document) piece.document = std::move(*document);
      else piece.failure = document.error().message;
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
    return agreement_document(agreement, m_context.school, name->second, *m_context.codes);
  }

  const PrintContext& m_context;
  std::map<std::string, std::string> m_college_names;
};

SliceResult draw_slice(JobStream& job, const std::vector<PrintPiece>& pieces, const std::vector<int>& copies) {
  SliceResult result;
  for (const PrintPiece& piece : pieces) {
    ++result.agreements;
    if (piece.separator) {
      if (auto drawn = job.stream->add_separator(*piece.separator); !drawn) {
        if (drawn.error().kind == ErrorKind::Io) {
          result.status = drawn.take_error();
          return result;
        }
        std::fprintf(stderr, "sanfang: separator sheet for %s not drawn: %s\n", piece.separator->heading.c_str(),
                     drawn.error().describe().c_str());
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

}  // namespace

Result<PrintRunOutcome> run_print_job(const PrintContext& context, const PrintJob& job,
                                      const std::filesystem::path& output, const PrintRunOptions& options,
                                      const std::function<void(int done, int total)>& progress,
                                      const std::atomic<bool>& stop) {
  store::Store& store = *context.store;
  if (auto started = store.start_print_job(job.id, context.clock->now()); !started) {
    if (started.error().kind == ErrorKind::Conflict) return PrintRunOutcome::Cancelled;
    return started.take_error();
  }
  auto fail = [&](Error error) -> Error {
    if (auto failed = store.fail_print_job(job.id, error.describe(), context.clock->now()); !failed)
      std::fprintf(stderr, "sanfang: print job %lld: %s\n", static_cast<long long>(job.id), failed.error().describe().c_str());
    return error;
  };

  std::map<int, render::SeparatorSheet> separators;
  if (job.request.separator_sheets) separators = TRY(plan_separators(context, job));

  auto shared = std::make_shared<JobStream>();
  if (auto created = PrintOutput::create(output); created) shared->output = std::move(*created);
  else return fail(created.take_error());

  RenderPool& pool = *context.renders;
  const int thread = pool.size() - 1;
  Status begun = on_render_thread<Status>(pool, thread, [shared, id = job.id](render::Renderer& renderer) -> Status {
    render::StreamOptions stream_options;
    stream_options.title_suffix = "打印任务 #" + std::to_string(id);
    stream_options.links = false;
    JobStream* raw = shared.get();
    auto stream = renderer.begin([raw](std::string_view bytes) { return !raw->abandoned && raw->output->write(bytes); },
                                 stream_options);
    if (!stream) return stream.take_error();
    shared->stream = std::move(*stream);
    return {};
  }).get();
  if (!begun) return fail(begun.take_error());
  std::optional<StreamCloser> closer(std::in_place, pool, thread, shared);

  PiecePreparer preparer(context);
  std::deque<std::future<SliceResult>> in_flight;
  int done = 0;
  auto last_report = SteadyClock::now();
  // Takes the oldest slice's result: failures recorded, progress counted.
  auto settle = [&]() -> Status {
    SliceResult result = in_flight.front().get();
    in_flight.pop_front();
    TRY(std::move(result.status));
    for (const auto& [item, message] : result.failures)
      TRY(store.record_print_failure(job.id, item, message, context.clock->now()));
    done += result.agreements;
    if (progress) progress(done, job.total);
    return {};
  };
  // Progress in the store, and whether someone cancelled the job meanwhile.
  auto report = [&]() -> Result<bool> {
    last_report = SteadyClock::now();
    TRY(store.record_print_progress(job.id, done));
    return TRY(store.print_job(job.id)).state == workflow::PrintJobState::Cancelled;
  };

  for (int next = 0; next < job.total;) {
    if (stop) return PrintRunOutcome::Stopped;
    auto items = TRY(store.print_items(job.id, next, options.slice));
    if (items.empty()) break;
    next = items.back().position + 1;
    auto pieces = std::make_shared<std::vector<PrintPiece>>(preparer.prepare(std::move(items), separators));
    in_flight.push_back(on_render_thread<SliceResult>(
        pool, thread, [shared, pieces, copies = job.request.copies](render::Renderer&) {
          return draw_slice(*shared, *pieces, copies);
        }));
    if (in_flight.size() >= kSlicesInFlight) {
      if (auto settled = settle(); !settled) return fail(settled.take_error());
    }
    if (SteadyClock::now() - last_report >= options.progress_interval && TRY(report())) return PrintRunOutcome::Cancelled;
  }
  while (!in_flight.empty()) {
    if (auto settled = settle(); !settled) return fail(settled.take_error());
  }
  if (stop) return PrintRunOutcome::Stopped;
  if (TRY(report())) return PrintRunOutcome::Cancelled;

  auto finished = on_render_thread<Result<int>>(pool, thread, [shared](render::Renderer&) -> Result<int> {
    TRY(shared->stream->finish());
    const int pages = shared->stream->pages();
    shared->stream.reset();
    return pages;
  }).get();
  closer.reset();
  if (!finished) return fail(finished.take_error());
  auto sha256 = shared->output->commit();
  if (!sha256) return fail(sha256.take_error());
  if (auto recorded = store.finish_print_job(job.id, *finished, shared->output->size(), *sha256, context.clock->now());
      !recorded) {
    std::error_code ignored;
    std::filesystem::remove(output, ignored);
    if (recorded.error().kind == ErrorKind::Conflict) return PrintRunOutcome::Cancelled;
    return recorded.take_error();
  }
  return PrintRunOutcome::Done;
}

PrintRunner::PrintRunner(PrintContext context, std::filesystem::path folder, PrintRunOptions options)
    : m_context(std::move(context)), m_folder(std::move(folder)), m_options(options) {}

Result<std::unique_ptr<PrintRunner>> PrintRunner::start(PrintContext context, std::filesystem::path folder,
                                                        PrintRunOptions options) {
  TRY(store::make_private_folder(folder));
  std::error_code ec;
  // Temporary files of jobs interrupted by a crash: those jobs start again from the beginning.
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(".") && name.find(".pdf.") != std::string::npos) std::filesystem::remove(entry.path(), ec);
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

std::filesystem::path PrintRunner::file_of(std::int64_t job_id) const {
  return m_folder / (std::to_string(job_id) + ".pdf");
}

void PrintRunner::run() {
  // Without a wake-up (a job queued by another process), the queue is looked at this often.
  constexpr auto kPoll = std::chrono::seconds(2);
  while (!m_stop) {
    auto jobs = m_context.store->unfinished_print_jobs(workflow::PrintJobOrigin::Service);
    if (!jobs) std::fprintf(stderr, "sanfang: print queue: %s\n", jobs.error().describe().c_str());
    for (const PrintJob& job : jobs ? *jobs : std::vector<PrintJob>{}) {
      if (m_stop) return;
      auto outcome = run_print_job(m_context, job, file_of(job.id), m_options, {}, m_stop);
      if (!outcome)
        std::fprintf(stderr, "sanfang: print job %lld: %s\n", static_cast<long long>(job.id),
                     outcome.error().describe().c_str());
    }
    std::unique_lock lock(m_mutex);
    m_wake.wait_for(lock, kPoll, [&] { return m_woken || m_stop.load(); });
    m_woken = false;
  }
}

}  // namespace sanfang::jobs
