// The libpq layer on a real server: failures mapped by SQLSTATE and constraint name, the pool's
// bound, transaction retries and the once-per-cluster lock.
#include <atomic>

#include "pg_fixture.h"
#include "store/pg/pg_pool.h"

using namespace sanfang;
using namespace sanfang::test;
using store::pg::Connection;
using store::pg::ConnectionPool;
using store::pg::Params;

TEST_CASE("a unique violation is a Conflict naming the constraint the server reports", "[store][pg]") {
  TestDatabase database;
  Connection c = database.connect();
  ok(c.run("CREATE TABLE units (code TEXT CONSTRAINT units_code_taken UNIQUE)"));
  ok(c.run("INSERT INTO units(code) VALUES ($1)", Params().add("甲")));
  auto again = c.run("INSERT INTO units(code) VALUES ($1)", Params().add("甲"));
  REQUIRE_FALSE(again.ok());
  CHECK(c.last_sqlstate() == "23505");
  CHECK(again.error().kind == ErrorKind::Conflict);
  CHECK(again.error().field == "units_code_taken");
  auto count = ok(c.exec("SELECT COUNT(*) FROM units"));
  CHECK(count.int64(0, 0) == 1);
}

TEST_CASE("a statement run many times is prepared once on its connection, transaction control is not",
          "[store][pg]") {
  TestDatabase database;
  Connection c = database.connect();
  ok(c.run("CREATE TABLE units (code TEXT)"));
  for (int i = 0; i < 20; ++i) {
    ok(c.run("BEGIN"));
    ok(c.run("INSERT INTO units(code) VALUES ($1)", Params().add(std::to_string(i))));
    ok(c.run("COMMIT"));
  }
  auto prepared = ok(c.exec("SELECT statement FROM pg_prepared_statements WHERE statement NOT LIKE '%pg_prepared%'"));
  REQUIRE(prepared.size() == 1);
  CHECK(prepared.text(0, 0) == "INSERT INTO units(code) VALUES ($1)");
  // A statement the server refuses to prepare is not remembered, and the same text works once it
  // can be prepared.
  CHECK_FALSE(c.exec("SELECT code FROM later_units").ok());
  ok(c.run("CREATE TABLE later_units (code TEXT)"));
  CHECK(ok(c.exec("SELECT code FROM later_units")).empty());
  CHECK(ok(c.exec("SELECT COUNT(*) FROM units")).int64(0, 0) == 20);
}

TEST_CASE("a schema rule refused by the store reads as the rule, in Chinese", "[store][pg]") {
  PgFixture f;
  workflow::Employer twin;
  twin.name = "另一家公司";
  twin.uscc = "91350100M000100Y43";  // the fixture's unit has it already
  auto refused = f.db->insert_employer(twin);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == ErrorKind::Conflict);
  CHECK(refused.error().field == "uscc");
  CHECK(refused.error().message == "该统一社会信用代码的单位已存在");
  CHECK(ok(f.db->search_employers("", 10)).size() == 1);
}

TEST_CASE("a server that cannot be reached is an Io error at open", "[store][pg]") {
  TempFolder folder;
  store::PgStoreOptions options;
  options.url = "postgresql://sanfang@127.0.0.1:1/nowhere?connect_timeout=5";
  options.blob_cache_dir = folder.path() / "cache";
  options.school_code = kSchoolCode;
  auto opened = store::PgStore::open(options);
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.error().kind == ErrorKind::Io);
  CHECK(opened.error().message.find("cannot connect to PostgreSQL") != std::string::npos);
}

TEST_CASE("a wrong password is refused at open with the server's answer", "[store][pg]") {
  TestDatabase database;
  TempFolder folder;
  store::PgStoreOptions options;
  options.url = database.conninfo() + " password='not the password'";
  options.blob_cache_dir = folder.path() / "cache";
  options.school_code = kSchoolCode;
  auto opened = store::PgStore::open(options);
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.error().kind == ErrorKind::Io);
  auto tables = ok(database.connect().exec("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'"));
  CHECK(tables.int64(0, 0) == 0);  // nothing was written
}

TEST_CASE("the pool answers Busy when every connection stays taken past the deadline", "[store][pg]") {
  TestDatabase database;
  auto pool = ok(ConnectionPool::open({database.conninfo(), 1, std::chrono::milliseconds{50}, 5}));
  auto held = ok(pool->acquire());
  auto waiting = pool->acquire();
  REQUIRE_FALSE(waiting.ok());
  CHECK(waiting.error().kind == ErrorKind::Busy);
}

TEST_CASE("a connection given back inside a transaction is closed, not reused", "[store][pg]") {
  TestDatabase database;
  auto pool = ok(ConnectionPool::open({database.conninfo(), 1, std::chrono::seconds{10}, 5}));
  int first_pid = 0;
  {
    auto connection = ok(pool->acquire());
    first_pid = PQbackendPID(connection->handle());
    ok(connection->run("BEGIN"));
  }
  auto next = ok(pool->acquire());
  CHECK(PQbackendPID(next->handle()) != first_pid);  // a fresh session, outside any transaction
}

TEST_CASE("a serialization failure runs the transaction again, and a lasting one ends Busy", "[store][pg]") {
  TestDatabase database;
  auto pool = ok(ConnectionPool::open({database.conninfo(), 2, std::chrono::seconds{10}, 3}));
  ok(pool->with_connection([](Connection& c) { return c.run("CREATE TABLE tries (n INTEGER)"); }));
  constexpr const char* kFailOnce =
      "DO $$ BEGIN RAISE EXCEPTION 'simulated' USING ERRCODE = 'serialization_failure'; END $$";

  int attempts = 0;
  ok(pool->transact([&](Connection& c) -> Status {
    ++attempts;
    TRY(c.run("INSERT INTO tries(n) VALUES ($1)", Params().add(attempts)));
    if (attempts == 1) TRY(c.run(kFailOnce));
    return {};
  }));
  CHECK(attempts == 2);
  auto kept = ok(pool->with_connection([](Connection& c) { return c.exec("SELECT n FROM tries"); }));
  REQUIRE(kept.size() == 1);
  CHECK(kept.int64(0, 0) == 2);  // the failed attempt's insert was rolled back

  attempts = 0;
  auto lasting = pool->transact([&](Connection& c) -> Status {
    ++attempts;
    return c.run(kFailOnce);
  });
  REQUIRE_FALSE(lasting.ok());
  CHECK(lasting.error().kind == ErrorKind::Busy);
  CHECK(attempts == 3);

  attempts = 0;
  auto domain_error = pool->transact([&](Connection&) -> Status {
    ++attempts;
    return Error::make(ErrorKind::Conflict, "lost");
  });
  CHECK(domain_error.error().kind == ErrorKind::Conflict);
  CHECK(attempts == 1);  // only the server's serialization failures are retried
}

TEST_CASE("one process of the cluster holds a named advisory lock at a time", "[store][pg]") {
  PgFixture f;
  auto other_instance = f.open_another();
  auto held = ok(f.db->try_advisory_lock("invitation expiry"));
  REQUIRE(held.has_value());
  CHECK_FALSE(ok(other_instance->try_advisory_lock("invitation expiry")).has_value());
  CHECK(ok(other_instance->try_advisory_lock("session clean-up")).has_value());
  held.reset();
  CHECK(ok(other_instance->try_advisory_lock("invitation expiry")).has_value());
}

TEST_CASE("in_one_transaction keeps all of its work or none, and a refused step inside it only undoes itself",
          "[store][pg]") {
  PgFixture f;
  auto failed = f.db->in_one_transaction([&]() -> Status {
    TRY(f.db->put_college({"EE", "电气工程学院"}));
    TRY(f.db->put_student({"S60000", "李四", "11010519491231002X", "女", "EE", "电气工程", "本科", 2026}));
    return Error::make(ErrorKind::InvalidInput, "第 2 行数据有误");
  });
  REQUIRE_FALSE(failed.ok());
  CHECK(f.db->college_name("EE").error().kind == ErrorKind::NotFound);
  CHECK(f.db->student("S60000").error().kind == ErrorKind::NotFound);

  ok(f.db->in_one_transaction([&]() -> Status {
    TRY(f.db->put_college({"EE", "电气工程学院"}));
    workflow::Employer twin;
    twin.name = "重复的单位";
    twin.uscc = "91350100M000100Y43";
    auto refused = f.db->insert_employer(twin);  // a savepoint: the transaction goes on
    if (refused.ok() || refused.error().kind != ErrorKind::Conflict)
      return Error::make(ErrorKind::Internal, "the duplicate unit was not refused");
    return f.db->put_student({"S60000", "李四", "11010519491231002X", "女", "EE", "电气工程", "本科", 2026});
  }));
  CHECK(ok(f.db->college_name("EE")) == "电气工程学院");
  CHECK(ok(f.db->student("S60000")).college_code == "EE");
  CHECK(ok(f.db->search_employers("", 10)).size() == 1);
}

TEST_CASE("a transaction on a pooled connection the server has since closed runs on a fresh one", "[store][pg]") {
  TestDatabase database;
  auto pool = ok(ConnectionPool::open({database.conninfo(), 1, std::chrono::seconds{10}, 3}));
  const int stale_pid = ok(pool->with_connection([](Connection& c) -> Result<int> { return PQbackendPID(c.handle()); }));
  auto admin = database.connect();
  auto terminated = ok(admin.exec("SELECT pg_terminate_backend($1)", Params().add(stale_pid)));
  REQUIRE(terminated.boolean(0, 0));
  // pg_terminate_backend only signals; wait until the backend has really gone.
  ok(admin.run("DO $$ BEGIN WHILE EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = " + std::to_string(stale_pid) +
               ") LOOP PERFORM pg_sleep(0.01); END LOOP; END $$"));

  const int fresh_pid = ok(pool->transact([](Connection& c) -> Result<int> {
    TRY(c.run("SELECT 1"));
    return PQbackendPID(c.handle());
  }));
  CHECK(fresh_pid != stale_pid);
}
