// `sanfang backup [--data DIR] -o FILE`: a consistent archive of a data folder while the service
// runs — database snapshot, the blobs it references, the folder's secrets and a manifest (see
// store/backup.h for the format and why it is consistent).
#include "cli/commands.h"
#include "cli/options.h"
#include "store/backup.h"

#include <chrono>
#include <cstdio>
#include <string>

namespace sanfang::cli {

namespace {

constexpr const char* kBackupUsage = "usage: sanfang backup [--data DIR] -o FILE   (SQLite data folders only)\n";

}  // namespace

Status sqlite_folder_only(const ParsedArgs& args) {
  const std::string db = args.get("--db");
  if (store::is_postgresql_url(db))
    return Error::invalid("--db", "backup and restore copy a SQLite data folder; a PostgreSQL store is backed up with "
                                  "pg_dump plus a copy of the data folder's verification.key and wechat.secret, and "
                                  "restored with pg_restore into an empty database (README, \"PostgreSQL backup\")");
  if (!db.empty()) return Error::invalid("--db", "backup and restore take the data folder as --data DIR");
  return {};
}

std::string describe_backup(const store::BackupReport& report) {
  const auto& counts = report.counts;
  std::string secrets;
  for (const auto& name : report.secrets) secrets += (secrets.empty() ? "" : ", ") + name;
  char text[512];
  std::snprintf(text, sizeof text,
                "  snapshot taken  %s\n"
                "  database        %lld students, %lld agreements (%lld signed), %lld signed PDFs, %lld audit events\n"
                "  blobs           %lld\n"
                "  secrets         %s\n"
                "  files           %lld, %.1f MB\n",
                report.created_at.c_str(), static_cast<long long>(counts.students),
                static_cast<long long>(counts.agreements), static_cast<long long>(counts.signed_agreements),
                static_cast<long long>(counts.signed_documents), static_cast<long long>(counts.audit_events),
                static_cast<long long>(counts.blobs), secrets.empty() ? "none" : secrets.c_str(),
                static_cast<long long>(report.files), static_cast<double>(report.bytes) / (1024.0 * 1024.0));
  return text;
}

int backup_command(const std::vector<std::string>& args) {
  auto parsed = parse_args(args, with_store_options({"-o"}), {});
  if (!parsed || !parsed->positional.empty() || parsed->get("-o").empty()) {
    if (!parsed) std::fprintf(stderr, "sanfang backup: %s\n", parsed.error().describe().c_str());
    std::fputs(kBackupUsage, stderr);
    return 2;
  }
  if (auto refused = sqlite_folder_only(*parsed); !refused) {
    std::fprintf(stderr, "sanfang backup: %s\n", refused.error().describe().c_str());
    return 1;
  }
  const std::string data_dir = parsed->get("--data", "data");
  const std::string archive = parsed->get("-o");
  const auto started = std::chrono::steady_clock::now();
  auto report = store::create_backup(data_dir, archive);
  if (!report) {
    std::fprintf(stderr, "sanfang backup: %s\n", report.error().describe().c_str());
    return 1;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("sanfang backup: %s written in %.1f s (mode 0600: it holds the folder's secrets)\n%s",
              archive.c_str(), seconds, describe_backup(*report).c_str());
  return 0;
}

}  // namespace sanfang::cli
