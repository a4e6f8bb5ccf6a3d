// What the SQLite file holds for accounts and sessions (SPEC "Accounts"): Argon2id hashes and
// token digests, never the secrets. The behaviour every backend shares is in
// contract/accounts_contract_test.cpp.
#include <sqlite3.h>

#include "store/secrets.h"
#include "store_fixture.h"

using namespace sanfang;
using namespace sanfang::test;

namespace {

std::string single_text(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, &sqlite3_close);
  sqlite3_stmt* raw_statement = nullptr;
  REQUIRE(sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &raw_statement, nullptr) == SQLITE_OK);
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> statement(raw_statement, &sqlite3_finalize);
  if (sqlite3_step(statement.get()) != SQLITE_ROW) return {};
  return reinterpret_cast<const char*>(sqlite3_column_text(statement.get(), 0));
}

}  // namespace

TEST_CASE("a password is stored as an Argon2id hash", "[store][accounts]") {
  StoreFixture f;
  f.add_verified_student("2022001");
  ok(f.db->create_account({"2022001", "31002X", workflow::Role::Student, "2022001", 0, "", true}, kStart));
  const auto file = store::SqliteStore::database_path(f.options().data_dir);
  const std::string hash = single_text(file, "SELECT password_hash FROM accounts WHERE username = '2022001'");
  CHECK(hash.rfind("$argon2id$", 0) == 0);
  CHECK(hash.find("31002X") == std::string::npos);
}

TEST_CASE("a session token is stored only as its hash", "[store][sessions]") {
  StoreFixture f;
  auto account = ok(f.db->create_account({"print1", "printer pass", workflow::Role::Print, "", 0, "", false}, kStart));
  const std::string token = ok(f.db->create_session(account.id, kStart));
  const auto file = store::SqliteStore::database_path(f.options().data_dir);
  CHECK(single_text(file, "SELECT token_hash FROM sessions") == store::sha256_hex(token));
  CHECK(single_text(file, "SELECT COUNT(*) FROM sessions WHERE token_hash = '" + token + "'") == "0");
}
