#include "store/student_query_sql.h"

namespace sanfang::store {

QuerySql student_query_sql(const StudentQuery& query) {
  QuerySql sql;
  sql.filter = "FROM students s LEFT JOIN source_infos i ON i.student_no = s.student_no WHERE 1 = 1";
  if (query.college_code) sql.condition("s.college_code = ?", *query.college_code);
  if (query.source_state)
    sql.condition("COALESCE(i.state, 'draft') = ?", std::string(workflow::to_string(*query.source_state)));
  if (query.major) sql.condition("s.major = ?", *query.major);
  if (query.graduation_year) sql.condition("s.graduation_year = ?", static_cast<std::int64_t>(*query.graduation_year));
  if (query.name_fragment) {
    const std::string pattern = like_substring(*query.name_fragment);
    sql.condition("(lower(s.name) LIKE lower(?) ESCAPE '\\'", pattern);
    sql.filter += " OR";
    sql.values.push_back(pattern);
    sql.filter += " s.student_no LIKE ? ESCAPE '\\')";
  }
  switch (query.order) {
    case StudentOrder::ByNumber: sql.order_by = "ORDER BY s.student_no"; break;
    case StudentOrder::LongestWaiting:
      sql.order_by = "ORDER BY i.updated_at IS NULL, i.updated_at, s.student_no";
      break;
  }
  return sql;
}

}  // namespace sanfang::store
