// PgStore: the workflow-over-HTTP area — unit search and registration, scoped agreement lists and
// uploads.
#include "store/pg/pg_store.h"

#include "store/agreement_query_sql.h"
#include "store/pg/pg_store_rows.h"
#include "store/stored_values.h"
#include "store/student_query_sql.h"
#include "store/stats_sql.h"

namespace sanfang::store {

using pg::Connection;
using pg::Params;
using workflow::Agreement;
using workflow::Timestamp;

Result<std::vector<workflow::Employer>> PgStore::search_employers(std::string_view name_part, int limit) {
  return m_pool->transact([&](Connection& c) -> Result<std::vector<workflow::Employer>> {
    // ILIKE and the C collation: SQLite's LIKE ignores ASCII case and it orders text bytewise.
    auto ids = TRY(c.exec("SELECT id FROM employers WHERE name ILIKE $1 ESCAPE '\\'"
                          " ORDER BY vetted DESC, name COLLATE \"C\", id LIMIT $2",
                          Params().add(like_substring(name_part)).add(limit)));
    std::vector<workflow::Employer> found;
    for (int r = 0; r < ids.size(); ++r) found.push_back(TRY(load_employer(c, ids.int64(r, 0))));
    return found;
  });
}

Result<workflow::Employer> PgStore::register_employer(const workflow::Employer& employer,
                                                      std::int64_t bind_account_id,
                                                      const std::vector<workflow::AuditEvent>& events) {
  return m_pool->transact([&](Connection& c) -> Result<workflow::Employer> {
    auto inserted = TRY(c.exec(
        "INSERT INTO employers(name, uscc, profile, vetted, version) VALUES ($1, $2, $3, $4, 1) RETURNING id",
        Params().add(employer.name).add(employer.uscc).add(employer.profile.dump()).add(employer.vetted)));
    const std::int64_t id = inserted.int64(0, 0);
    if (bind_account_id != 0) {
      // SPEC roles: an employer account is the HR account of one unit, so it binds only once.
      auto bound = TRY(c.exec("UPDATE accounts SET employer_id = $1 WHERE id = $2 AND role = 'employer'"
                              " AND employer_id IS NULL",
                              Params().add(id).add(bind_account_id)));
      if (bound.affected() == 0) return Error::make(ErrorKind::Conflict, "该账户已绑定用人单位", "account");
    }
    TRY(append_audit_events(c, events, std::to_string(id)));
    return load_employer(c, id);
  });
}

using pg::params_of;

// A list and its attachments are read in one transaction, as SQLite does.
Result<std::vector<Agreement>> PgStore::list_agreements(const AgreementQuery& query) {
  const QuerySql sql = agreement_query_sql(query);
  Params params = params_of(sql.values);
  const int next = params.size() + 1;
  params.add(query.limit).add(query.offset);
  const std::string where = numbered_placeholders(sql.filter) + " " + sql.order_by + " LIMIT $" +
                            std::to_string(next) + " OFFSET $" + std::to_string(next + 1);
  return m_pool->transact([&](Connection& c) { return load_agreements(c, where, params); });
}

Result<std::int64_t> PgStore::count_agreements(const AgreementQuery& query) {
  const QuerySql sql = agreement_query_sql(query);
  return m_pool->with_connection(
      [&](Connection& c) { return pg::count_rows(c, "FROM agreements " + sql.filter, sql.values); });
}

Result<std::vector<StudentListing>> PgStore::list_students(const StudentQuery& query) {
  const QuerySql sql = student_query_sql(query);
  Params params = params_of(sql.values);
  const int next = params.size() + 1;
  params.add(query.limit).add(query.offset);
  const std::string statement = std::string(kStudentListingColumns) + numbered_placeholders(sql.filter) + " " +
                                sql.order_by + " LIMIT $" + std::to_string(next) + " OFFSET $" +
                                std::to_string(next + 1);
  return m_pool->with_connection([&](Connection& c) -> Result<std::vector<StudentListing>> {
    auto rows = TRY(c.exec(statement, params));
    std::vector<StudentListing> list;
    for (int r = 0; r < rows.size(); ++r) {
      StudentListing listing;
      listing.student = workflow::Student{rows.text(r, 0), rows.text(r, 1), rows.text(r, 2), rows.text(r, 3),
                                          rows.text(r, 4), rows.text(r, 5), rows.text(r, 6),
                                          static_cast<int>(rows.int64(r, 7))};
      listing.source_state = TRY(workflow::parse_source_info_state(rows.text(r, 8)));
      listing.source_updated_at = optional_timestamp(rows.optional_int64(r, 9));
      list.push_back(std::move(listing));
    }
    return list;
  });
}

Result<std::int64_t> PgStore::count_students(const StudentQuery& query) {
  const QuerySql sql = student_query_sql(query);
  return m_pool->with_connection([&](Connection& c) { return pg::count_rows(c, sql.filter, sql.values); });
}

Result<AgreementStatistics> PgStore::agreement_statistics(const StatisticsQuery& query) {
  const StatisticsSql sql = statistics_sql(query, postgres_json_text);
  // One transaction for the three counts, so that they agree with each other.
  return m_pool->transact([&](Connection& c) -> Result<AgreementStatistics> {
    AgreementStatistics statistics;
    auto agreements = TRY(c.exec(numbered_placeholders(sql.agreements), params_of(sql.agreement_values)));
    for (int r = 0; r < agreements.size(); ++r)
      statistics.agreements.push_back({agreements.text(r, 0), agreements.text(r, 1), agreements.text(r, 2),
                                       agreements.text(r, 3), agreements.int64(r, 4)});
    auto employers = TRY(c.exec(numbered_placeholders(sql.employers), params_of(sql.agreement_values)));
    for (int r = 0; r < employers.size(); ++r)
      statistics.employers.push_back(
          {employers.text(r, 0), employers.text(r, 1), employers.text(r, 2), employers.int64(r, 3)});
    auto graduates = TRY(c.exec(numbered_placeholders(sql.graduates), params_of(sql.graduate_values)));
    for (int r = 0; r < graduates.size(); ++r)
      statistics.graduates.push_back(
          {graduates.text(r, 0), graduates.text(r, 1), graduates.int64(r, 2), graduates.int64(r, 3)});
    return statistics;
  });
}

Result<AgreementUpload> PgStore::record_upload(std::int64_t agreement_id, std::int64_t account_id,
                                               const workflow::Attachment& attachment, Timestamp at) {
  return m_pool->with_connection([&](Connection& c) -> Result<AgreementUpload> {
    auto inserted = TRY(c.exec("INSERT INTO agreement_uploads(agreement_id, account_id, sha256, purpose, uploaded_at)"
                               " VALUES ($1, $2, $3, $4, $5) RETURNING id",
                               Params()
                                   .add(agreement_id)
                                   .add(account_id)
                                   .add(attachment.sha256)
                                   .add(workflow::to_string(attachment.purpose))
                                   .add(workflow::to_unix_seconds(at))));
    return AgreementUpload{inserted.int64(0, 0), agreement_id, account_id, attachment, at};
  });
}

Result<std::vector<AgreementUpload>> PgStore::uploads_of(std::int64_t agreement_id) {
  return m_pool->with_connection([&](Connection& c) -> Result<std::vector<AgreementUpload>> {
    auto rows = TRY(c.exec("SELECT u.id, u.account_id, u.sha256, b.media_type, b.size, u.purpose, u.uploaded_at"
                           " FROM agreement_uploads u JOIN blobs b ON b.sha256 = u.sha256"
                           " WHERE u.agreement_id = $1 ORDER BY u.id",
                           Params().add(agreement_id)));
    std::vector<AgreementUpload> uploads;
    for (int r = 0; r < rows.size(); ++r) {
      AgreementUpload upload;
      upload.id = rows.int64(r, 0);
      upload.agreement_id = agreement_id;
      upload.account_id = rows.int64(r, 1);
      const auto type = TRY(workflow::parse_media_type(rows.text(r, 3)));
      const auto purpose = TRY(workflow::parse_attachment_purpose(rows.text(r, 5)));
      upload.attachment = workflow::Attachment{rows.text(r, 2), type, rows.int64(r, 4), purpose};
      upload.uploaded_at = workflow::from_unix_seconds(rows.int64(r, 6));
      uploads.push_back(std::move(upload));
    }
    return uploads;
  });
}

}  // namespace sanfang::store
