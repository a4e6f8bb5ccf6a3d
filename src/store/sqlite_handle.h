// Thin RAII over the SQLite C API: a connection, a prepared statement and a write transaction.
// Every sqlite3 object is owned by a unique_ptr with its release function, so no code path can
// leak or double-free one; every failure comes back as a Result naming what failed.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <sqlite3.h>

#include "core/result.h"

namespace sanfang::store::sqlite {

struct ConnectionCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
struct BackupFinisher {
  void operator()(sqlite3_backup* backup) const { sqlite3_backup_finish(backup); }
};

class Statement;

class Database {
 public:
  // Opens (creating if needed) the file and applies the connection settings SPEC "Storage" asks
  // for: WAL, foreign keys on, synchronous=FULL, and a busy timeout so writers queue instead of
  // failing at once.
  // `durable` false sets synchronous=OFF: a crash may lose the last transactions. Only for
  // generated benchmark data (`sanfang bench-seed`), never for a service.
  static Result<Database> open(const std::filesystem::path& file,
                               std::chrono::milliseconds busy_timeout, bool durable = true);

  Status exec(std::string_view sql);
  Result<Statement> prepare(std::string_view sql);
  std::int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(m_db.get()); }
  int changes() const { return sqlite3_changes(m_db.get()); }
  sqlite3* handle() const { return m_db.get(); }

  // An Error for the connection's last failure. Unique-index and trigger refusals become
  // Conflict (a rule held by the schema); everything else is Storage.
  Error last_error(std::string_view what) const;

 private:
  explicit Database(sqlite3* db) : m_db(db) {}
  std::unique_ptr<sqlite3, ConnectionCloser> m_db;
};

class Statement {
 public:
  Statement(sqlite3_stmt* statement, const Database* owner) : m_statement(statement), m_owner(owner) {}

  // Binding is 1-based like SQLite's; the optional overloads bind NULL when empty.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, std::optional<std::int64_t> value);
  Statement& bind_null(int index);

  // True while a row is available; false once done.
  Result<bool> step();
  // Runs a statement that returns no rows.
  Status run();
  // Makes the statement ready to run again with new bindings (one prepare for many rows).
  void reset() {
    sqlite3_reset(m_statement.get());
    sqlite3_clear_bindings(m_statement.get());
    m_bind_error = SQLITE_OK;
  }

  std::int64_t int64(int column) const { return sqlite3_column_int64(m_statement.get(), column); }
  std::string text(int column) const;
  bool is_null(int column) const {
    return sqlite3_column_type(m_statement.get(), column) == SQLITE_NULL;
  }
  std::optional<std::int64_t> optional_int64(int column) const {
    if (is_null(column)) return std::nullopt;
    return int64(column);
  }

 private:
  std::unique_ptr<sqlite3_stmt, StatementFinalizer> m_statement;
  const Database* m_owner;
  int m_bind_error = SQLITE_OK;
};

// BEGIN IMMEDIATE takes the write lock up front: two writers never deadlock upgrading a read lock,
// the second waits (busy timeout) and then sees the first one's commit. Rolled back on destruction
// unless committed.
class WriteTransaction {
 public:
  // Inside another transaction (a bulk load) this is a savepoint of it: its rollback undoes only
  // its own changes, and its commit becomes durable with the outer one.
  static Result<WriteTransaction> begin(Database& db);
  WriteTransaction(WriteTransaction&& other) noexcept : m_db(other.m_db), m_nested(other.m_nested) { other.m_db = nullptr; }
  WriteTransaction& operator=(WriteTransaction&&) = delete;
  ~WriteTransaction();
  Status commit();

 private:
  WriteTransaction(Database* db, bool nested) : m_db(db), m_nested(nested) {}
  Database* m_db;
  bool m_nested;
};

// A read snapshot: every SELECT inside sees the same committed state.
class ReadTransaction {
 public:
  static Result<ReadTransaction> begin(Database& db);
  ReadTransaction(ReadTransaction&& other) noexcept : m_db(other.m_db) { other.m_db = nullptr; }
  ReadTransaction& operator=(ReadTransaction&&) = delete;
  ~ReadTransaction();

 private:
  explicit ReadTransaction(Database* db) : m_db(db) {}
  Database* m_db;
};

// Copies every page of `source` into `destination` with SQLite's online backup API, in one step:
// the copy holds one read transaction on the source, so it is a consistent snapshot, and in WAL
// mode writers go on committing meanwhile (they are not part of it). Copying in several smaller
// steps would let a write restart the copy over and over under a steady signing load.
Status copy_database(Database& source, Database& destination);

}  // namespace sanfang::store::sqlite
