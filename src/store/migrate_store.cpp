#include "store/migrate_store.h"

#include <algorithm>
#include <map>
#include <set>

#include "store/blob_store.h"
#include "store/migrations.h"
#include "store/open_store.h"
#include "store/pg/pg_blob_chunks.h"
#include "store/pg/pg_migrations.h"
#include "store/pg/pg_pool.h"
#include "store/secrets.h"
#include "store/sqlite_handle.h"
#include "store/sqlite_store.h"

namespace sanfang::store {

namespace {

using pg::Connection;
using pg::Params;

constexpr std::chrono::milliseconds kBusyTimeout{10'000};

// Tables that are the stores' own bookkeeping, not data: each backend keeps its own.
const std::set<std::string>& bookkeeping_tables() {
  static const std::set<std::string> kTables{"schema_migrations", "store_meta"};
  return kTables;
}
// PostgreSQL's table for what SQLite keeps as files under DATA/blobs/.
constexpr const char* kBlobChunksTable = "blob_chunks";

// Rows per INSERT statement: far below PostgreSQL's 65535 parameters, large enough that a big
// store is not one round trip per row.
constexpr std::size_t kParametersPerStatement = 20'000;
constexpr std::size_t kMaxRowsPerStatement = 500;

// Table and column names come from the schemas' own catalogs; quoted all the same.
std::string quoted(const std::string& identifier) {
  std::string out = "\"";
  for (char c : identifier) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

Error target_error(const std::string& message) { return Error::make(ErrorKind::Storage, message, "--to"); }

// ---- the source -----------------------------------------------------------------------------

struct SourceTable {
  std::string name;
  std::vector<std::string> columns;
  std::int64_t rows = 0;
};

Result<std::vector<std::string>> sqlite_column_names(sqlite::Database& db, const std::string& table) {
  auto query = TRY(db.prepare("SELECT name FROM pragma_table_info(?) ORDER BY cid"));
  query.bind(1, table);
  std::vector<std::string> columns;
  while (TRY(query.step())) columns.push_back(query.text(0));
  return columns;
}

Result<std::int64_t> sqlite_row_count(sqlite::Database& db, const std::string& table) {
  auto query = TRY(db.prepare("SELECT COUNT(*) FROM " + quoted(table)));
  TRY(query.step());
  return query.int64(0);
}

// Every data table of the SQLite file, each after the tables its foreign keys point at (the
// PostgreSQL constraints are checked row by row, not at commit).
Result<std::vector<SourceTable>> source_tables(sqlite::Database& db) {
  auto list = TRY(db.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"));
  std::vector<std::string> names;
  while (TRY(list.step())) {
    std::string name = list.text(0);
    if (!bookkeeping_tables().count(name)) names.push_back(std::move(name));
  }
  std::map<std::string, std::set<std::string>> references;
  for (const std::string& name : names) {
    auto keys = TRY(db.prepare("SELECT \"table\" FROM pragma_foreign_key_list(?)"));
    keys.bind(1, name);
    while (TRY(keys.step()))
      if (keys.text(0) != name) references[name].insert(keys.text(0));
  }
  std::vector<SourceTable> ordered;
  std::set<std::string> placed;
  while (ordered.size() < names.size()) {
    const std::size_t before = ordered.size();
    for (const std::string& name : names) {
      if (placed.count(name)) continue;
      const auto& needs = references[name];
      if (!std::all_of(needs.begin(), needs.end(), [&](const std::string& n) { return placed.count(n) > 0; })) continue;
      ordered.push_back({name, TRY(sqlite_column_names(db, name)), TRY(sqlite_row_count(db, name))});
      placed.insert(name);
    }
    if (ordered.size() == before)
      return Error::make(ErrorKind::Storage, "the SQLite tables' foreign keys form a cycle; cannot order the copy");
  }
  return ordered;
}

// ---- the target -----------------------------------------------------------------------------

Result<std::vector<std::string>> target_table_names(Connection& c) {
  auto rows = TRY(c.exec(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
      " AND table_type = 'BASE TABLE' ORDER BY table_name"));
  std::vector<std::string> names;
  for (int r = 0; r < rows.size(); ++r) names.push_back(rows.text(r, 0));
  return names;
}

// Refuses a target with rows in any table other than the bookkeeping (a fresh `sanfang serve`
// start leaves only those): copying into data would mix two schools' ids and chains.
Status require_empty_target(Connection& c) {
  for (const std::string& table : TRY(target_table_names(c))) {
    if (bookkeeping_tables().count(table)) continue;
    auto rows = TRY(c.exec("SELECT EXISTS (SELECT 1 FROM " + quoted(table) + ")"));
    if (rows.boolean(0, 0))
      return Error::make(ErrorKind::Conflict,
                         "the target database is not empty (table " + table +
                             " has rows): migrate-store copies into an empty database only; nothing was written",
                         "--to");
  }
  return {};
}

// The same tables with the same columns on both sides, else nothing is copied.
Status require_same_schema(Connection& c, const std::vector<SourceTable>& source) {
  std::set<std::string> expected;
  for (const SourceTable& table : source) {
    expected.insert(table.name);
    auto rows = TRY(c.exec(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
        " AND table_name = $1",
        Params().add(table.name)));
    std::set<std::string> target_columns;
    for (int r = 0; r < rows.size(); ++r) target_columns.insert(rows.text(r, 0));
    if (target_columns.empty()) return target_error("the target has no table " + table.name);
    const std::set<std::string> source_columns(table.columns.begin(), table.columns.end());
    if (source_columns != target_columns)
      return target_error("table " + table.name + " has other columns on PostgreSQL than in the SQLite file");
  }
  for (const std::string& table : TRY(target_table_names(c)))
    if (!expected.count(table) && !bookkeeping_tables().count(table) && table != kBlobChunksTable)
      return target_error("the target has a table the SQLite file lacks: " + table);
  return {};
}

// ---- copying --------------------------------------------------------------------------------

std::string insert_statement(const SourceTable& table, std::size_t rows) {
  std::string sql = "INSERT INTO " + quoted(table.name) + " (";
  for (std::size_t i = 0; i < table.columns.size(); ++i) sql += (i ? ", " : "") + quoted(table.columns[i]);
  sql += ") VALUES ";
  std::size_t parameter = 1;
  for (std::size_t r = 0; r < rows; ++r) {
    sql += r ? ", (" : "(";
    for (std::size_t i = 0; i < table.columns.size(); ++i) sql += (i ? ", $" : "$") + std::to_string(parameter++);
    sql += ")";
  }
  return sql;
}

// Every row as SQLite holds it: integers as their decimal text (PostgreSQL parses it into the
// column's type, BIGINT or BOOLEAN's 0/1), text as is, NULL as NULL.
Status copy_table(sqlite::Database& source, Connection& target, const SourceTable& table) {
  std::string select = "SELECT ";
  for (std::size_t i = 0; i < table.columns.size(); ++i) select += (i ? ", " : "") + quoted(table.columns[i]);
  auto rows = TRY(source.prepare(select + " FROM " + quoted(table.name)));
  const std::size_t per_statement =
      std::clamp<std::size_t>(kParametersPerStatement / table.columns.size(), 1, kMaxRowsPerStatement);
  Params params;
  std::size_t pending = 0;
  auto flush = [&]() -> Status {
    if (pending == 0) return {};
    TRY(target.run(insert_statement(table, pending), params));
    params = Params();
    pending = 0;
    return {};
  };
  const int columns = static_cast<int>(table.columns.size());
  while (TRY(rows.step())) {
    for (int i = 0; i < columns; ++i) {
      if (rows.is_null(i))
        params.add_null();
      else
        params.add(rows.text(i));
    }
    if (++pending == per_statement) TRY(flush());
  }
  return flush();
}

// Identity columns hand out the next id from a sequence: it must start past the copied ids.
Status advance_sequences(Connection& c) {
  auto identities = TRY(c.exec(
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()"
      " AND is_identity = 'YES'"));
  for (int r = 0; r < identities.size(); ++r) {
    const std::string table = identities.text(r, 0);
    const std::string column = identities.text(r, 1);
    TRY(c.run("SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT MAX(" + quoted(column) + ") FROM " +
                  quoted(table) + "), 0) + 1, false)",
              Params().add(quoted(table)).add(column)));
  }
  return {};
}

struct SourceBlob {
  std::string sha256;
  std::int64_t size = 0;
};

Result<std::vector<SourceBlob>> source_blobs(sqlite::Database& db) {
  auto query = TRY(db.prepare("SELECT sha256, size FROM blobs ORDER BY sha256"));
  std::vector<SourceBlob> blobs;
  while (TRY(query.step())) blobs.push_back({query.text(0), query.int64(1)});
  return blobs;
}

// The bytes of every blob row, read from its file and checked against its name before they are
// written: a damaged source file is refused rather than carried over.
Status copy_blobs(const BlobStore& files, Connection& target, const std::vector<SourceBlob>& blobs) {
  for (const SourceBlob& blob : blobs) {
    const std::string bytes = TRY(files.read(blob.sha256));
    if (static_cast<std::int64_t>(bytes.size()) != blob.size || sha256_hex(bytes) != blob.sha256)
      return Error::make(ErrorKind::Storage, "the blob file " + blob.sha256 +
                                                 " in the data folder does not match its name or size; nothing was copied");
    TRY(pg::write_blob_chunks(target, blob.sha256, bytes));
  }
  return {};
}

// ---- checking the target --------------------------------------------------------------------

Status check_counts(Connection& c, const std::vector<SourceTable>& tables) {
  for (const SourceTable& table : tables) {
    auto rows = TRY(c.exec("SELECT COUNT(*) FROM " + quoted(table.name)));
    if (rows.int64(0, 0) != table.rows)
      return target_error("table " + table.name + " holds " + std::to_string(rows.int64(0, 0)) +
                          " rows on PostgreSQL after the copy, " + std::to_string(table.rows) + " in the SQLite file");
  }
  return {};
}

Status check_blobs(Store& target, const std::vector<SourceBlob>& blobs, StoreMigrationReport& report) {
  for (const SourceBlob& blob : blobs) {
    const std::string bytes = TRY(target.blob_bytes(blob.sha256));
    if (sha256_hex(bytes) != blob.sha256) return target_error("blob " + blob.sha256 + " reads back differently");
    ++report.blobs;
    report.blob_bytes += static_cast<std::int64_t>(bytes.size());
  }
  return {};
}

}  // namespace

Result<StoreMigrationReport> migrate_sqlite_to_postgresql(const std::filesystem::path& data_dir,
                                                          const std::string& target_url) {
  if (!is_postgresql_url(target_url)) return Error::invalid("--to", "expects postgresql://… (a libpq URI)");
  const std::filesystem::path database_file = SqliteStore::database_path(data_dir);
  if (!std::filesystem::exists(database_file))
    return Error::invalid("--data", data_dir.string() + " holds no sanfang database");

  auto source = TRY(sqlite::Database::open(database_file, kBusyTimeout));
  TRY(migrate(source));
  const auto files = TRY(BlobStore::open({data_dir / "blobs"}));
  const auto key = TRY(core::VerificationKey::load_or_create(verification_key_file(data_dir)));

  auto pool = TRY(pg::ConnectionPool::open({target_url, 2}));
  // Refused before the schema is created or migrated: a non-empty target is left as it was.
  TRY(pool->with_connection([](Connection& c) { return require_empty_target(c); }));
  TRY(pg::migrate(*pool));
  StoreMigrationReport report;
  report.schema_version = TRY(pg::schema_version(*pool));
  report.key_fingerprint = key_fingerprint(key);
  TRY(pg::check_key_fingerprint(*pool, report.key_fingerprint, verification_key_file(data_dir)));

  // One snapshot of the source for the whole copy, one transaction on the target.
  std::vector<SourceTable> tables;
  std::vector<SourceBlob> blobs;
  {
    auto snapshot = TRY(sqlite::ReadTransaction::begin(source));
    tables = TRY(source_tables(source));
    blobs = TRY(source_blobs(source));
    TRY(pool->transact([&](Connection& c) -> Status {
      TRY(require_empty_target(c));
      TRY(require_same_schema(c, tables));
      for (const SourceTable& table : tables) TRY(copy_table(source, c, table));
      TRY(copy_blobs(files, c, blobs));
      return advance_sequences(c);
    }));
  }
  for (const SourceTable& table : tables) report.tables.push_back({table.name, table.rows});

  TRY(pool->with_connection([&](Connection& c) { return check_counts(c, tables); }));
  const auto target = TRY(open_store({target_url, data_dir, "", 2}));
  const AuditChainReport chain = TRY(target->verify_audit_chain());
  const auto source_events = std::find_if(tables.begin(), tables.end(), [](const SourceTable& t) { return t.name == "audit_log"; });
  if (!chain.intact()) return target_error("the audit chain does not verify on the target");
  if (source_events == tables.end() || chain.rows_checked != source_events->rows)
    return target_error("the audit chain on the target is not as long as the source's");
  report.audit_events = chain.rows_checked;
  TRY(check_blobs(*target, blobs, report));
  return report;
}

}  // namespace sanfang::store
