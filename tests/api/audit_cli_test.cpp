#include "documents_support.h"
#include "service_fixture.h"
#include "store/sqlite_store.h"

#include <sqlite3.h>

#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <memory>
#include <sys/wait.h>

using namespace sanfang;
using sanfang::testing::run_sanfang;
using sanfang::testing::DocumentsWorld;
using sanfang::testing::ServiceFixture;

namespace {

int exec_directly(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, &sqlite3_close);
  return sqlite3_exec(db.get(), sql.c_str(), nullptr, nullptr, nullptr);
}

}  // namespace

TEST_CASE("sanfang audit verify reports an intact chain with its length", "[cli][audit]") {
  ServiceFixture fixture;
  DocumentsWorld world(fixture.app());
  world.add_verified_student("2022001", "张三");
  world.sign(world.in_review("2022001"));
  const auto events = testing::require_ok(fixture.app().store->verify_audit_chain()).rows_checked;
  REQUIRE(events > 0);
  const auto result = run_sanfang("audit verify --data " + fixture.data_dir().string());
  CHECK(result.exit_status == 0);
  CHECK(result.output == "audit chain intact (" + std::to_string(events) + " events)\n");
}

TEST_CASE("sanfang audit verify names the first broken link and fails", "[cli][audit]") {
  ServiceFixture fixture;
  DocumentsWorld world(fixture.app());
  world.add_verified_student("2022001", "张三");
  world.sign(world.in_review("2022001"));
  const auto file = store::SqliteStore::database_path(fixture.data_dir());
  // Whoever edits the file can drop the guard trigger; the hash chain still tells.
  REQUIRE(exec_directly(file, "DROP TRIGGER audit_log_no_update") == SQLITE_OK);
  REQUIRE(exec_directly(file, "UPDATE audit_log SET reason = 'edited' WHERE id = 4") == SQLITE_OK);
  const auto result = run_sanfang("audit verify --data " + fixture.data_dir().string());
  CHECK(result.exit_status == 1);
  CHECK(result.output.find("audit chain broken at event 4") == 0);
}

TEST_CASE("sanfang audit verify refuses a folder without a database", "[cli][audit]") {
  const auto result = run_sanfang("audit verify --data /nonexistent/sanfang-data");
  CHECK(result.exit_status == 1);
  CHECK(result.output.find("no database") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists("/nonexistent/sanfang-data"));
  CHECK(run_sanfang("audit").exit_status == 2);
}
