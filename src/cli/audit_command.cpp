// `sanfang audit verify [--data DIR] [--db URL]`: walks the hash-chained audit log (SPEC "Rules that must hold
// everywhere": tampering is detectable) and names the first row whose link is broken.
#include "cli/commands.h"
#include "cli/options.h"
#include "store/open_store.h"

#include <cstdio>

namespace sanfang::cli {

int audit_command(const std::vector<std::string>& raw_args) {
  auto args = parse_args(raw_args, with_store_options({}), {});
  if (!args || args->positional.size() != 1 || args->positional[0] != "verify") {
    std::fprintf(stderr, "usage: sanfang audit verify [--data DIR] [--db URL]\n");
    return 2;
  }
  auto store = open_command_store(store_location(*args), /*create=*/false);
  if (!store) {
    std::fprintf(stderr, "sanfang audit: %s\n", store.error().describe().c_str());
    return 1;
  }
  auto report = (*store)->verify_audit_chain();
  if (!report) {
    std::fprintf(stderr, "sanfang audit: %s\n", report.error().describe().c_str());
    return 1;
  }
  if (!report->intact()) {
    std::printf("audit chain broken at event %lld (%lld events checked)\n",
                static_cast<long long>(*report->first_broken_id), static_cast<long long>(report->rows_checked));
    return 1;
  }
  std::printf("audit chain intact (%lld events)\n", static_cast<long long>(report->rows_checked));
  return 0;
}

}  // namespace sanfang::cli
