// The audit log is append-only and hash-chained: the store refuses edits, and an edit made behind
// its back (directly in the SQLite file) is found at the row where it happened.
#include <sqlite3.h>

#include "store/audit_chain.h"
#include "store_fixture.h"

using namespace sanfang;
using namespace sanfang::test;

namespace {

// Runs SQL on the database file with a connection of its own, as someone with file access would.
int exec_directly(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, &sqlite3_close);
  return sqlite3_exec(db.get(), sql.c_str(), nullptr, nullptr, nullptr);
}

}  // namespace

TEST_CASE("the schema refuses updates and deletes of audit rows", "[store][audit]") {
  StoreFixture f;
  f.add_verified_student("2022001");
  const auto file = store::SqliteStore::database_path(f.options().data_dir);
  CHECK(exec_directly(file, "UPDATE audit_log SET reason = 'x' WHERE id = 1") != SQLITE_OK);
  CHECK(exec_directly(file, "DELETE FROM audit_log WHERE id = 1") != SQLITE_OK);
  CHECK(ok(f.db->verify_audit_chain()).intact());
}

TEST_CASE("an audit row edited directly in the file is reported as the first broken link", "[store][audit]") {
  StoreFixture f;
  f.add_verified_student("2022001");
  f.sign("2022001");
  const auto file = store::SqliteStore::database_path(f.options().data_dir);
  // Whoever edits the file can drop the guard trigger; the hash chain still tells.
  REQUIRE(exec_directly(file, "DROP TRIGGER audit_log_no_update") == SQLITE_OK);
  REQUIRE(exec_directly(file, "UPDATE audit_log SET actor_role = 'school' WHERE id = 5") == SQLITE_OK);
  auto report = ok(f.db->verify_audit_chain());
  CHECK_FALSE(report.intact());
  CHECK(report.first_broken_id == 5);
  CHECK(report.rows_checked == 5);
}

TEST_CASE("a deleted audit row breaks the link of the row after it", "[store][audit]") {
  StoreFixture f;
  f.add_verified_student("2022001");
  f.sign("2022001");
  const auto file = store::SqliteStore::database_path(f.options().data_dir);
  REQUIRE(exec_directly(file, "DROP TRIGGER audit_log_no_delete") == SQLITE_OK);
  REQUIRE(exec_directly(file, "DELETE FROM audit_log WHERE id = 4") == SQLITE_OK);
  CHECK(ok(f.db->verify_audit_chain()).first_broken_id == 5);
}

TEST_CASE("the canonical form of an audit event is stable and covers every field", "[store][audit]") {
  workflow::AuditEvent event{"agreement", "7", "accept", 3, workflow::Role::Student,
                             workflow::from_unix_seconds(100), "invited", "accepted", "理由"};
  const std::string canonical = store::canonical_audit_event(1, event);
  CHECK(canonical ==
        R"({"action":"accept","actor_account_id":3,"actor_role":"student","at":100,"entity":"agreement",)"
        R"("entity_id":"7","from":"invited","id":1,"reason":"理由","to":"accepted"})");
  auto edited = event;
  edited.reason = "理由2";
  CHECK(store::chain_hash(store::kGenesisHash, canonical) !=
        store::chain_hash(store::kGenesisHash, store::canonical_audit_event(1, edited)));
}
