#include "store/account_query_sql.h"

namespace sanfang::store {

QuerySql account_query_sql(const AccountQuery& query) {
  QuerySql sql;
  sql.filter = "FROM accounts WHERE 1 = 1";
  if (query.role) sql.condition("role = ?", std::string(workflow::to_string(*query.role)));
  if (query.college_code) sql.condition("college_code = ?", *query.college_code);
  if (query.disabled) sql.filter += *query.disabled ? " AND disabled_at IS NOT NULL" : " AND disabled_at IS NULL";
  if (query.username_part) sql.condition("lower(username) LIKE lower(?) ESCAPE '\\'", like_substring(*query.username_part));
  sql.order_by = "ORDER BY username";
  return sql;
}

}  // namespace sanfang::store
