// The filter and order of an agreement list (AgreementQuery) in SQL, written once for both
// backends so that a search finds the same agreements on SQLite and PostgreSQL: conditions with
// `?` placeholders and their values in order; the PostgreSQL store numbers them ($1, $2, …).
//
// A name fragment matches as a substring of the student's name (students) or the employer's name
// (employers), with LIKE … ESCAPE '\' so that %, _ and \ in what a person typed are taken
// literally. Chinese names have no letter case; for Latin letters the two backends differ
// (SQLite's LIKE folds ASCII case, PostgreSQL's does not), so both sides are lower-cased first.
#pragma once

#include "store/agreement_store.h"
#include "store/query_sql.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sanfang::store {

// filter: "WHERE …" over the agreements table.
QuerySql agreement_query_sql(const AgreementQuery& query);

// "%fragment%" with \, % and _ escaped by a backslash: LIKE … ESCAPE '\' then finds what a person
// typed literally (an agreement search, a unit name search).
std::string like_substring(std::string_view fragment);

// `sql` with its `?` placeholders numbered $first, $first+1, … (no `?` appears in the SQL text
// of this file other than as a placeholder).
std::string numbered_placeholders(std::string_view sql, int first = 1);

}  // namespace sanfang::store
