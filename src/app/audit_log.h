// The audit log as the school reads it (SPEC "Audit"): every recorded change, newest first, with
// who acted (role and name), filtered by what was changed, by whom and when. Only the school and
// its account administrator (workflow::may_see_audit_log); anyone else gets NotFound, as for an address that does not exist.
#pragma once

#include "app/context.h"
#include "core/result.h"
#include "store/audit_store.h"
#include "workflow/entities.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sanfang::app {

struct AuditFilter {
  std::optional<std::string> entity;  // "agreement", "employer", "account", "source_info", …
  std::optional<std::string> entity_id;
  std::optional<std::int64_t> actor_account_id;
  std::optional<std::chrono::year_month_day> from, to;  // Beijing days, both included
  int limit = 50;
  int offset = 0;
};

struct AuditPage {
  std::vector<store::AuditRecord> items;
  std::int64_t total = 0;
};

// InvalidInput naming `to` when the days are the wrong way round.
Result<AuditPage> audit_log(const Context& context, const workflow::Actor& actor, const AuditFilter& filter);

}  // namespace sanfang::app
