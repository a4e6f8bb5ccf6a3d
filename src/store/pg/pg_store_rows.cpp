#include "store/pg/pg_store_rows.h"

#include <variant>

namespace sanfang::store::pg {

using workflow::Timestamp;

Params params_of(const std::vector<SqlValue>& values) {
  Params params;
  for (const SqlValue& value : values) std::visit([&](const auto& v) { params.add(v); }, value);
  return params;
}

Result<std::int64_t> count_rows(Connection& c, const std::string& from_where, const std::vector<SqlValue>& values) {
  auto rows = TRY(c.exec("SELECT count(*) " + numbered_placeholders(from_where), params_of(values)));
  return rows.int64(0, 0);
}

Result<workflow::Agreement> agreement_from_row(const Rows& rows, int r) {
  workflow::Agreement a;
  a.id = rows.int64(r, 0);
  a.origin = TRY(workflow::parse_agreement_origin(rows.text(r, 1)));
  a.state = TRY(workflow::parse_agreement_state(rows.text(r, 2)));
  a.student_no = rows.text(r, 3);
  a.employer_id = rows.int64(r, 4);
  a.college_code = rows.text(r, 5);
  a.graduation_year = static_cast<int>(rows.int64(r, 6));
  a.content = TRY(parse_json_column(rows.text(r, 7), "content"));
  a.snapshot = rows.is_null(r, 8) ? nlohmann::json() : TRY(parse_json_column(rows.text(r, 8), "snapshot"));
  a.serial = rows.optional_text(r, 9);
  a.review_chain = TRY(chain_from_json(rows.text(r, 10)));
  a.review_step = static_cast<std::size_t>(rows.int64(r, 11));
  a.last_reason = rows.text(r, 12);
  a.sent_at = optional_timestamp(rows.optional_int64(r, 13));
  a.signed_at = optional_timestamp(rows.optional_int64(r, 14));
  a.created_at = workflow::from_unix_seconds(rows.int64(r, 15));
  a.updated_at = workflow::from_unix_seconds(rows.int64(r, 16));
  a.version = rows.int64(r, 17);
  return a;
}

Result<workflow::Account> account_from_row(const Rows& rows, int r) {
  workflow::Account account;
  account.id = rows.int64(r, 0);
  account.username = rows.text(r, 1);
  account.role = TRY(workflow::parse_role(rows.text(r, 2)));
  account.student_no = rows.text(r, 3);
  account.employer_id = rows.optional_int64(r, 4).value_or(0);
  account.college_code = rows.text(r, 5);
  account.must_change_password = rows.boolean(r, 6);
  account.created_at = workflow::from_unix_seconds(rows.int64(r, 7));
  account.disabled = rows.boolean(r, 8);
  return account;
}

void add_agreement_fields(Params& params, const workflow::Agreement& a) {
  params.add(workflow::to_string(a.origin))
      .add(workflow::to_string(a.state))
      .add(a.student_no)
      .add(a.employer_id)
      .add(a.college_code)
      .add(a.graduation_year)
      .add(a.content.dump())
      .add(a.snapshot.is_null() ? std::optional<std::string>() : std::optional<std::string>(a.snapshot.dump()))
      .add(a.serial)
      .add(chain_to_json(a.review_chain))
      .add(static_cast<std::int64_t>(a.review_step))
      .add(a.last_reason)
      .add(optional_seconds(a.sent_at))
      .add(optional_seconds(a.signed_at))
      .add(workflow::to_unix_seconds(a.created_at))
      .add(workflow::to_unix_seconds(a.updated_at));
}

}  // namespace sanfang::store::pg
