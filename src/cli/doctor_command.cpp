// `sanfang doctor [--data DIR] [--config FILE]`: re-checks every agreement that carries a serial —
// its stored PDF is recorded, present, and its bytes still hash to the recorded sha256, and its
// content still passes the field rules (with the school block of --config, as the service prints
// it). Prints one line per problem (serial, what is wrong) and exits 1 if there is any, else a
// summary and 0. Read-only: a problem is reported, never repaired.
#include "cli/commands.h"
#include "cli/options.h"
#include "jobs/agreement_documents.h"
#include "store/sqlite_store.h"

#include <cstdio>
#include <filesystem>

namespace sanfang::cli {

namespace {

constexpr const char* kDoctorUsage = "usage: sanfang doctor [--data DIR] [--config FILE]\n";

}  // namespace

int doctor_command(const std::vector<std::string>& raw_args) {
  auto args = parse_args(raw_args, {"--data", "--config"}, {});
  if (!args || !args->positional.empty()) {
    if (!args) std::fprintf(stderr, "sanfang doctor: %s\n", args.error().describe().c_str());
    std::fputs(kDoctorUsage, stderr);
    return 2;
  }
  auto options = service_options(*args);
  if (!options) {
    std::fprintf(stderr, "sanfang doctor: %s\n", options.error().describe().c_str());
    return 1;
  }
  // Opening a store creates a missing data folder; a check of nothing must say so instead.
  if (!std::filesystem::exists(store::SqliteStore::database_path(options->data_dir))) {
    std::fprintf(stderr, "sanfang doctor: no database in %s\n", options->data_dir.c_str());
    return 1;
  }
  store::SqliteStoreOptions store_options;
  store_options.data_dir = options->data_dir;
  store_options.school_code = options->school_code;
  auto store = store::SqliteStore::open(store_options);
  if (!store) {
    std::fprintf(stderr, "sanfang doctor: %s\n", store.error().describe().c_str());
    return 1;
  }
  auto codes = core::CodeLists::load(options->share_dir / "layouts" / "codes");
  if (!codes) {
    std::fprintf(stderr, "sanfang doctor: %s\n", codes.error().describe().c_str());
    return 1;
  }
  workflow::SchoolProfile school = options->school;
  school.code = options->school_code;
  auto audit = jobs::audit_signed_documents(**store, school, *codes);
  if (!audit) {
    std::fprintf(stderr, "sanfang doctor: %s\n", audit.error().describe().c_str());
    return 1;
  }
  for (const auto& problem : audit->problems)
    std::printf("%s (agreement %lld): %s\n", problem.serial.c_str(), static_cast<long long>(problem.agreement_id),
                problem.problem.c_str());
  if (!audit->problems.empty()) {
    std::printf("%zu problem(s) in %d signed agreement(s)\n", audit->problems.size(), audit->agreements_checked);
    return 1;
  }
  std::printf("%d signed agreement(s) checked: every document present and intact, every field valid\n",
              audit->agreements_checked);
  return 0;
}

}  // namespace sanfang::cli
