#include "cli/commands.h"
#include "cli/resources.h"
#include "core/validate.h"
#include "jobs/drawing_processes.h"
#include "render/document.h"
#include "render/renderer.h"

#include <nlohmann/json.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

namespace sanfang::cli {

namespace {

using Clock = std::chrono::steady_clock;

double elapsed_ms(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// N distinct signed agreements from samples/typical.json: serials 1..N, names varied so the
// batch uses a realistic spread of glyphs.
Result<std::vector<render::AgreementDocument>> make_agreements(int count, const core::CodeLists& codes) {
  std::ifstream in(share_dir() / "samples" / "typical.json");
  if (!in) return Error::make(ErrorKind::Io, "samples/typical.json not found");
  nlohmann::json base = nlohmann::json::parse(in, nullptr, false);
  static const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱"};
  static const char* kGiven[] = {"伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "涛", "明", "超"};
  std::vector<render::AgreementDocument> docs;
  for (int i = 0; i < count; ++i) {
    nlohmann::json input = base;
    input["serial"] = TRY(core::make_serial("10731", 2026, i + 1));
    input["student"]["name"] = std::string(kSurnames[i % 14]) + kGiven[(i / 14) % 14] + kGiven[(i / 196) % 14];
    input["student"]["student_no"] = "2201" + std::to_string(10000000 + i);
    docs.push_back(TRY(render::make_document(input, codes)));
  }
  return docs;
}

// Agreements [from, to) of `count` for share `share` of `shares`: what one part draws.
std::pair<std::size_t, std::size_t> share_of(std::size_t count, int share, int shares) {
  return {count * static_cast<std::size_t>(share) / static_cast<std::size_t>(shares),
          count * static_cast<std::size_t>(share + 1) / static_cast<std::size_t>(shares)};
}

// `--share I/N`: "I/N" with 0 <= I < N <= 64.
std::optional<std::pair<int, int>> parse_share(const std::string& text) {
  int share = -1, shares = 0;
  char slash = 0, rest = 0;
  if (std::sscanf(text.c_str(), "%d%c%d%c", &share, &slash, &shares, &rest) != 3 || slash != '/') return std::nullopt;
  if (shares < 1 || shares > 64 || share < 0 || share >= shares) return std::nullopt;
  return std::pair{share, shares};
}

}  // namespace

int bench_command(const std::vector<std::string>& raw_args) {
  auto parsed = parse_args(raw_args, {"--agreements", "--runs", "--layout", "--fonts", "--share"}, {});
  if (!parsed) {
    std::fprintf(stderr, "sanfang bench: %s\n", parsed.error().describe().c_str());
    return 2;
  }
  auto batch_size = parsed->get_int("--agreements", 1000);
  auto runs = parsed->get_int("--runs", 5);
  if (!batch_size || !runs || *batch_size < 1 || *runs < 1) {
    std::fputs("sanfang bench: --agreements and --runs take positive whole numbers\n", stderr);
    return 2;
  }
  auto fail = [](const Error& e) {
    std::fprintf(stderr, "sanfang bench: %s\n", e.describe().c_str());
    return 1;
  };

  auto start = Clock::now();
  auto resources = load_resources(*parsed);
  if (!resources) return fail(resources.error());
  render::RenderOptions options;
  options.key = core::VerificationKey::from_bytes({});
  auto renderer = render::Renderer::create(resources->fonts, resources->layout, options);
  if (!renderer) return fail(renderer.error());
  const double startup_ms = elapsed_ms(start);
  auto docs = make_agreements(*batch_size, *resources->codes);
  if (!docs) return fail(docs.error());
  // `--share I/N`: one process of the parted job in processes below; it draws its share into a
  // PDF of its own and says nothing.
  if (parsed->has("--share")) {
    const auto share = parse_share(parsed->get("--share"));
    if (!share) return fail(Error::invalid("--share", "expects I/N with 0 <= I < N <= 64"));
    const auto [from, to] = share_of(docs->size(), share->first, share->second);
    auto status = (*renderer)->render(std::span(docs->data() + from, to - from), [](std::string_view) { return true; },
                                      render::StreamOptions::for_print(""));
    return status ? 0 : fail(status.error());
  }

  std::vector<double> single_ms;
  std::size_t single_bytes = 0;
  const int single_runs = std::max(*runs * 10, 20);
  for (int i = 0; i < single_runs; ++i) {
    // A different agreement each time, as downloads come: no run reuses the glyphs and text of
    // the one before.
    const std::size_t which = static_cast<std::size_t>(i) % docs->size();
    start = Clock::now();
    auto pdf = (*renderer)->render_to_string(std::span(docs->data() + which, 1));
    single_ms.push_back(elapsed_ms(start));
    if (!pdf) return fail(pdf.error());
    single_bytes = pdf->size();
  }

  std::vector<double> batch_ms;
  std::size_t batch_bytes = 0;
  for (int i = 0; i < *runs; ++i) {
    batch_bytes = 0;
    start = Clock::now();
    auto status = (*renderer)->render(
        *docs,
        [&](std::string_view bytes) {
          batch_bytes += bytes.size();
          return true;
        },
        render::StreamOptions::for_print(""));
    batch_ms.push_back(elapsed_ms(start));
    if (!status) return fail(status.error());
  }

  // The same agreements as a job in parts on a render thread per core, as the service draws them
  // with `print_processes` 0: one renderer per thread (as the render pool has), each drawing its
  // share into a PDF of its own at the same time. The figure in processes follows. At least two
  // threads, so that drawing side by side is exercised on any machine.
  const int cores = static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  std::vector<std::unique_ptr<render::Renderer>> part_renderers;
  part_renderers.push_back(std::move(*renderer));
  for (int i = 1; i < cores; ++i) {
    auto another = render::Renderer::create(resources->fonts, resources->layout, options);
    if (!another) return fail(another.error());
    part_renderers.push_back(std::move(*another));
  }
  std::vector<double> parted_ms;
  std::size_t parted_bytes = 0;
  for (int i = 0; i < *runs; ++i) {
    std::vector<std::size_t> bytes(static_cast<std::size_t>(cores), 0);
    std::vector<Status> statuses(static_cast<std::size_t>(cores));
    start = Clock::now();
    std::vector<std::thread> threads;
    for (int part = 0; part < cores; ++part) {
      threads.emplace_back([&, part] {
        const auto [from, to] = share_of(docs->size(), part, cores);
        if (from == to) return;
        const auto index = static_cast<std::size_t>(part);
        statuses[index] = part_renderers[index]->render(
            std::span(docs->data() + from, to - from),
            [&](std::string_view chunk) {
              bytes[index] += chunk.size();
              return true;
            },
            render::StreamOptions::for_print(""));
      });
    }
    for (std::thread& thread : threads) thread.join();
    parted_ms.push_back(elapsed_ms(start));
    for (Status& status : statuses)
      if (!status) return fail(status.error());
    parted_bytes = 0;
    for (std::size_t part_bytes : bytes) parted_bytes += part_bytes;
  }

  // The same parts in a process each, as `sanfang batch -o DIR/` and the print queue draw them
  // (jobs/drawing_processes.h): each process starts up (fonts, layout, the agreements) and draws
  // its share into a PDF of its own; the figure is the wall time until the last one ends.
  std::vector<double> processes_ms;
  for (int i = 0; i < *runs; ++i) {
    start = Clock::now();
    std::vector<std::unique_ptr<jobs::DrawingProcesses>> processes;
    for (int part = 0; part < cores; ++part) {
      std::vector<std::string> arguments{"bench", "--agreements", std::to_string(*batch_size), "--share",
                                         std::to_string(part) + "/" + std::to_string(cores)};
      parsed->pass_on({"--layout", "--fonts"}, arguments);
      auto started = jobs::DrawingProcesses::start(1, arguments);
      if (!started) return fail(started.error());
      processes.push_back(std::move(*started));
    }
    int ended_badly = 0;
    for (auto& process : processes) {
      process->wait();
      ended_badly += process->ended_badly();
    }
    processes_ms.push_back(elapsed_ms(start));
    if (ended_badly > 0) return fail(Error::make(ErrorKind::Internal, "a drawing process of the bench ended badly"));
  }

  const double n = *batch_size;
  std::printf("sanfang render benchmark (fonts loaded once, %d distinct agreements)\n", *batch_size);
  std::printf("  start-up (fonts, layout, static art):   %8.1f ms\n", startup_ms);
  std::printf("  one agreement (its own PDF), median of %d: %6.2f ms   %7.1f KB\n", single_runs, median(single_ms),
              single_bytes / 1024.0);
  std::printf("  %d agreements in one print file, median of %d: %8.1f ms   %7.1f KB\n", *batch_size, *runs, median(batch_ms),
              batch_bytes / 1024.0);
  std::printf("  per agreement in the batch:             %8.2f ms   %7.1f KB\n", median(batch_ms) / n,
              batch_bytes / 1024.0 / n);
  std::printf("  in %d parts on %d render threads, median of %d: %8.1f ms   %7.1f KB\n", cores, cores, *runs,
              median(parted_ms), parted_bytes / 1024.0);
  std::printf("  per agreement in parts (wall):          %8.2f ms\n", median(parted_ms) / n);
  std::printf("  in %d parts in %d processes, each starting up, median of %d: %8.1f ms\n", cores, cores, *runs,
              median(processes_ms));
  std::printf("  per agreement in processes (wall):      %8.2f ms\n", median(processes_ms) / n);
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("  peak RSS:                               %8.1f MB\n", usage.ru_maxrss / 1024.0);
  return 0;
}

}  // namespace sanfang::cli
