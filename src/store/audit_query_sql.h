// A look at the audit log (AuditQuery) in SQL, written once for both backends as
// agreement_query_sql.h is: the events with the acting account's name joined in (a student's name,
// a unit's name, else the user name), conditions with `?` placeholders and their values in order.
#pragma once

#include "store/agreement_query_sql.h"
#include "store/audit_store.h"

#include <string>
#include <string_view>
#include <vector>

namespace sanfang::store {

// The columns an AuditRecord is read from, in order: id, entity, entity_id, action,
// actor_account_id, actor_role, at, from_state, to_state, reason, prev_hash, hash, actor_name.
inline constexpr const char* kAuditRecordColumns =
    "SELECT l.id, l.entity, l.entity_id, l.action, l.actor_account_id, l.actor_role, l.at, l.from_state,"
    " l.to_state, l.reason, l.prev_hash, l.hash, COALESCE(s.name, e.name, a.username, '') ";

// filter: "FROM audit_log l … WHERE …".
QuerySql audit_query_sql(const AuditQuery& query);

// Every event of one entity, oldest first (AuditStore::audit_trail).
AuditQuery entity_trail_query(std::string_view entity, std::string_view entity_id);

}  // namespace sanfang::store
