#include "store/pg/pg_connection.h"
#include "workflow/uniqueness_rules.h"

#include <charconv>

namespace sanfang::store::pg {

Params& Params::add(std::string_view text) {
  m_values.emplace_back(text);
  m_nulls.push_back(false);
  m_formats.push_back(0);
  return *this;
}

Params& Params::add(std::int64_t value) { return add(std::string_view(std::to_string(value))); }

Params& Params::add(bool value) { return add(std::string_view(value ? "true" : "false")); }

Params& Params::add(const std::optional<std::int64_t>& value) {
  return value ? add(*value) : add_null();
}

Params& Params::add(const std::optional<std::string>& value) {
  return value ? add(std::string_view(*value)) : add_null();
}

Params& Params::add_null() {
  m_values.emplace_back();
  m_nulls.push_back(true);
  m_formats.push_back(0);
  return *this;
}

Params& Params::add_binary(std::string_view bytes) {
  m_values.emplace_back(bytes);
  m_nulls.push_back(false);
  m_formats.push_back(1);
  return *this;
}

std::int64_t Rows::affected() const {
  const char* count = PQcmdTuples(m_result.get());
  std::int64_t value = 0;
  if (count && *count) std::from_chars(count, count + std::char_traits<char>::length(count), value);
  return value;
}

std::string Rows::text(int row, int column) const {
  return std::string(bytes(row, column));
}

std::string_view Rows::bytes(int row, int column) const {
  return {PQgetvalue(m_result.get(), row, column),
          static_cast<std::size_t>(PQgetlength(m_result.get(), row, column))};
}

std::int64_t Rows::int64(int row, int column) const {
  const std::string_view digits = bytes(row, column);
  std::int64_t value = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), value);
  return value;
}

bool Rows::boolean(int row, int column) const {
  const std::string_view value = bytes(row, column);
  return !value.empty() && value[0] == 't';
}

std::optional<std::int64_t> Rows::optional_int64(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return int64(row, column);
}

std::optional<std::string> Rows::optional_text(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return text(row, column);
}

namespace {

// The server's notices ("relation already exists, skipping") are not failures; libpq would print
// them on stderr.
void ignore_notice(void*, const char*) {}

}  // namespace

Result<Connection> Connection::open(const std::string& conninfo) {
  PGconn* raw = PQconnectdb(conninfo.c_str());
  Connection connection(raw);
  if (!raw) return Error::make(ErrorKind::Io, "PostgreSQL: out of memory while connecting");
  PQsetNoticeProcessor(raw, ignore_notice, nullptr);
  if (PQstatus(raw) != CONNECTION_OK) {
    std::string reason = PQerrorMessage(raw);
    while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
    return Error::make(ErrorKind::Io, "cannot connect to PostgreSQL: " + reason);
  }
  return connection;
}

Result<Rows> Connection::exec(std::string_view sql, const Params& params, ResultFormat format) {
  std::vector<const char*> values;
  std::vector<int> lengths;
  values.reserve(params.m_values.size());
  lengths.reserve(params.m_values.size());
  for (std::size_t i = 0; i < params.m_values.size(); ++i) {
    values.push_back(params.m_nulls[i] ? nullptr : params.m_values[i].data());
    lengths.push_back(static_cast<int>(params.m_values[i].size()));
  }
  const std::string statement(sql);
  const std::string_view first_word = sql.substr(0, sql.find(' '));
  const std::string name = TRY(prepared_name(statement, params));
  Rows rows(name.empty()
                ? PQexecParams(m_connection.get(), statement.c_str(), params.size(), nullptr,
                               values.data(), lengths.data(), params.m_formats.data(),
                               static_cast<int>(format))
                : PQexecPrepared(m_connection.get(), name.c_str(), params.size(), values.data(),
                                 lengths.data(), params.m_formats.data(), static_cast<int>(format)));
  TRY(finish(rows, first_word));
  return rows;
}

namespace {

bool worth_preparing(std::string_view sql) {
  for (std::string_view verb : {"SELECT ", "INSERT ", "UPDATE ", "DELETE ", "WITH "})
    if (sql.starts_with(verb)) return true;
  return false;
}

}  // namespace

Result<std::string> Connection::prepared_name(const std::string& sql, const Params& params) {
  if (const auto found = m_prepared.find(sql); found != m_prepared.end()) return found->second;
  if (!worth_preparing(sql) || m_prepared.size() >= kPreparedStatementLimit) return std::string();
  std::string name = "s" + std::to_string(m_prepared.size());
  // The parameter types are left to the server to infer, as PQexecParams does.
  Rows prepared(PQprepare(m_connection.get(), name.c_str(), sql.c_str(), params.size(), nullptr));
  TRY(finish(prepared, "prepare"));
  m_prepared.emplace(sql, name);
  return name;
}

Status Connection::finish(const Rows& rows, std::string_view what) {
  const PGresult* result = rows.m_result.get();
  const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    m_last_sqlstate.clear();
    return {};
  }
  const char* sqlstate = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const char* constraint = result ? PQresultErrorField(result, PG_DIAG_CONSTRAINT_NAME) : nullptr;
  const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  // No SQLSTATE: libpq itself failed, which means the connection is gone (class 08).
  m_last_sqlstate = sqlstate ? sqlstate : "08006";
  std::string message = primary ? primary : PQerrorMessage(m_connection.get());
  while (!message.empty() && message.back() == '\n') message.pop_back();
  return error_from_failure(m_last_sqlstate, constraint ? constraint : "", message, what);
}

Status Connection::run(std::string_view sql, const Params& params) {
  TRY(exec(sql, params));
  return {};
}

Status Connection::run_script(const char* sql) {
  Rows rows(PQexec(m_connection.get(), sql));
  return finish(rows, "script");
}

bool Connection::reusable() const {
  return PQstatus(m_connection.get()) == CONNECTION_OK &&
         PQtransactionStatus(m_connection.get()) == PQTRANS_IDLE;
}

bool is_retryable(std::string_view sqlstate) { return sqlstate == "40001" || sqlstate == "40P01"; }

namespace {

// The schema's named rules (pg_migrations.cpp) and what a refused write tells people. The
// cross-record rules are the workflow's (workflow/uniqueness_rules.h), so their answers are too;
// these constraints hold them again under races.
struct NamedRule {
  std::string_view constraint;
  Error (*answer)();
};

Error wechat_already_bound() { return Error::make(ErrorKind::Conflict, "该微信已绑定其他账户", "openid"); }
Error attachment_missing() { return Error::make(ErrorKind::NotFound, "附件不存在", "attachments"); }

constexpr NamedRule kNamedRules[] = {
    {"agreements_one_open_invitation", workflow::employer_invitation_still_open},
    {"agreements_one_live_per_student", workflow::student_has_live_agreement},
    {"terminations_one_per_student", workflow::termination_already_used},
    {"agreements_signed_never_change", workflow::signed_agreement_is_final},
    {"employers_uscc_key", workflow::employer_already_registered},
    {"accounts_username_key", workflow::username_taken},
    {"wechat_bindings_openid_key", wechat_already_bound},
    {"agreement_attachments_sha256_fkey", attachment_missing},
    {"termination_material_sha256_fkey", attachment_missing},
};

}  // namespace

Error error_from_failure(std::string_view sqlstate, std::string_view constraint,
                         std::string_view server_message, std::string_view what) {
  const std::string detail =
      "PostgreSQL " + std::string(what) + " failed (" + std::string(sqlstate) + "): " +
      std::string(server_message);
  const std::string_view sqlclass = sqlstate.substr(0, 2);
  if (sqlclass == "23") {
    for (const NamedRule& rule : kNamedRules)
      if (rule.constraint == constraint) return rule.answer();
    const std::string name = constraint.empty() ? std::string("unnamed") : std::string(constraint);
    if (sqlstate == "23505" || sqlstate == "23514" || sqlstate == "23P01")
      return Error::make(ErrorKind::Conflict, "与已有记录冲突（" + name + "）", name);
    if (sqlstate == "23503")
      return Error::make(ErrorKind::NotFound, "引用的记录不存在（" + name + "）", name);
    return Error::make(ErrorKind::Storage, detail);
  }
  if (is_retryable(sqlstate))
    return Error::make(ErrorKind::Busy, "数据库繁忙，请稍后重试");
  // too_many_connections, and a statement cancelled by its timeout: the server is overloaded.
  if (sqlstate == "53300" || sqlstate == "57014")
    return Error::make(ErrorKind::Busy, "数据库繁忙，请稍后重试");
  // connection_exception, and the server shutting down or not yet accepting connections.
  if (sqlclass == "08" || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03")
    return Error::make(ErrorKind::Io, detail);
  return Error::make(ErrorKind::Storage, detail);
}

}  // namespace sanfang::store::pg
