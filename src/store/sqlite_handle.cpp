#include "store/sqlite_handle.h"

#include "store/private_files.h"

#include <string>

namespace sanfang::store::sqlite {

Result<Database> Database::open(const std::filesystem::path& file,
                                std::chrono::milliseconds busy_timeout, bool durable) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(file.c_str(), &raw,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  Database db(raw);  // owns the handle even when opening failed
  if (rc != SQLITE_OK)
    return Error::make(ErrorKind::Storage,
                       "cannot open database " + file.string() + ": " + sqlite3_errstr(rc));
  // SQLite creates a new database file 0644 and gives -wal and -shm the database file's mode
  // when it makes them (journal_mode below), so the file is tightened first; existing companions
  // too, in case an older version made them. By path only: closing any descriptor of the file
  // would drop the POSIX locks of every connection to it in this process.
  for (const char* suffix : {"", "-wal", "-shm"}) TRY(make_file_private(file.string() + suffix));
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, static_cast<int>(busy_timeout.count()));
  TRY(db.exec("PRAGMA journal_mode=WAL"));
  TRY(db.exec(durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=OFF"));
  // A bulk load's transactions are large: keep their pages in memory instead of spilling them.
  if (!durable) TRY(db.exec("PRAGMA cache_size=-131072"));
  TRY(db.exec("PRAGMA foreign_keys=ON"));
  return db;
}

Status Database::exec(std::string_view sql) {
  const std::string text(sql);
  if (sqlite3_exec(m_db.get(), text.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
    return last_error("exec");
  return {};
}

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(m_db.get(), sql.data(), static_cast<int>(sql.size()), &raw, nullptr) !=
      SQLITE_OK)
    return last_error("prepare");
  return Statement(raw, this);
}

Error Database::last_error(std::string_view what) const {
  const int code = sqlite3_extended_errcode(m_db.get());
  const std::string message = sqlite3_errmsg(m_db.get());
  const bool schema_refused = code == SQLITE_CONSTRAINT_UNIQUE ||
                              code == SQLITE_CONSTRAINT_PRIMARYKEY ||
                              code == SQLITE_CONSTRAINT_TRIGGER || code == SQLITE_CONSTRAINT_CHECK;
  return Error::make(schema_refused ? ErrorKind::Conflict : ErrorKind::Storage,
                     "sqlite " + std::string(what) + ": " + message);
}

Statement& Statement::bind(int index, std::int64_t value) {
  if (m_bind_error == SQLITE_OK) m_bind_error = sqlite3_bind_int64(m_statement.get(), index, value);
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  if (m_bind_error == SQLITE_OK)
    m_bind_error = sqlite3_bind_text64(m_statement.get(), index, value.data(), value.size(),
                                       SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}

Statement& Statement::bind(int index, std::optional<std::int64_t> value) {
  return value ? bind(index, *value) : bind_null(index);
}

Statement& Statement::bind_null(int index) {
  if (m_bind_error == SQLITE_OK) m_bind_error = sqlite3_bind_null(m_statement.get(), index);
  return *this;
}

Result<bool> Statement::step() {
  if (m_bind_error != SQLITE_OK)
    return Error::make(ErrorKind::Internal,
                       std::string("sqlite bind: ") + sqlite3_errstr(m_bind_error));
  const int rc = sqlite3_step(m_statement.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return m_owner->last_error("step");
}

Status Statement::run() {
  TRY(step());
  return {};
}

std::string Statement::text(int column) const {
  const auto* bytes = sqlite3_column_text(m_statement.get(), column);
  if (bytes == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(bytes),
                     static_cast<std::size_t>(sqlite3_column_bytes(m_statement.get(), column)));
}

Result<WriteTransaction> WriteTransaction::begin(Database& db) {
  if (sqlite3_get_autocommit(db.handle()) == 0) {
    TRY(db.exec("SAVEPOINT nested_write"));
    return WriteTransaction(&db, true);
  }
  TRY(db.exec("BEGIN IMMEDIATE"));
  return WriteTransaction(&db, false);
}

WriteTransaction::~WriteTransaction() {
  if (m_db == nullptr) return;
  if (m_nested) {
    (void)m_db->exec("ROLLBACK TO nested_write");
    (void)m_db->exec("RELEASE nested_write");
  } else {
    (void)m_db->exec("ROLLBACK");
  }
}

Status WriteTransaction::commit() {
  Database* db = m_db;
  m_db = nullptr;
  if (m_nested) return db->exec("RELEASE nested_write");
  if (auto committed = db->exec("COMMIT"); !committed.ok()) {
    (void)db->exec("ROLLBACK");
    return committed;
  }
  return {};
}

Result<ReadTransaction> ReadTransaction::begin(Database& db) {
  // Inside a transaction the reads already see one consistent state.
  if (sqlite3_get_autocommit(db.handle()) == 0) return ReadTransaction(nullptr);
  TRY(db.exec("BEGIN"));
  return ReadTransaction(&db);
}

ReadTransaction::~ReadTransaction() {
  if (m_db != nullptr) (void)m_db->exec("COMMIT");
}

Status copy_database(Database& source, Database& destination) {
  std::unique_ptr<sqlite3_backup, BackupFinisher> backup(
      sqlite3_backup_init(destination.handle(), "main", source.handle(), "main"));
  if (!backup) return destination.last_error("backup");
  // The source's busy handler is not consulted by a backup step: a source locked for a moment
  // (a WAL checkpoint or recovery) answers BUSY at once, so the step is retried here, bounded.
  constexpr int kAttempts = 200;
  constexpr int kPauseMilliseconds = 50;
  int rc = SQLITE_OK;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    rc = sqlite3_backup_step(backup.get(), -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    sqlite3_sleep(kPauseMilliseconds);
  }
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
    return Error::make(ErrorKind::Busy, "sqlite backup: the database stayed locked; try again");
  if (rc != SQLITE_DONE)
    return Error::make(ErrorKind::Storage, std::string("sqlite backup: ") + sqlite3_errstr(rc));
  return {};
}

}  // namespace sanfang::store::sqlite
