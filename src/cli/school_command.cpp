// `sanfang school public-base [--data DIR] [--db URL]` prints the school's public address, the
// base of the verification URL in every QR code (workflow/public_address.h);
// `sanfang school set-public-base URL [--data DIR] [--db URL]` changes it — the one way to change
// it once a service has started on the data — and records old → new in the audit log. Documents
// made afterwards, by every instance, carry the new address; copies printed before keep
// verifying. A service already running reads the stored address whenever it makes a document.
#include "app/public_address.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "store/open_store.h"
#include "store/sqlite_store.h"
#include "workflow/clock.h"

#include <cstdio>
#include <filesystem>

namespace sanfang::cli {

namespace {

constexpr const char* kSchoolUsage =
    "usage: sanfang school public-base [--data DIR] [--db URL]\n"
    "       sanfang school set-public-base URL [--data DIR] [--db URL]\n";

}  // namespace

int school_command(const std::vector<std::string>& raw_args) {
  auto args = parse_args(raw_args, {"--data", "--db"}, {});
  const bool show = args && args->positional.size() == 1 && args->positional[0] == "public-base";
  const bool change = args && args->positional.size() == 2 && args->positional[0] == "set-public-base";
  if (!show && !change) {
    if (!args) std::fprintf(stderr, "sanfang school: %s\n", args.error().describe().c_str());
    std::fputs(kSchoolUsage, stderr);
    return 2;
  }
  const std::filesystem::path data_dir = args->get("--data", "data");
  const std::string db = args->get("--db");
  // Opening a SQLite store creates a missing data folder; a setting of no school must say so.
  if (db.empty() && !std::filesystem::exists(store::SqliteStore::database_path(data_dir))) {
    std::fprintf(stderr, "sanfang school: no database in %s\n", data_dir.c_str());
    return 1;
  }
  auto store = store::open_store({db, data_dir, "", 1});
  if (!store) {
    std::fprintf(stderr, "sanfang school: %s\n", store.error().describe().c_str());
    return 1;
  }
  if (show) {
    auto stored = (*store)->public_base();
    if (!stored) {
      std::fprintf(stderr, "sanfang school: %s\n", stored.error().describe().c_str());
      return 1;
    }
    if (!*stored) {
      std::fprintf(stderr, "sanfang school: no public address stored yet (the first `sanfang serve` stores one)\n");
      return 1;
    }
    std::printf("%s\n", (*stored)->c_str());
    return 0;
  }
  const workflow::SystemClock clock;
  auto old_url = app::change_public_base(**store, workflow::Actor::system(), args->positional[1], clock.now());
  if (!old_url) {
    std::fprintf(stderr, "sanfang school: %s\n", old_url.error().describe().c_str());
    return 1;
  }
  auto stored = (*store)->public_base();
  std::printf("public address: %s -> %s (audited; documents made from now on carry it)\n",
              old_url->empty() ? "(none)" : old_url->c_str(), stored && *stored ? (*stored)->c_str() : "?");
  return 0;
}

}  // namespace sanfang::cli
