#include "store/stats_sql.h"

namespace sanfang::store {

std::string sqlite_json_text(std::string_view column, std::string_view path) {
  return "json_extract(" + std::string(column) + ", '$." + std::string(path) + "')";
}

std::string postgres_json_text(std::string_view column, std::string_view path) {
  std::string members(path);
  for (char& c : members)
    if (c == '.') c = ',';
  return "(" + std::string(column) + "::json #>> '{" + members + "}')";
}

StatisticsSql statistics_sql(const StatisticsQuery& query, JsonTextReader json_text) {
  StatisticsSql sql;
  std::string agreements_where = "WHERE 1 = 1";
  auto agreement_condition = [&](const char* text, SqlValue value) {
    agreements_where += std::string(" AND ") + text;
    sql.agreement_values.push_back(std::move(value));
  };
  if (query.college_code) agreement_condition("a.college_code = ?", *query.college_code);
  if (query.exclude_drafts) agreements_where += " AND a.state <> 'draft'";
  if (query.graduation_year) agreement_condition("a.graduation_year = ?", std::int64_t{*query.graduation_year});

  sql.agreements =
      "SELECT a.state, a.college_code, COALESCE(c.name, ''), COALESCE(s.major, ''), count(*)"
      " FROM agreements a"
      " LEFT JOIN colleges c ON c.code = a.college_code"
      " LEFT JOIN students s ON s.student_no = a.student_no " +
      agreements_where +
      " GROUP BY a.state, a.college_code, c.name, s.major"
      " ORDER BY a.state, a.college_code, s.major";

  // The unit as the agreement recorded it when it entered review; before that, as it is now.
  const auto employer_member = [&](const char* member) {
    return "COALESCE(" + json_text("a.snapshot", std::string("employer.profile.") + member) + ", " +
           json_text("e.profile", member) + ", '') AS " + member;
  };
  sql.employers = "SELECT nature, industry, location, count(*) FROM (SELECT " + employer_member("nature") + ", " +
                  employer_member("industry") + ", " + employer_member("location") +
                  " FROM agreements a JOIN employers e ON e.id = a.employer_id " + agreements_where +
                  ") AS units GROUP BY nature, industry, location ORDER BY nature, industry, location";

  std::string graduates_where = "WHERE 1 = 1";
  auto graduate_condition = [&](const char* text, SqlValue value) {
    graduates_where += std::string(" AND ") + text;
    sql.graduate_values.push_back(std::move(value));
  };
  if (query.college_code) graduate_condition("s.college_code = ?", *query.college_code);
  if (query.graduation_year) graduate_condition("s.graduation_year = ?", std::int64_t{*query.graduation_year});
  // At most one live agreement per student, but DISTINCT keeps the count of students whatever
  // the agreements table holds.
  sql.graduates =
      "SELECT s.college_code, COALESCE(c.name, ''), count(*), count(signers.student_no)"
      " FROM students s"
      " LEFT JOIN colleges c ON c.code = s.college_code"
      " LEFT JOIN (SELECT DISTINCT student_no FROM agreements WHERE state = 'signed') AS signers"
      " ON signers.student_no = s.student_no " +
      graduates_where + " GROUP BY s.college_code, c.name ORDER BY s.college_code";
  return sql;
}

}  // namespace sanfang::store
