// sanfang's subcommands. Each takes its arguments (after the subcommand name) and returns the
// process exit status: 0 success, 1 failure (one line on stderr naming the field), 2 usage.
#pragma once

#include "api/service.h"
#include "cli/options.h"
#include "core/result.h"
#include "store/backup.h"

#include <string>
#include <vector>

namespace sanfang::cli {

int render_command(const std::vector<std::string>& args);
int serve_command(const std::vector<std::string>& args);
int bench_command(const std::vector<std::string>& args);
int audit_command(const std::vector<std::string>& args);
int demo_command(const std::vector<std::string>& args);

// Shared by serve and demo (serve_command.cpp): options from --data/--db/--config/--listen/
// --public-base, signals blocked before any thread starts, and the wait for SIGTERM/SIGINT.
Result<api::ServiceOptions> service_options(const ParsedArgs& args);
void block_termination_signals();
// Waits for SIGTERM or SIGINT (blocked beforehand) and returns which came.
int wait_for_termination_signal();
int run_until_signalled(api::Service& service);

int import_command(const std::vector<std::string>& args);
int user_command(const std::vector<std::string>& args);
int batch_command(const std::vector<std::string>& args);
int bench_seed_command(const std::vector<std::string>& args);
int backup_command(const std::vector<std::string>& args);
int restore_command(const std::vector<std::string>& args);
// What a backup holds, as backup and restore print it (backup_command.cpp).
std::string describe_backup(const store::BackupReport& report);
// backup and restore copy a SQLite data folder's files: --db postgresql://… is refused, pointing to
// the PostgreSQL procedure (pg_dump and the secrets, README), and sqlite:DIR to --data (backup_command.cpp).
Status sqlite_folder_only(const ParsedArgs& args);
int doctor_command(const std::vector<std::string>& args);
int migrate_store_command(const std::vector<std::string>& args);
int school_command(const std::vector<std::string>& args);

}  // namespace sanfang::cli
