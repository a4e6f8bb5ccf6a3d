// The SQLite schema's migrations. The agreements area's behaviour, which every backend shares, is
// in contract/agreements_contract_test.cpp.
#include <sqlite3.h>

#include "store/migrations.h"
#include "store_fixture.h"

using namespace sanfang;
using namespace sanfang::test;

namespace {

int count_rows(const std::filesystem::path& file, const char* sql) {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, &sqlite3_close);
  sqlite3_stmt* raw_statement = nullptr;
  REQUIRE(sqlite3_prepare_v2(db.get(), sql, -1, &raw_statement, nullptr) == SQLITE_OK);
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> statement(raw_statement, &sqlite3_finalize);
  REQUIRE(sqlite3_step(statement.get()) == SQLITE_ROW);
  return sqlite3_column_int(statement.get(), 0);
}

}  // namespace

TEST_CASE("opening creates the data folder and migrations are applied once, also on reopen", "[store][migrations]") {
  StoreFixture f;
  const auto db_file = store::SqliteStore::database_path(f.options().data_dir);
  REQUIRE(std::filesystem::exists(db_file));
  f.add_verified_student("2022001");
  f.db.reset();
  for (int reopen = 0; reopen < 3; ++reopen) f.db = f.open_another();
  CHECK(count_rows(db_file, "SELECT COUNT(*) FROM schema_migrations") == store::latest_schema_version());
  CHECK(count_rows(db_file, "SELECT MAX(version) FROM schema_migrations") == store::latest_schema_version());
  CHECK(ok(f.db->student("2022001")).name == "张三");
}
