#include "cli/commands.h"

#include <clocale>
#include <cstdio>
#include <string>
#include <vector>

namespace {

constexpr const char* kUsage = R"(usage: sanfang <command> [options]

commands:
  render IN.json [IN2.json ...] -o OUT.pdf [--png OUT.png --page N] [--dpi D]
         [--layout FILE] [--fonts DIR] [--data DIR | --key FILE] [--public-base URL]
                 render agreements (render input JSON) into one print-ready PDF
  serve [--data DIR] [--listen HOST:PORT] [--config FILE] [--public-base URL]
                 the HTTP service (SQLite in DIR, default ./data; 127.0.0.1:8080)
  demo [--data DIR] [--no-serve] [--listen HOST:PORT]
                 a fresh data folder with sample data in every state, then serves it
  audit verify [--data DIR]
                 check the hash chain of the audit log; names the first broken link
  doctor [--data DIR] [--config FILE]
                 re-check every signed agreement: stored PDF present and matching its hash,
                 content passing the field rules; lists each problem and exits 1 if any
  batch [--data DIR] [--college CODE] [--major NAME] [--signed-from DATE] [--signed-to DATE]
        [--serials S1,S2,...] [--copies 1,2,3] [--separators] [--threads N] -o OUT.pdf
                 the print room's batch: signed agreements in print order (college, major,
                 student number) into one PDF, with a progress bar; records every copy printed
  bench-seed --data DIR --agreements N
                 a new data folder with N signed agreements, for benchmarks and load tests
  backup [--data DIR] -o FILE
                 a consistent archive (tar) of a data folder while the service runs: database
                 snapshot, signed PDFs and attachments, secrets, manifest; keep it safe
  restore FILE --data NEWDIR
                 restore a backup into a new or empty folder, checking every file's sha256
                 and the audit chain first
  bench [--agreements N] [--runs R]
                 rendering benchmark: one agreement, and N agreements into one PDF
  import FILE.csv [--data DIR]
                 import or update students from the student-records CSV; prints a per-line
                 report and exits 1 if any line failed
  user add --data DIR --role ROLE --username U [--password P] [--college CODE] [--employer-id N]
                 create a staff account (school, college, employer: --password) or a service
                 account (portal, print: prints its API key once)
  user reset-password --data DIR --username U --password P
                 set a staff password that must be changed at the next login; ends every
                 session of the account
  user revoke-key --data DIR --username U
                 revoke the API keys of a service account
)";

}  // namespace

int main(int argc, char** argv) {
  // cairo 1.16 parses tag attribute numbers with the C locale's decimal point (tech-notes §2.3).
  std::setlocale(LC_ALL, "C");
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const std::string command = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "render") return sanfang::cli::render_command(args);
  if (command == "bench") return sanfang::cli::bench_command(args);
  if (command == "batch") return sanfang::cli::batch_command(args);
  if (command == "bench-seed") return sanfang::cli::bench_seed_command(args);
  if (command == "serve") return sanfang::cli::serve_command(args);
  if (command == "audit") return sanfang::cli::audit_command(args);
  if (command == "doctor") return sanfang::cli::doctor_command(args);
  if (command == "demo") return sanfang::cli::demo_command(args);
  if (command == "import") return sanfang::cli::import_command(args);
  if (command == "user") return sanfang::cli::user_command(args);
  if (command == "backup") return sanfang::cli::backup_command(args);
  if (command == "restore") return sanfang::cli::restore_command(args);
  if (command == "help" || command == "--help" || command == "-h") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  std::fprintf(stderr, "sanfang: unknown command \"%s\"\n%s", command.c_str(), kUsage);
  return 2;
}
