// `sanfang batch`: the print room's batch from the command line (SPEC "Running it") — the same
// job as POST /api/v1/print-jobs, run in this process with a progress bar and written to -o: one
// file (`-o OUT.pdf`, drawn on one core), or a folder (`-o DIR/`) holding the job's parts — one per
// college, a large college split — drawn on every core, with a manifest.json listing each file
// with its agreements, serial range and sha256.
// The job and its print records are stored like the service's, so reprints are counted across
// both; Ctrl-C cancels the job cleanly (records voided, no file). The job is run under this
// process's lease, so that a batch killed with -9 leaves a job that is recognisably orphaned and
// is finished by the service or by `sanfang batch --resume ID` under the same records.
#include "app/print_jobs.h"
#include "cli/commands.h"
#include "cli/progress.h"
#include "cli/resources.h"
#include "core/atomic_file.h"
#include "core/log.h"
#include "jobs/agreement_documents.h"
#include "jobs/print_runner.h"
#include "workflow/print_job.h"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <thread>

namespace sanfang::cli {

namespace {

constexpr const char* kUsage =
    "usage: sanfang batch [--data DIR] [--db URL] [--college CODE] [--major NAME] [--signed-from YYYY-MM-DD]\n"
    "                     [--signed-to YYYY-MM-DD] [--serials S1,S2,...] [--copies 1,2,3] [--separators]\n"
    "                     [--operator NAME] [--threads N] [--config FILE] [--public-base URL] -o OUT.pdf|DIR/\n"
    "       sanfang batch [--data DIR] [--db URL] --resume JOB_ID [--threads N] [--config FILE] [--public-base URL]\n"
    "                     -o OUT.pdf|DIR/\n"
    "       sanfang batch [--data DIR] [--db URL] --draw-parts-of JOB_ID [--into-store] [--config FILE]\n"
    "                     [--public-base URL] -o DIR/\n"
    "                     (a drawing process: what a batch into a folder, or the service's print queue\n"
    "                     with --into-store, starts on each of its other cores)\n";

// A drawing process of `sanfang batch -o DIR/` or of the service's print queue (--into-store).
constexpr const char* kDrawingProcessFlag = "--into-store";

// The options that describe a new job: a resumed job keeps the request it was created with.
constexpr const char* kRequestOptions[] = {"--college", "--major", "--signed-from", "--signed-to",
                                           "--serials", "--copies", "--separators", "--operator"};

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ',');) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

// The request as given; app::queue_print_job() checks it against the layout's copies.
Result<workflow::PrintRequest> request_from(const ParsedArgs& args) {
  workflow::PrintRequest request;
  if (args.has("--college")) request.college = args.get("--college");
  if (args.has("--major")) request.major = args.get("--major");
  if (args.has("--signed-from"))
    request.signed_from = TRY(workflow::parse_calendar_date(args.get("--signed-from"), "--signed-from"));
  if (args.has("--signed-to")) request.signed_to = TRY(workflow::parse_calendar_date(args.get("--signed-to"), "--signed-to"));
  request.serials = split_commas(args.get("--serials"));
  for (const std::string& copy : split_commas(args.get("--copies"))) {
    try {
      std::size_t used = 0;
      request.copies.push_back(std::stoi(copy, &used));
      if (used != copy.size()) throw std::invalid_argument(copy);
    } catch (const std::exception&) {
      return Error::invalid("--copies", "expects copy numbers such as 1,2,3");
    }
  }
  request.separator_sheets = args.has("--separators");
  return request;
}

// Ctrl-C or SIGTERM asks the job to stop at its next slice.
void watch_for_interrupt(std::atomic<bool>& stop) {
  std::thread([&stop] {
    wait_for_termination_signal();
    stop = true;
  }).detach();
}

// Peak memory of this process, and of its largest drawing process (0 without any).
double peak_rss_mb(int who = RUSAGE_SELF) {
  rusage usage{};
  getrusage(who, &usage);
  return usage.ru_maxrss / 1024.0;
}

int fail(const Error& e) {
  std::fprintf(stderr, "sanfang batch: %s\n", e.describe().c_str());
  return 1;
}

// -o names a folder for the parts when it ends with '/' or is an existing folder.
bool names_folder(const std::string& output) {
  std::error_code ec;
  return output.ends_with('/') || std::filesystem::is_directory(output, ec);
}

// The folder a path names, without trailing slashes ("out/" → "out").
std::filesystem::path without_trailing_slashes(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

// The output's folder must exist before a job is created for it: a typo changes nothing. A
// folder of parts may be new when its parent exists (it is made once the job is).
Status check_output(const std::filesystem::path& output, bool folder_of_parts) {
  std::error_code ec;
  if (folder_of_parts) {
    const std::filesystem::path folder = without_trailing_slashes(output.string());
    const std::filesystem::path parent = folder.parent_path().empty() ? std::filesystem::path(".") : folder.parent_path();
    if (std::filesystem::exists(folder, ec) && !std::filesystem::is_directory(folder, ec))
      return Error::invalid("-o", output.string() + " is not a folder");
    if (!std::filesystem::is_directory(folder, ec) && !std::filesystem::is_directory(parent, ec))
      return Error::invalid("-o", parent.string() + " is not a folder");
    return {};
  }
  const std::filesystem::path folder = output.parent_path().empty() ? std::filesystem::path(".") : output.parent_path();
  if (!std::filesystem::is_directory(folder, ec)) return Error::invalid("-o", folder.string() + " is not a folder");
  return {};
}

// "part-003-CS.pdf": the part's number, then its college when it has one (letters and digits only).
std::string part_file_name(const workflow::PrintJobPart& part) {
  char number[16];
  std::snprintf(number, sizeof number, "part-%03d", part.n);
  std::string name = number;
  std::string college;
  for (char c : part.college_code)
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') college += c;
  if (!college.empty()) name += "-" + college;
  return name + ".pdf";
}

// DIR/manifest.json: what each part file holds, for the print room's checklist.
Status write_manifest(store::Store& store, const workflow::PrintJob& job, const std::filesystem::path& folder) {
  nlohmann::json parts = nlohmann::json::array();
  for (const workflow::PrintJobPart& part : job.parts) {
    const auto first = TRY(store.print_items(job.id, part.first_position, 1));
    const auto last = TRY(store.print_items(job.id, part.first_position + part.agreements - 1, 1));
    parts.push_back({{"n", part.n},
                     {"file", part_file_name(part)},
                     {"college", part.college_code},
                     {"agreements", part.agreements},
                     {"pages", part.pages},
                     {"bytes", part.file_size},
                     {"sha256", part.sha256},
                     {"first_serial", first.empty() ? "" : first.front().serial},
                     {"last_serial", last.empty() ? "" : last.front().serial}});
  }
  const nlohmann::json manifest = {{"job", job.id},
                                   {"agreements", job.total},
                                   {"pages", job.pages},
                                   {"request", workflow::print_request_json(job.request)},
                                   {"parts", parts}};
  core::AtomicFile file = TRY(core::AtomicFile::create(folder / "manifest.json"));
  if (!file.write(manifest.dump(2) + "\n")) return Error::make(ErrorKind::Io, "cannot write manifest.json");
  return file.commit();
}

// Waits until the job's retry falls due, or until Ctrl-C; true when it is due.
bool wait_for_retry(store::Store& store, const workflow::Clock& clock, std::int64_t job_id, const std::atomic<bool>& stop) {
  auto job = store.print_job(job_id);
  if (!job || !job->retry_at) return !stop;
  while (!stop && clock.now() < *job->retry_at) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  return !stop;
}

// The drawing processes of a batch into `folder`: one on each core but this one
// (jobs/drawing_processes.h).
jobs::DrawingProcessCommand drawing_processes_into(const ParsedArgs& args, const std::filesystem::path& folder, int cores) {
  jobs::DrawingProcessCommand command{{"batch", "-o", folder.string() + "/"}, cores - 1};
  // Where the store is and how to render.
  args.pass_on({"--data", "--db", "--config", "--public-base", "--layout", "--fonts"}, command.arguments);
  return command;
}

// What drawing needs, in the batch and in its drawing processes alike: the store, and one render
// thread (the other cores draw in processes of their own, drawing_processes.h).
struct DrawingSetup {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<jobs::RenderPool> pool;
};

Result<DrawingSetup> open_for_drawing(const ParsedArgs& args, const api::ServiceOptions& options,
                                      const Resources& resources) {
  DrawingSetup setup;
  setup.store = TRY(open_command_store(store_location(args, options.school_code), /*create=*/false));
  // The QR codes printed here must verify on every instance of a shared database, and point
  // where the service answers: the same base as `sanfang serve`.
  render::RenderOptions render_options;
  render_options.key = TRY(store::load_checked_key(*setup.store, options.data_dir));
  render_options.public_base_url = options.public_base.empty()
                                       ? "http://" + options.host + ":" + std::to_string(options.port)
                                       : options.public_base;
  block_termination_signals();  // before the render thread starts: only the watcher sees them
  setup.pool = TRY(jobs::RenderPool::create(resources.fonts, resources.layout, render_options, {1}));
  return setup;
}

// `--draw-parts-of JOB`: one drawing process (jobs/drawing_processes.h). It helps only while the
// process that started it — a batch, or a service's print queue — runs the job, and stops with it.
int draw_parts_of(const ParsedArgs& args) {
  // The runner dying (even with -9) stops this process too; its part is drawn again by whoever
  // runs the job next.
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  log::set_min_level(log::Level::Warn);  // the runner speaks for the job
  auto job_id = args.get_int("--draw-parts-of", 0);
  if (!job_id || *job_id <= 0 || !args.has("-o")) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const std::filesystem::path folder = without_trailing_slashes(args.get("-o"));
  auto options = service_options(args);
  if (!options) return fail(options.error());
  auto resources = load_resources(args);
  if (!resources) return fail(resources.error());
  auto drawing = open_for_drawing(args, *options, *resources);
  if (!drawing) return fail(drawing.error());
  auto job = drawing->store->print_job(*job_id);
  if (!job) return fail(job.error());
  if (!jobs::lease_owner_is_parent_process(job->lease_owner))
    return fail(Error::invalid("--draw-parts-of", "job " + std::to_string(*job_id) + " is not run by the process that started this one"));
  std::atomic<bool> stop{false};
  watch_for_interrupt(stop);
  workflow::SystemClock clock;
  workflow::SchoolProfile school = options->school;
  school.code = options->school_code;
  const jobs::PrintContext context{drawing->store.get(), &clock, resources->codes, school, drawing->pool.get()};
  // The runner's own destination: the queue's files become blobs in the store.
  const bool into_store = args.has(kDrawingProcessFlag);
  const jobs::PrintDestination destination{[&](std::int64_t id, const workflow::PrintJobPart& part) {
                                             return into_store ? jobs::queue_part_file(folder, id, part.n)
                                                               : folder / part_file_name(part);
                                           },
                                           into_store};
  jobs::help_with_parts(context, jobs::new_runner_lease_owner(), destination, jobs::PrintRunOptions{}, stop, *job_id);
  return 0;
}

}  // namespace

int batch_command(const std::vector<std::string>& raw_args) {
  auto args = parse_args(raw_args,
                         with_store_options({"-o", "--college", "--major", "--signed-from", "--signed-to", "--serials", "--copies",
                          "--operator", "--threads", "--config", "--public-base", "--layout", "--fonts", "--resume",
                          "--draw-parts-of"}),
                         {"--separators", kDrawingProcessFlag});
  if (!args || !args->positional.empty() || !args->has("-o")) {
    if (!args) std::fprintf(stderr, "sanfang batch: %s\n", args.error().describe().c_str());
    std::fputs(kUsage, stderr);
    return 2;
  }
  if (args->has("--draw-parts-of")) return draw_parts_of(*args);
  if (args->has(kDrawingProcessFlag)) {
    std::fprintf(stderr, "sanfang batch: %s is for drawing processes only (--draw-parts-of)\n", kDrawingProcessFlag);
    return 2;
  }
  const bool resume = args->has("--resume");
  if (resume) {
    for (const char* option : kRequestOptions) {
      if (args->has(option)) {
        std::fprintf(stderr, "sanfang batch: %s cannot be given with --resume: the job keeps its request\n", option);
        return 2;
      }
    }
  }
  auto resume_id = args->get_int("--resume", 0);
  if (!resume_id || (resume && *resume_id <= 0)) {
    std::fputs("sanfang batch: --resume takes the number of a print job\n", stderr);
    return 2;
  }
  auto threads = args->get_int("--threads", 0);
  if (!threads || *threads < 0 || *threads > 64) {
    std::fputs("sanfang batch: --threads takes a whole number from 1 to 64\n", stderr);
    return 2;
  }
  const std::filesystem::path output = args->get("-o");
  const bool folder_of_parts = names_folder(args->get("-o"));
  if (auto checked = check_output(output, folder_of_parts); !checked) return fail(checked.error());
  auto options = service_options(*args);
  if (!options) return fail(options.error());
  auto resources = load_resources(*args);
  if (!resources) return fail(resources.error());
  std::optional<workflow::PrintRequest> request;
  if (!resume) {
    auto parsed = request_from(*args);
    if (!parsed) return fail(parsed.error());
    request = std::move(*parsed);
    request->one_file = !folder_of_parts;
  }

  auto drawing = open_for_drawing(*args, *options, *resources);
  if (!drawing) return fail(drawing.error());
  store::Store& store = *drawing->store;
  const int cores = *threads > 0 ? *threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

  const char* user = std::getenv("USER");
  store::PrintOperator by{0, args->get("--operator", std::string("命令行 ") + (user ? user : "")), workflow::Role::Print};
  workflow::SystemClock clock;
  const workflow::WorkflowOptions workflow_options;
  const jobs::RendererPrintCheck print_check(*drawing->pool);
  std::vector<int> copy_numbers;
  for (const auto& copy : resources->layout->copies) copy_numbers.push_back(copy.number);
  app::Context use_cases{store, clock, workflow_options, *resources->codes, print_check};
  use_cases.copy_numbers = copy_numbers;
  jobs::PrintRunOptions run_options;
  if (folder_of_parts) run_options.drawing = drawing_processes_into(*args, without_trailing_slashes(output.string()), cores);
  const std::string owner = jobs::this_process_lease_owner();
  std::int64_t job_id = *resume_id;
  if (resume) {
    auto existing = store.print_job(job_id);
    if (!existing) return fail(existing.error());
    if (existing->parts.size() > 1 && !folder_of_parts)
      return fail(Error::invalid("-o", "job " + std::to_string(job_id) + " is in " +
                                           std::to_string(existing->parts.size()) + " parts: give a folder, -o DIR/"));
    // A batch killed on this machine need not wait for its lease to run out.
    if (!existing->lease_owner.empty() && jobs::lease_owner_is_dead(existing->lease_owner))
      if (auto broken = store.break_print_lease(job_id, existing->lease_owner, clock.now()); !broken)
        return fail(broken.error());
  } else {
    auto created = app::queue_print_job(use_cases, workflow::PrintJobOrigin::Cli, by, std::move(*request));
    if (!created) return fail(created.error());
    job_id = created->id;
  }
  if (folder_of_parts) {
    std::error_code made;
    std::filesystem::create_directory(output, made);
    if (made) return fail(Error::make(ErrorKind::Io, "cannot make " + output.string() + ": " + made.message(), "-o"));
  }
  auto claim = [&] { return store.claim_print_job(job_id, {owner, clock.now() + run_options.lease}, clock.now()); };
  auto job = claim();
  if (!job) return fail(job.error());

  std::atomic<bool> stop{false};
  watch_for_interrupt(stop);
  workflow::SchoolProfile school = options->school;
  school.code = options->school_code;
  const jobs::PrintContext context{&store, &clock, resources->codes, school, drawing->pool.get()};
  Progress progress("batch #" + std::to_string(job->id), job->total, isatty(STDERR_FILENO) == 1);
  const auto started = std::chrono::steady_clock::now();
  jobs::PrintRunOutcome outcome;
  bool lease_lost = false;
  {
    jobs::LeaseKeeper lease(store, clock, job_id, owner, run_options.lease);
    for (;;) {
      const jobs::PrintDestination destination{[&](std::int64_t, const workflow::PrintJobPart& part) {
                                                 return folder_of_parts ? output / part_file_name(part) : output;
                                               },
                                               false};
      outcome = jobs::run_claimed_print_job(context, *job, lease, destination, run_options,
                                            [&](int done, int) { progress.update(done); }, stop);
      if (outcome != jobs::PrintRunOutcome::Retrying) break;
      std::fprintf(stderr, "\nsanfang batch: job %lld failed for now; it is tried again\n", static_cast<long long>(job_id));
      if (!wait_for_retry(store, clock, job_id, stop)) {
        outcome = jobs::PrintRunOutcome::Stopped;
        break;
      }
      job = claim();
      if (!job) return fail(job.error());
    }
    lease_lost = lease.lost();
  }
  if (outcome == jobs::PrintRunOutcome::Stopped && lease_lost) {
    std::fprintf(stderr, "\nsanfang batch: job %lld was taken over by another runner; nothing written here\n",
                 static_cast<long long>(job_id));
    return 1;
  }
  if (outcome == jobs::PrintRunOutcome::Stopped || outcome == jobs::PrintRunOutcome::Cancelled) {
    if (outcome == jobs::PrintRunOutcome::Stopped) (void)store.cancel_print_job(job_id, by, clock.now());
    std::fprintf(stderr, "\nsanfang batch: job %lld cancelled; nothing written\n", static_cast<long long>(job_id));
    return 1;
  }
  auto finished = store.print_job(job_id);
  if (!finished) return fail(finished.error());
  if (outcome == jobs::PrintRunOutcome::Failed) {
    std::fprintf(stderr, "\nsanfang batch: job %lld failed: %s; nothing written\n", static_cast<long long>(job_id),
                 finished->last_error.c_str());
    return 1;
  }
  if (folder_of_parts)
    if (auto written = write_manifest(store, *finished, output); !written) return fail(written.error());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  progress.finish(finished->total);
  std::string memory = std::to_string(std::lround(peak_rss_mb())) + " MB";
  // The larger of a drawing process's own peak and the batch's size when it was started (Linux
  // counts the address space a posix_spawn child shared until exec); they are started before the
  // batch draws, so the figure is the drawing process's (52 MB measured from /proc at 1,000).
  if (const double drawing = peak_rss_mb(RUSAGE_CHILDREN); drawing > 0)
    memory += " (and " + std::to_string(std::lround(drawing)) + " MB per drawing process)";
  std::printf("sanfang batch: job %lld: %d agreements, %d pages, %.1f MB in %zu file%s in %s in %.1f s (%.1f ms per "
              "agreement), peak memory %s\n",
              static_cast<long long>(finished->id), finished->total, finished->pages, finished->file_size / 1048576.0,
              finished->parts.size(), finished->parts.size() == 1 ? "" : "s", output.c_str(), seconds,
              seconds * 1000 / finished->total, memory.c_str());
  for (const auto& error : finished->errors)
    std::fprintf(stderr, "sanfang batch: not printed: %s: %s\n", error.serial.c_str(), error.message.c_str());
  return finished->errors.empty() ? 0 : 1;
}

}  // namespace sanfang::cli
