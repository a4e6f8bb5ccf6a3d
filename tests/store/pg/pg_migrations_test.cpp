// Schema migrations on a real server: instances starting together migrate once, a newer schema is
// refused untouched, and every instance must carry the same verification key.
#include <latch>
#include <mutex>
#include <thread>

#include "pg_fixture.h"
#include "store/migrations.h"
#include "store/pg/pg_migrations.h"

using namespace sanfang;
using namespace sanfang::test;

TEST_CASE("PostgreSQL migrations carry the same version numbers as SQLite's", "[store][pg]") {
  CHECK(store::pg::latest_schema_version() == store::latest_schema_version());
}

TEST_CASE("four instances starting together on an empty database migrate it once", "[store][pg]") {
  TestDatabase database;
  TempFolder folder;
  store::PgStoreOptions options;
  options.url = database.conninfo();
  options.blob_cache_dir = folder.path() / "cache";
  options.school_code = kSchoolCode;

  constexpr int kStarters = 4;
  std::latch start(kStarters);
  std::mutex results_mutex;
  std::vector<std::string> failures;
  std::vector<std::thread> threads;
  // No Catch assertions inside the threads: Catch2 v2 is not thread-safe.
  for (int i = 0; i < kStarters; ++i) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      auto opened = store::PgStore::open(options);
      if (!opened.ok()) {
        std::lock_guard lock(results_mutex);
        failures.push_back(opened.error().describe());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  INFO((failures.empty() ? std::string() : failures.front()));
  CHECK(failures.empty());

  auto c = database.connect();
  auto versions = ok(c.exec("SELECT version, COUNT(*) FROM schema_migrations GROUP BY version ORDER BY version"));
  REQUIRE(versions.size() == store::pg::latest_schema_version());
  for (int r = 0; r < versions.size(); ++r) {
    CHECK(versions.int64(r, 0) == r + 1);
    CHECK(versions.int64(r, 1) == 1);
  }
}

TEST_CASE("a database migrated by a newer build is refused and left as it was", "[store][pg]") {
  PgFixture f;
  auto c = f.database.connect();
  const int newer = store::pg::latest_schema_version() + 1;
  ok(c.run("INSERT INTO schema_migrations(version) VALUES ($1)", store::pg::Params().add(newer)));
  ok(c.run("CREATE TABLE from_the_future (id INTEGER)"));

  auto opened = store::PgStore::open(f.options());
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.error().kind == ErrorKind::Storage);
  CHECK(opened.error().message.find("schema version " + std::to_string(newer) + " is newer") != std::string::npos);
  auto versions = ok(c.exec("SELECT MAX(version), COUNT(*) FROM schema_migrations"));
  CHECK(versions.int64(0, 0) == newer);
  CHECK(versions.int64(0, 1) == newer);
  CHECK(ok(c.exec("SELECT to_regclass('from_the_future') IS NOT NULL")).boolean(0, 0));
}

TEST_CASE("an instance whose verification key differs from the recorded one is refused", "[store][pg]") {
  PgFixture f;
  const std::string first = std::string(64, 'a');
  const std::string other = std::string(64, 'b');
  ok(f.db->check_key_fingerprint(first, "/srv/a/verification.key"));
  auto second_instance = f.open_another();
  ok(second_instance->check_key_fingerprint(first, "/srv/b/verification.key"));  // a copy: same key

  auto refused = second_instance->check_key_fingerprint(other, "/srv/c/verification.key");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == ErrorKind::Conflict);
  CHECK(refused.error().message.find("/srv/c/verification.key") != std::string::npos);
  auto recorded = ok(f.database.connect().exec("SELECT value FROM store_meta WHERE key = 'verification_key_fingerprint'"));
  REQUIRE(recorded.size() == 1);
  CHECK(recorded.text(0, 0) == first);
}
