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

// SQLite's plan for `sql`: the detail of every step, one per line.
std::string query_plan(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, &sqlite3_close);
  sqlite3_stmt* raw_statement = nullptr;
  REQUIRE(sqlite3_prepare_v2(db.get(), ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &raw_statement, nullptr) == SQLITE_OK);
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> statement(raw_statement, &sqlite3_finalize);
  std::string plan;
  while (sqlite3_step(statement.get()) == SQLITE_ROW)
    plan += std::string(reinterpret_cast<const char*>(sqlite3_column_text(statement.get(), 3))) + "\n";
  return plan;
}

}  // namespace

TEST_CASE("a college's students and an account's audit entries are searched by index, not scanned",
          "[store][migrations]") {
  StoreFixture f;
  const auto db_file = store::SqliteStore::database_path(f.options().data_dir);
  const std::string by_college =
      query_plan(db_file, "SELECT s.student_no FROM students s WHERE s.college_code = '01' ORDER BY s.student_no");
  INFO(by_college);
  CHECK(by_college.find("USING COVERING INDEX students_by_college") != std::string::npos);
  const std::string by_actor = query_plan(
      db_file,
      "SELECT COUNT(*) FROM audit_log WHERE entity = 'employer' AND action = 'register' AND actor_account_id = 1");
  INFO(by_actor);
  CHECK(by_actor.find("USING INDEX audit_log_by_actor") != std::string::npos);
}

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
