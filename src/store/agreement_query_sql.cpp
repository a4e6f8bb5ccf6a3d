#include "store/agreement_query_sql.h"

namespace sanfang::store {

std::string like_substring(std::string_view fragment) {
  std::string pattern = "%";
  for (char c : fragment) {
    if (c == '\\' || c == '%' || c == '_') pattern += '\\';
    pattern += c;
  }
  return pattern + "%";
}

std::string numbered_placeholders(std::string_view sql, int first) {
  std::string out;
  for (char c : sql) {
    if (c == '?')
      out += "$" + std::to_string(first++);
    else
      out += c;
  }
  return out;
}

AgreementQuerySql agreement_query_sql(const AgreementQuery& query) {
  AgreementQuerySql sql;
  sql.where = "WHERE 1 = 1";
  auto condition = [&](const char* text, SqlValue value) {
    sql.where += std::string(" AND ") + text;
    sql.values.push_back(std::move(value));
  };
  if (query.state) condition("state = ?", std::string(workflow::to_string(*query.state)));
  if (query.student_no) condition("student_no = ?", *query.student_no);
  if (query.employer_id) condition("employer_id = ?", *query.employer_id);
  if (query.origin) condition("origin = ?", std::string(workflow::to_string(*query.origin)));
  if (query.college_code) condition("college_code = ?", *query.college_code);
  if (query.exclude_drafts) sql.where += " AND state <> 'draft'";
  if (query.exclude_unsent_invitations) sql.where += " AND NOT (origin = 'invitation' AND sent_at IS NULL)";
  if (query.serial) condition("serial = ?", *query.serial);
  if (query.major) condition("student_no IN (SELECT student_no FROM students WHERE major = ?)", *query.major);
  if (query.name_fragment) {
    const std::string pattern = like_substring(*query.name_fragment);
    condition("(student_no IN (SELECT student_no FROM students WHERE lower(name) LIKE lower(?) ESCAPE '\\')", pattern);
    sql.where += " OR";
    sql.values.push_back(pattern);
    sql.where += " employer_id IN (SELECT id FROM employers WHERE lower(name) LIKE lower(?) ESCAPE '\\'))";
  }
  if (query.signed_from) condition("signed_at >= ?", workflow::to_unix_seconds(*query.signed_from));
  if (query.signed_until) condition("signed_at < ?", workflow::to_unix_seconds(*query.signed_until));
  switch (query.order) {
    case AgreementOrder::Oldest: sql.order_by = "ORDER BY id"; break;
    case AgreementOrder::Newest: sql.order_by = "ORDER BY id DESC"; break;
    case AgreementOrder::SignedFirst: sql.order_by = "ORDER BY signed_at IS NULL, signed_at, id"; break;
    case AgreementOrder::SignedLast: sql.order_by = "ORDER BY signed_at IS NULL, signed_at DESC, id DESC"; break;
    case AgreementOrder::RecentlyUpdated: sql.order_by = "ORDER BY updated_at DESC, id DESC"; break;
  }
  return sql;
}

}  // namespace sanfang::store
