// How PgStore's rows become domain values and back: shared by the pg_store*.cpp files only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "store/agreement_query_sql.h"
#include "store/pg/pg_connection.h"
#include "store/stored_values.h"
#include "workflow/entities.h"

namespace sanfang::store::pg {

inline constexpr const char* kAgreementColumns =
    "SELECT id, origin, state, student_no, employer_id, college_code, graduation_year, content,"
    " snapshot, serial, review_chain, review_step, last_reason, sent_at, signed_at, created_at,"
    " updated_at, version FROM agreements ";

inline constexpr const char* kAccountColumns =
    "SELECT id, username, role, student_no, employer_id, college_code, must_change_password,"
    " created_at, disabled_at IS NOT NULL FROM accounts ";

// The column conversions both backends share (store/stored_values.h).
using store::chain_from_json;
using store::chain_to_json;
using store::optional_seconds;
using store::optional_timestamp;
using store::parse_json_column;

// Row `row` of a result that selected kAgreementColumns / kAccountColumns.
Result<workflow::Agreement> agreement_from_row(const Rows& rows, int row);
Result<workflow::Account> account_from_row(const Rows& rows, int row);

// The values of a shared query (store/*_query_sql.h) as parameters, in order.
Params params_of(const std::vector<SqlValue>& values);
// The number of rows a shared query selects: "SELECT count(*) " + `from_where` with `?` numbered.
Result<std::int64_t> count_rows(Connection& c, const std::string& from_where, const std::vector<SqlValue>& values);

// The agreement's columns from origin to updated_at, in kAgreementColumns order ($1…$16).
void add_agreement_fields(Params& params, const workflow::Agreement& agreement);

}  // namespace sanfang::store::pg
