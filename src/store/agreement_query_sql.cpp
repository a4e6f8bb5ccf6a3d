#include "store/agreement_query_sql.h"

#include "store/stored_values.h"
#include "workflow/agreement_rules.h"

namespace sanfang::store {

namespace {

// "(review_chain = ? AND review_step = ?) OR …" for every permitted chain and step at which
// `level` reviews: the stored chain is the JSON list the agreement entered review with.
void add_pending_at(QuerySql& sql, workflow::ReviewLevel level) {
  std::string alternatives;
  for (const workflow::ReviewChain& chain : workflow::permitted_review_chains())
    for (std::size_t step = 0; step < chain.size(); ++step) {
      if (chain[step] != level) continue;
      if (!alternatives.empty()) alternatives += " OR ";
      alternatives += "(review_chain = ? AND review_step = ?)";
      sql.values.emplace_back(std::in_place_type<std::string>, chain_to_json(chain));
      sql.values.emplace_back(std::in_place_type<std::int64_t>, static_cast<std::int64_t>(step));
    }
  sql.filter += "(" + alternatives + ")";
}

}  // namespace

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

QuerySql agreement_query_sql(const AgreementQuery& query) {
  QuerySql sql;
  sql.filter = "WHERE 1 = 1";
  if (query.state) sql.condition("state = ?", std::string(workflow::to_string(*query.state)));
  if (query.student_no) sql.condition("student_no = ?", *query.student_no);
  if (query.employer_id) sql.condition("employer_id = ?", *query.employer_id);
  if (query.origin) sql.condition("origin = ?", std::string(workflow::to_string(*query.origin)));
  if (query.college_code) sql.condition("college_code = ?", *query.college_code);
  if (query.exclude_drafts) sql.filter += " AND state <> 'draft'";
  if (query.exclude_unsent_invitations) sql.filter += " AND NOT (origin = 'invitation' AND sent_at IS NULL)";
  if (query.serial) sql.condition("serial = ?", *query.serial);
  if (query.major) sql.condition("student_no IN (SELECT student_no FROM students WHERE major = ?)", *query.major);
  if (query.name_fragment) {
    const std::string pattern = like_substring(*query.name_fragment);
    sql.condition("(student_no IN (SELECT student_no FROM students WHERE lower(name) LIKE lower(?) ESCAPE '\\')", pattern);
    sql.filter += " OR";
    sql.values.push_back(pattern);
    sql.filter += " employer_id IN (SELECT id FROM employers WHERE lower(name) LIKE lower(?) ESCAPE '\\'))";
  }
  if (query.signed_from) sql.condition("signed_at >= ?", workflow::to_unix_seconds(*query.signed_from));
  if (query.signed_until) sql.condition("signed_at < ?", workflow::to_unix_seconds(*query.signed_until));
  if (query.awaiting_review_at) {
    sql.filter += " AND ((state = 'in_review' AND ";
    add_pending_at(sql, *query.awaiting_review_at);
    sql.filter += ") OR (state = 'termination_requested' AND id IN (SELECT agreement_id FROM terminations"
                 " WHERE state = 'pending' AND ";
    add_pending_at(sql, *query.awaiting_review_at);
    sql.filter += ")))";
  }
  if (query.after_id) sql.condition("id > ?", *query.after_id);
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
