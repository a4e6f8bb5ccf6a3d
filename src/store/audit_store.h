// The audit area of the store: the append-only, hash-chained log of every change (SPEC "Audit").
// Events are appended by the other areas inside the transaction of the change they record; this
// interface only reads the trail and checks the chain.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "workflow/entities.h"

namespace sanfang::store {

struct AuditRecord {
  std::int64_t id = 0;
  workflow::AuditEvent event;
  std::string prev_hash;
  std::string hash;
  // What the store knows of the acting account now (not part of the sealed event): the student's
  // name, the unit's name for an HR account, else the user name; empty without an account.
  // workflow::actor_display_name makes it what a history shows.
  std::string actor_name;
};

// Which events a look at the audit log selects (GET /api/v1/audit); unset members do not narrow.
struct AuditQuery {
  std::optional<std::string> entity;     // "agreement", "employer", "account", …
  std::optional<std::string> entity_id;
  std::optional<std::int64_t> actor_account_id;
  std::optional<workflow::Timestamp> from;   // at >= from
  std::optional<workflow::Timestamp> until;  // at < until
  bool newest_first = true;
  int limit = 50;  // 0: every event selected
  int offset = 0;
};

struct AuditChainReport {
  std::int64_t rows_checked = 0;
  std::optional<std::int64_t> first_broken_id;  // nullopt: the chain verifies
  bool intact() const { return !first_broken_id.has_value(); }
};

class AuditStore {
 public:
  virtual ~AuditStore() = default;

  // The events of one entity, oldest first.
  virtual Result<std::vector<AuditRecord>> audit_trail(std::string_view entity,
                                                       std::string_view entity_id) = 0;
  virtual Result<std::vector<AuditRecord>> audit_log(const AuditQuery& query) = 0;
  // How many events the query selects, without its limit and offset.
  virtual Result<std::int64_t> count_audit(const AuditQuery& query) = 0;
  // Walks the whole chain from the genesis hash; reports the first row whose link or seal fails.
  virtual Result<AuditChainReport> verify_audit_chain() = 0;
};

}  // namespace sanfang::store
