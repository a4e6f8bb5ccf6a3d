#include "store/audit_chain.h"

#include <nlohmann/json.hpp>

#include "store/secrets.h"

namespace sanfang::store {

std::string canonical_audit_event(std::int64_t id, const workflow::AuditEvent& event) {
  // nlohmann::json keeps object keys sorted, and dump() without indentation is compact, so the
  // same row always gives the same bytes.
  const nlohmann::json canonical{
      {"id", id},
      {"entity", event.entity},
      {"entity_id", event.entity_id},
      {"action", event.action},
      {"actor_account_id", event.actor_account_id},
      {"actor_role", workflow::to_string(event.actor_role)},
      {"at", workflow::to_unix_seconds(event.at)},
      {"from", event.from_state},
      {"to", event.to_state},
      {"reason", event.reason},
  };
  return canonical.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string chain_hash(std::string_view prev_hash, std::string_view canonical_event) {
  std::string input;
  input.reserve(prev_hash.size() + canonical_event.size());
  input.append(prev_hash);
  input.append(canonical_event);
  return sha256_hex(input);
}

}  // namespace sanfang::store
