#include "cli/commands.h"

#include <clocale>
#include <cstdio>
#include <string>
#include <vector>

namespace {

// Every subcommand once: its name, its usage (what `sanfang help` lists and `sanfang CMD --help`
// prints) and the function that runs it. Every command that opens a store takes --db URL
// (cli/options.h): empty for SQLite in --data, sqlite:DIR, or postgresql://… (libpq URI).
struct Command {
  const char* name;
  const char* usage;
  int (*run)(const std::vector<std::string>&);
};

constexpr Command kCommands[] = {
    {"render", R"(  render IN.json [IN2.json ...] -o OUT.pdf [--png OUT.png --page N] [--dpi D]
         [--layout FILE] [--fonts DIR] [--data DIR | --key FILE] [--public-base URL]
                 render agreements (render input JSON) into one print-ready PDF
)", sanfang::cli::render_command},
    {"serve", R"(  serve [--data DIR] [--db URL] [--listen HOST:PORT] [--config FILE] [--public-base URL]
                 the HTTP service (SQLite in DIR, default ./data; 127.0.0.1:8080); --db
                 postgresql://… shares one PostgreSQL database between instances (DIR then
                 holds only verification.key, wechat.secret and a blob cache)
)", sanfang::cli::serve_command},
    {"demo", R"(  demo [--data DIR] [--db URL] [--no-serve] [--listen HOST:PORT] [--config FILE] [--public-base URL]
                 a fresh data folder with sample data in every state, then serves it; --db
                 postgresql://… puts the sample into that database
)", sanfang::cli::demo_command},
    {"audit", R"(  audit verify [--data DIR] [--db URL]
                 check the hash chain of the audit log; names the first broken link
)", sanfang::cli::audit_command},
    {"doctor", R"(  doctor [--data DIR] [--db URL] [--config FILE]
                 re-check every signed agreement: stored PDF present and matching its hash,
                 content passing the field rules; on PostgreSQL also the connection, schema
                 version, verification key and blob chunks; lists each problem, exits 1 if any
)", sanfang::cli::doctor_command},
    {"school", R"(  school public-base [--data DIR] [--db URL]
  school set-public-base URL [--data DIR] [--db URL]
                 the school's public address printed in QR codes, stored with the data; a
                 change is audited (old -> new) and applies to documents made afterwards
)", sanfang::cli::school_command},
    {"batch", R"(  batch [--data DIR] [--db URL] [--college CODE] [--major NAME] [--signed-from DATE] [--signed-to DATE]
        [--serials S1,S2,...] [--copies 1,2,3] [--separators] [--operator NAME] [--threads N]
        [--resume ID] -o OUT.pdf|DIR/
                 the print room's batch: signed agreements in print order (college, major,
                 student number) into one PDF, or DIR/ (made if needed) holding one PDF per
                 part on every core (--threads N: this process and a drawing process on each
                 other core) and a manifest.json, with a progress bar; records every copy
                 printed
)", sanfang::cli::batch_command},
    {"bench-seed", R"(  bench-seed --data DIR [--db URL] --agreements N
                 a new data folder with N signed agreements, for benchmarks and load tests
)", sanfang::cli::bench_seed_command},
    {"backup", R"(  backup [--data DIR] -o FILE
                 a consistent archive (tar) of a data folder while the service runs: database
                 snapshot, signed PDFs and attachments, secrets, manifest; keep it safe
                 (SQLite only: --db postgresql://… is refused; use pg_dump, see README)
)", sanfang::cli::backup_command},
    {"restore", R"(  restore FILE --data NEWDIR
                 restore a backup into a new or empty folder, checking every file's sha256
                 and the audit chain first (SQLite only, like backup)
)", sanfang::cli::restore_command},
    {"migrate-store", R"(  migrate-store --data DIR --to postgresql://…
                 copy a SQLite data folder's store (every table, blob, the audit chain as it
                 is) into an empty PostgreSQL database, then check counts, chain and blobs there
)", sanfang::cli::migrate_store_command},
    {"bench", R"(  bench [--agreements N] [--runs R]
                 rendering benchmark: one agreement, N agreements into one PDF, and the N in
                 parts on a render thread and in a process per core (--share I/N: one of those)
)", sanfang::cli::bench_command},
    {"import", R"(  import FILE.csv [--data DIR] [--db URL]
                 import or update students from the student-records CSV; prints a per-line
                 report and exits 1 if any line failed
)", sanfang::cli::import_command},
    {"user", R"(  user add --data DIR [--db URL] --role ROLE --username U [--password P] [--college CODE] [--employer-id N]
                 create a staff account (school, college, employer: --password) or a service
                 account (portal, print: prints its API key once)
  user reset-password --data DIR [--db URL] --username U --password P
                 set a staff password that must be changed at the next login; ends every
                 session of the account
  user revoke-key --data DIR [--db URL] --username U
                 revoke the API keys of a service account
)", sanfang::cli::user_command},
};

void print_usage(std::FILE* to) {
  std::fputs("usage: sanfang <command> [options]   (sanfang <command> --help for one command)\n\ncommands:\n", to);
  for (const Command& command : kCommands) std::fputs(command.usage, to);
}

bool asks_for_help(const std::vector<std::string>& args) {
  return args.size() == 1 && (args[0] == "--help" || args[0] == "-h");
}

}  // namespace

int main(int argc, char** argv) {
  // cairo 1.16 parses tag attribute numbers with the C locale's decimal point (tech-notes §2.3).
  std::setlocale(LC_ALL, "C");
  if (argc < 2) {
    print_usage(stderr);
    return 2;
  }
  const std::string name = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (name == "help" || name == "--help" || name == "-h") {
    print_usage(stdout);
    return 0;
  }
  for (const Command& command : kCommands) {
    if (name != command.name) continue;
    if (asks_for_help(args)) {
      std::fputs(command.usage, stdout);
      return 0;
    }
    return command.run(args);
  }
  std::fprintf(stderr, "sanfang: unknown command \"%s\"\n", name.c_str());
  print_usage(stderr);
  return 2;
}
