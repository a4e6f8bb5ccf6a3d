// `sanfang import FILE.csv [--data DIR] [--db URL]`: the student import of POST /api/v1/admin/students/import
// from the command line (the same module), for the first load before anyone can log in.
#include "app/student_import.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "cli/resources.h"
#include "jobs/agreement_documents.h"
#include "workflow/clock.h"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace sanfang::cli {

namespace {

constexpr const char* kImportUsage = "usage: sanfang import FILE.csv [--data DIR] [--db URL]\n";

}  // namespace

int import_command(const std::vector<std::string>& args) {
  auto parsed = parse_args(args, with_store_options({}), {});
  if (!parsed || parsed->positional.size() != 1) {
    if (!parsed) std::fprintf(stderr, "sanfang import: %s\n", parsed.error().describe().c_str());
    std::fputs(kImportUsage, stderr);
    return 2;
  }
  const std::string& file = parsed->positional[0];
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "sanfang import: cannot read %s\n", file.c_str());
    return 1;
  }
  std::ostringstream csv;
  csv << in.rdbuf();

  // The first load may start the store: a new data folder's database is created here.
  auto store = open_command_store(store_location(*parsed), /*create=*/true);
  if (!store) {
    std::fprintf(stderr, "sanfang import: %s\n", store.error().describe().c_str());
    return 1;
  }
  // The printed columns are checked against the fonts and the layout, as the service does.
  auto resources = load_resources(*parsed);
  if (!resources) {
    std::fprintf(stderr, "sanfang import: %s\n", resources.error().describe().c_str());
    return 1;
  }
  auto renders = jobs::RenderPool::create(resources->fonts, resources->layout, {}, {1});
  if (!renders) {
    std::fprintf(stderr, "sanfang import: %s\n", renders.error().describe().c_str());
    return 1;
  }
  const jobs::RendererPrintCheck print(**renders);
  const workflow::SystemClock clock;
  auto report = app::import_students_csv(**store, csv.str(), clock.now(), *resources->codes, print);
  if (!report) {
    std::fprintf(stderr, "sanfang import: %s: %s\n", file.c_str(), report.error().describe().c_str());
    return 1;
  }
  std::printf("imported %d, updated %d, failed %zu\n", report->imported, report->updated,
              report->errors.size());
  for (const auto& error : report->errors)
    std::printf("line %d: %s: %s\n", error.line, error.field.c_str(), error.detail.c_str());
  return report->errors.empty() ? 0 : 1;
}

}  // namespace sanfang::cli
