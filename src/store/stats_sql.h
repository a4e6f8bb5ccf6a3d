// The employment office's counts (store::AgreementStatistics) in SQL, written once for both
// backends as agreement_query_sql.h does for a list: GROUP BY in the database, so that a province's
// agreements come back as a few hundred rows, with `?` placeholders and their values in order (the
// PostgreSQL store numbers them).
//
// The one place the two dialects differ here is how a member of a JSON document kept in a TEXT
// column is read (the employer's nature in an agreement's snapshot or a unit's profile); each
// backend passes its reader.
#pragma once

#include "store/agreement_query_sql.h"

#include <string>
#include <string_view>
#include <vector>

namespace sanfang::store {

// SQL text reading the string member at dotted `path` ("employer.profile.nature") of the JSON
// held in `column`; NULL when the member or the document is absent.
using JsonTextReader = std::string (*)(std::string_view column, std::string_view path);
std::string sqlite_json_text(std::string_view column, std::string_view path);
std::string postgres_json_text(std::string_view column, std::string_view path);

struct StatisticsSql {
  // Rows of state, college_code, college_name, major, count.
  std::string agreements;
  // Rows of nature, industry, location, count.
  std::string employers;
  std::vector<SqlValue> agreement_values;  // for `agreements` and `employers` alike
  // Rows of college_code, college_name, graduates, signed_students.
  std::string graduates;
  std::vector<SqlValue> graduate_values;
};

StatisticsSql statistics_sql(const StatisticsQuery& query, JsonTextReader json_text);

}  // namespace sanfang::store
