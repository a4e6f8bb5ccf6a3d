// `sanfang doctor [--data DIR] [--db URL] [--config FILE]`: re-checks every agreement that carries
// a serial — its stored PDF is recorded, present, and its bytes still hash to the recorded sha256,
// and its content still passes the field rules (with the school block of --config, as the service
// prints it). On PostgreSQL it first checks the database itself: it answers, its schema version,
// the data folder's verification key against the fingerprint the database recorded, and that
// every blob has all of its chunks. Prints one line per problem and exits 1 if there is any, else
// a summary and 0. Read-only: a problem is reported, never repaired.
#include "cli/commands.h"
#include "cli/options.h"
#include "jobs/agreement_documents.h"
#include "store/pg/pg_examine.h"

#include <cstdio>
#include <filesystem>

namespace sanfang::cli {

namespace {

constexpr const char* kDoctorUsage = "usage: sanfang doctor [--data DIR] [--db URL] [--config FILE]\n";

int fail(const Error& error) {
  std::fprintf(stderr, "sanfang doctor: %s\n", error.describe().c_str());
  return 1;
}

// The shared database's own health; every problem is appended to `problems`.
Status examine_shared_database(const store::StoreLocation& location, std::vector<std::string>& problems) {
  const auto examination = TRY(store::pg::examine_database(location.db));
  std::printf("PostgreSQL: connected; schema version %d (this build: %d)\n", examination.schema_version,
              examination.expected_schema_version);
  const std::filesystem::path key_file = store::verification_key_file(location.data_dir);
  if (!std::filesystem::exists(key_file)) {
    problems.push_back("no verification key at " + key_file.string() + ": copy the instances' verification.key there");
  } else if (!examination.recorded_key) {
    std::printf("PostgreSQL: no verification key recorded yet (no instance has started on it)\n");
  } else {
    const auto key = TRY(core::VerificationKey::load_or_create(key_file));
    if (store::key_fingerprint(key) != *examination.recorded_key)
      problems.push_back("the verification key " + key_file.string() +
                         " differs from the key this database was started with (fingerprint " +
                         *examination.recorded_key + ")");
    else
      std::printf("PostgreSQL: verification key matches the database's\n");
  }
  for (const auto& sha256 : examination.incomplete_blobs)
    problems.push_back("blob " + sha256 + ": its chunks do not add up to its size");
  std::printf("PostgreSQL: %lld blob(s), %zu incomplete\n", static_cast<long long>(examination.blobs_checked),
              examination.incomplete_blobs.size());
  return {};
}

}  // namespace

int doctor_command(const std::vector<std::string>& raw_args) {
  auto args = parse_args(raw_args, with_store_options({"--config"}), {});
  if (!args || !args->positional.empty()) {
    if (!args) std::fprintf(stderr, "sanfang doctor: %s\n", args.error().describe().c_str());
    std::fputs(kDoctorUsage, stderr);
    return 2;
  }
  auto options = service_options(*args);
  if (!options) return fail(options.error());
  const store::StoreLocation location = store_location(*args, options->school_code);
  std::vector<std::string> problems;
  if (store::is_postgresql_url(location.db))
    if (auto examined = examine_shared_database(location, problems); !examined) return fail(examined.error());
  auto store = open_command_store(location, /*create=*/false);
  if (!store) return fail(store.error());
  auto codes = core::CodeLists::load(options->share_dir / "layouts" / "codes");
  if (!codes) return fail(codes.error());
  workflow::SchoolProfile school = options->school;
  school.code = options->school_code;
  auto audit = jobs::audit_signed_documents(**store, school, *codes);
  if (!audit) return fail(audit.error());
  for (const auto& problem : problems) std::printf("%s\n", problem.c_str());
  for (const auto& problem : audit->problems)
    std::printf("%s (agreement %lld): %s\n", problem.serial.c_str(), static_cast<long long>(problem.agreement_id),
                problem.problem.c_str());
  const std::size_t count = problems.size() + audit->problems.size();
  if (count > 0) {
    std::printf("%zu problem(s) in %d signed agreement(s)\n", count, audit->agreements_checked);
    return 1;
  }
  std::printf("%d signed agreement(s) checked: every document present and intact, every field valid\n",
              audit->agreements_checked);
  return 0;
}

}  // namespace sanfang::cli
