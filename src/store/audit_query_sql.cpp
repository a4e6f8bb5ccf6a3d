#include "store/audit_query_sql.h"

namespace sanfang::store {

QuerySql audit_query_sql(const AuditQuery& query) {
  QuerySql sql;
  sql.filter =
      "FROM audit_log l LEFT JOIN accounts a ON a.id = l.actor_account_id"
      " LEFT JOIN students s ON s.student_no = a.student_no"
      " LEFT JOIN employers e ON e.id = a.employer_id WHERE 1 = 1";
  if (query.entity) sql.condition("l.entity = ?", *query.entity);
  if (query.entity_id) sql.condition("l.entity_id = ?", *query.entity_id);
  if (query.actor_account_id) sql.condition("l.actor_account_id = ?", *query.actor_account_id);
  if (query.from) sql.condition("l.at >= ?", workflow::to_unix_seconds(*query.from));
  if (query.until) sql.condition("l.at < ?", workflow::to_unix_seconds(*query.until));
  sql.order_by = query.newest_first ? "ORDER BY l.id DESC" : "ORDER BY l.id";
  return sql;
}

AuditQuery entity_trail_query(std::string_view entity, std::string_view entity_id) {
  AuditQuery query;
  query.entity = std::string(entity);
  query.entity_id = std::string(entity_id);
  query.newest_first = false;
  query.limit = 0;
  return query;
}

}  // namespace sanfang::store
