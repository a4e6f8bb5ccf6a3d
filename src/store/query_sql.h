// A list query's filter and order in SQL, written once for both backends so that a search finds
// the same rows on SQLite and PostgreSQL: conditions with `?` placeholders and their values in
// order; the PostgreSQL store numbers them (numbered_placeholders in agreement_query_sql.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sanfang::store {

using SqlValue = std::variant<std::string, std::int64_t>;

struct QuerySql {
  // What follows the selected columns, without ORDER BY or LIMIT: "FROM … WHERE …", or "WHERE …"
  // where the caller names the table (each *_query_sql function says which).
  std::string filter;
  std::string order_by;  // "ORDER BY …"
  std::vector<SqlValue> values;

  // Appends " AND <text>", whose one `?` takes `value`.
  void condition(std::string_view text, SqlValue value) {
    filter += " AND ";
    filter += text;
    values.push_back(std::move(value));
  }
};

}  // namespace sanfang::store
