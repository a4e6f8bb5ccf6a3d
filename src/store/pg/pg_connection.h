// Thin RAII over libpq: a connection, a query result and parameter lists. Every query is sent
// with its values as parameters (never spliced into the SQL text), so no input can change a
// statement's meaning. A connection prepares each distinct statement text once and afterwards only
// executes it: for the one-row reads that most requests make, parsing and planning were most of
// the server's work. The cache is bounded (kPreparedStatementLimit); a text past the bound is sent
// unprepared, as is every statement other than a query or data change (BEGIN, COMMIT, SET). Results come back as text except where a caller asks for binary
// (blob chunks, so that bytea needs no hex decoding).
//
// Failures are mapped to an Error once, here, from the SQLSTATE and the constraint name that the
// server reports, never from message text: a unique or check violation is a Conflict (with the
// Chinese wording of the rule when the constraint is one of the schema's named rules), a
// serialization failure or deadlock is Busy (the transaction helper retries those first), a lost
// or refused connection is Io.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <libpq-fe.h>

#include "core/result.h"

namespace sanfang::store::pg {

struct ConnectionCloser {
  void operator()(PGconn* connection) const { PQfinish(connection); }
};
struct ResultClearer {
  void operator()(PGresult* result) const { PQclear(result); }
};

// Values for $1, $2, … in order. Text unless added as binary; NULL for an empty optional.
class Params {
 public:
  Params& add(std::string_view text);
  Params& add(const std::string& text) { return add(std::string_view(text)); }
  Params& add(const char* text) { return add(std::string_view(text)); }
  Params& add(std::int64_t value);
  Params& add(int value) { return add(static_cast<std::int64_t>(value)); }
  Params& add(bool value);
  Params& add(const std::optional<std::int64_t>& value);
  Params& add(const std::optional<std::string>& value);
  Params& add_null();
  // Raw bytes for a bytea parameter.
  Params& add_binary(std::string_view bytes);

  int size() const { return static_cast<int>(m_values.size()); }

 private:
  friend class Connection;
  std::vector<std::string> m_values;
  std::vector<bool> m_nulls;
  std::vector<int> m_formats;
};

enum class ResultFormat { Text = 0, Binary = 1 };

// The rows (or the command status) of one statement.
class Rows {
 public:
  explicit Rows(PGresult* result) : m_result(result) {}

  int size() const { return PQntuples(m_result.get()); }
  bool empty() const { return size() == 0; }
  // Rows changed by INSERT/UPDATE/DELETE.
  std::int64_t affected() const;

  bool is_null(int row, int column) const { return PQgetisnull(m_result.get(), row, column) != 0; }
  std::string text(int row, int column) const;
  std::string_view bytes(int row, int column) const;
  std::int64_t int64(int row, int column) const;
  bool boolean(int row, int column) const;
  std::optional<std::int64_t> optional_int64(int row, int column) const;
  std::optional<std::string> optional_text(int row, int column) const;

 private:
  friend class Connection;
  std::unique_ptr<PGresult, ResultClearer> m_result;
};

class Connection {
 public:
  // Connects with a libpq URI or key=value string (libpq's PG* environment variables fill in
  // what it leaves out). Io naming the server's answer when it cannot connect.
  static Result<Connection> open(const std::string& conninfo);

  Result<Rows> exec(std::string_view sql, const Params& params = {},
                    ResultFormat format = ResultFormat::Text);
  // For statements whose rows are not needed.
  Status run(std::string_view sql, const Params& params = {});
  // Several statements of fixed text (the schema migrations); takes no parameters.
  Status run_script(const char* sql);

  // The SQLSTATE of the last failed statement, empty after a success.
  const std::string& last_sqlstate() const { return m_last_sqlstate; }
  // Connected and outside any transaction: fit to go back to a pool.
  bool reusable() const;
  PGconn* handle() const { return m_connection.get(); }

 private:
  explicit Connection(PGconn* connection) : m_connection(connection) {}
  // Ok, or the failure of the statement that produced `rows` (remembering its SQLSTATE).
  Status finish(const Rows& rows, std::string_view what);
  // The name of `sql` prepared on this connection, preparing it first; empty when it is not to be
  // prepared (see the header comment). Error when preparing fails.
  Result<std::string> prepared_name(const std::string& sql, const Params& params);
  std::unique_ptr<PGconn, ConnectionCloser> m_connection;
  std::string m_last_sqlstate;
  std::unordered_map<std::string, std::string> m_prepared;
};

// Distinct statement texts a connection keeps prepared. The store's statements number about two
// hundred; the agreement search composes its text from the filters given, so its variants are
// bounded by the combinations of filters.
inline constexpr std::size_t kPreparedStatementLimit = 1024;

// SQLSTATEs worth running the whole transaction again for: serialization_failure and
// deadlock_detected.
bool is_retryable(std::string_view sqlstate);

// The one mapping from a server failure to an Error (see the header comment).
Error error_from_failure(std::string_view sqlstate, std::string_view constraint,
                         std::string_view server_message, std::string_view what);

}  // namespace sanfang::store::pg
