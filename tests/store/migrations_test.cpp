// The SQLite schema's migrations. The agreements area's behaviour, which every backend shares, is
// in contract/agreements_contract_test.cpp.
#include "store/migrations.h"
#include "store/sqlite_handle.h"

#include <chrono>
#include "store_fixture.h"

using namespace sanfang;
using namespace sanfang::test;

namespace {

// `read` of `sql` prepared on the file, opened with the store's own connection wrapper.
template <typename Read>
auto read_query(const std::filesystem::path& file, const std::string& sql, Read read) {
  auto db = store::sqlite::Database::open(file, std::chrono::seconds(1));
  REQUIRE(db);
  auto statement = db->prepare(sql);
  REQUIRE(statement);
  return read(*statement);
}

int count_rows(const std::filesystem::path& file, const char* sql) {
  return read_query(file, sql, [](store::sqlite::Statement& statement) {
    REQUIRE(ok(statement.step()));
    return static_cast<int>(statement.int64(0));
  });
}

// SQLite's plan for `sql`: the detail of every step, one per line.
std::string query_plan(const std::filesystem::path& file, const std::string& sql) {
  return read_query(file, "EXPLAIN QUERY PLAN " + sql, [](store::sqlite::Statement& statement) {
    std::string plan;
    while (ok(statement.step())) plan += statement.text(3) + "\n";
    return plan;
  });
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
