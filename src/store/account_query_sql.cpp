#include "store/account_query_sql.h"

namespace sanfang::store {

AccountQuerySql account_query_sql(const AccountQuery& query) {
  AccountQuerySql sql;
  sql.from_where = "FROM accounts WHERE 1 = 1";
  auto condition = [&](const char* text, SqlValue value) {
    sql.from_where += std::string(" AND ") + text;
    sql.values.push_back(std::move(value));
  };
  if (query.role) condition("role = ?", std::string(workflow::to_string(*query.role)));
  if (query.college_code) condition("college_code = ?", *query.college_code);
  if (query.disabled) sql.from_where += *query.disabled ? " AND disabled_at IS NOT NULL" : " AND disabled_at IS NULL";
  if (query.username_part) condition("lower(username) LIKE lower(?) ESCAPE '\\'", like_substring(*query.username_part));
  sql.order_by = "ORDER BY username";
  return sql;
}

}  // namespace sanfang::store
