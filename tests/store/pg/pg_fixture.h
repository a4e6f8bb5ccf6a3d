// A real PostgreSQL for the store.pg tests: the server named by SANFANG_TEST_PG_URL (scripts/test.sh
// starts a throwaway cluster and sets it). A missing URL or a server that does not answer fails
// the test; nothing is skipped. Each fixture works in a fresh database of its own, dropped after.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "store/pg/pg_store.h"
#include "workflow/agreement_rules.h"

namespace sanfang::test {

template <typename T>
T ok(Result<T> result) {
  INFO((result.ok() ? std::string() : result.error().describe()));
  REQUIRE(result.ok());
  return std::move(result).value();
}

inline void ok(Status status) {
  INFO((status.ok() ? std::string() : status.error().describe()));
  REQUIRE(status.ok());
}

inline constexpr const char* kSchoolCode = "10731";
inline const workflow::Timestamp kStart = workflow::from_unix_seconds(1'780'000'000);

// SANFANG_TEST_PG_URL, or a failed REQUIRE.
std::string test_server_url();

class TempFolder {
 public:
  TempFolder();
  ~TempFolder();
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  const std::filesystem::path& path() const { return m_path; }

 private:
  std::filesystem::path m_path;
};

// A database created for one test on the test server, dropped (with its connections) afterwards.
class TestDatabase {
 public:
  TestDatabase();
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;
  // libpq connection string of this database.
  const std::string& conninfo() const { return m_conninfo; }
  // The same database as a postgresql:// URI (what `--db` takes).
  std::string url() const;
  // A connection of its own, for looking at tables directly.
  store::pg::Connection connect() const;

 private:
  std::string m_name;
  std::string m_conninfo;
};

struct PgFixture {
  PgFixture();

  store::PgStoreOptions options() const;
  // Another store on the same database, as a second instance would have.
  std::unique_ptr<store::PgStore> open_another() const;

  // A student of college CS and an agreement of theirs waiting for the school's final approval,
  // stored directly for a quick setup.
  std::int64_t awaiting_school(store::Store& on, const std::string& student_no);
  // The school's final approval: signs the agreement and gives it its serial.
  Result<workflow::Agreement> approve_by_school(store::Store& on, std::int64_t id);

  workflow::Actor school() const { return {workflow::Role::School, 0, "", 0, ""}; }

  TestDatabase database;
  TempFolder folder;
  std::unique_ptr<store::PgStore> db;
  std::int64_t employer_id = 0;
};

}  // namespace sanfang::test
