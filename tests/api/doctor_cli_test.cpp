// `sanfang doctor`: every signed agreement keeps its stored document intact and its content valid.
#include "documents_support.h"
#include "service_fixture.h"
#include "store/sqlite_store.h"

#include <sqlite3.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <memory>

using namespace sanfang;
using sanfang::testing::DocumentsWorld;
using sanfang::testing::require_ok;
using sanfang::testing::run_sanfang;
using sanfang::testing::ServiceFixture;

namespace {

std::filesystem::path stored_file(ServiceFixture& fixture, const workflow::Agreement& agreement) {
  const auto record = require_ok(fixture.app().store->signed_document(agreement.id));
  return require_ok(fixture.app().store->blob_file(record.sha256));
}

void overwrite(const std::filesystem::path& file, const std::string& bytes) {
  std::filesystem::permissions(file, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << bytes;
}

}  // namespace

TEST_CASE("sanfang doctor finds every signed agreement intact and says how many it checked", "[cli][doctor]") {
  ServiceFixture fixture;
  DocumentsWorld world(fixture.app());
  world.add_verified_student("2022001", "张三");
  world.add_verified_student("2022002", "李四");
  world.sign(world.in_review("2022001"));
  world.sign(world.in_review("2022002"));
  const auto result = run_sanfang("doctor --data " + fixture.data_dir().string());
  CHECK(result.exit_status == 0);
  CHECK(result.output.find("2 signed agreement(s) checked") == 0);
}

TEST_CASE("sanfang doctor reports a corrupted and a deleted stored document by serial and fails", "[cli][doctor]") {
  ServiceFixture fixture;
  DocumentsWorld world(fixture.app());
  world.add_verified_student("2022001", "张三");
  world.add_verified_student("2022002", "李四");
  world.add_verified_student("2022003", "王五");
  const auto corrupted = world.sign(world.in_review("2022001"));
  const auto deleted = world.sign(world.in_review("2022002"));
  const auto intact = world.sign(world.in_review("2022003"));
  overwrite(stored_file(fixture, corrupted), "%PDF-1.5 not the signed file");
  std::filesystem::remove(stored_file(fixture, deleted));

  const auto result = run_sanfang("doctor --data " + fixture.data_dir().string());
  CHECK(result.exit_status == 1);
  INFO(result.output);
  CHECK(result.output.find(*corrupted.serial + " (agreement " + std::to_string(corrupted.id) +
                           "): stored document bytes do not match the recorded hash") != std::string::npos);
  CHECK(result.output.find(*deleted.serial + " (agreement " + std::to_string(deleted.id) +
                           "): stored document file missing") != std::string::npos);
  CHECK(result.output.find(*intact.serial) == std::string::npos);
  CHECK(result.output.find("2 problem(s) in 3 signed agreement(s)") != std::string::npos);
}

TEST_CASE("sanfang doctor reports a signed agreement whose content no longer passes the field rules", "[cli][doctor]") {
  ServiceFixture fixture;
  DocumentsWorld world(fixture.app());
  world.add_verified_student("2022001", "张三");
  const auto agreement = world.sign(world.in_review("2022001"));
  {
    // Data written around the service (a hand edit of the file, past its guard trigger): an
    // impossible birth date.
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open_v2(store::SqliteStore::database_path(fixture.data_dir()).c_str(), &raw, SQLITE_OPEN_READWRITE,
                            nullptr) == SQLITE_OK);
    std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, &sqlite3_close);
    REQUIRE(sqlite3_exec(db.get(), "DROP TRIGGER agreements_signed_never_change", nullptr, nullptr, nullptr) == SQLITE_OK);
    const std::string sql = "UPDATE agreements SET snapshot = json_set(snapshot, '$.student.source_info.basic.birth_date',"
                            " '2003-02-30') WHERE id = " + std::to_string(agreement.id);
    REQUIRE(sqlite3_exec(db.get(), sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  }
  const auto result = run_sanfang("doctor --data " + fixture.data_dir().string());
  CHECK(result.exit_status == 1);
  INFO(result.output);
  CHECK(result.output.find(*agreement.serial + " (agreement " + std::to_string(agreement.id) +
                           "): content fails the field rules: student.birth_date") != std::string::npos);
}

TEST_CASE("sanfang doctor refuses a folder without a database and prints its usage for bad arguments",
          "[cli][doctor]") {
  const auto missing = run_sanfang("doctor --data /nonexistent/sanfang-data");
  CHECK(missing.exit_status == 1);
  CHECK(missing.output.find("no database") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists("/nonexistent/sanfang-data"));
  const auto usage = run_sanfang("doctor extra");
  CHECK(usage.exit_status == 2);
  CHECK(usage.output.find("usage: sanfang doctor") != std::string::npos);
}
