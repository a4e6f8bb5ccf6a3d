// `sanfang restore FILE --data NEWDIR`: unpacks a backup into a new or empty folder after checking
// every file's hash, the database and the audit chain; a refused archive leaves nothing behind.
#include "cli/commands.h"
#include "cli/options.h"
#include "store/backup.h"

#include <cstdio>
#include <string>

namespace sanfang::cli {

namespace {

constexpr const char* kRestoreUsage = "usage: sanfang restore FILE --data NEWDIR   (SQLite data folders only)\n";

}  // namespace

int restore_command(const std::vector<std::string>& args) {
  auto parsed = parse_args(args, with_store_options({}), {});
  if (!parsed || parsed->positional.size() != 1) {
    if (!parsed) std::fprintf(stderr, "sanfang restore: %s\n", parsed.error().describe().c_str());
    std::fputs(kRestoreUsage, stderr);
    return 2;
  }
  if (auto refused = sqlite_folder_only(*parsed); !refused) {
    std::fprintf(stderr, "sanfang restore: %s; nothing was restored\n", refused.error().describe().c_str());
    return 1;
  }
  if (parsed->get("--data").empty()) {
    std::fputs(kRestoreUsage, stderr);
    return 2;
  }
  const std::string& archive = parsed->positional[0];
  const std::string data_dir = parsed->get("--data");
  auto report = store::restore_backup(archive, data_dir);
  if (!report) {
    std::fprintf(stderr, "sanfang restore: %s; nothing was restored\n", report.error().describe().c_str());
    return 1;
  }
  std::printf("sanfang restore: %s restored into %s; every file matches the manifest, audit chain intact "
              "(%lld events)\n%s",
              archive.c_str(), data_dir.c_str(), static_cast<long long>(report->counts.audit_events),
              describe_backup(*report).c_str());
  return 0;
}

}  // namespace sanfang::cli
