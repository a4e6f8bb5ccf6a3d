// Accounts and sessions (SPEC "Accounts"): Argon2id hashes, the same answer for an unknown name
// and a wrong password, a lock after 10 failures for 15 minutes, tokens stored hashed, expiry.
#include <sqlite3.h>

#include "store/secrets.h"
#include "store_fixture.h"

using namespace sanfang;
using namespace sanfang::test;
using namespace std::chrono_literals;

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

TEST_CASE("a student account stores an Argon2id hash and must change its initial password", "[store][accounts]") {
  StoreFixture f;
  f.add_verified_student("2022001");
  auto account = ok(f.db->create_account({"2022001", "31002X", workflow::Role::Student, "2022001", 0, "", true}, kStart));
  CHECK(account.must_change_password);
  CHECK(account.actor().student_no == "2022001");
  const auto file = store::SqliteStore::database_path(f.options().data_dir);
  const std::string hash = single_text(file, "SELECT password_hash FROM accounts WHERE username = '2022001'");
  CHECK(hash.rfind("$argon2id$", 0) == 0);

  CHECK(ok(f.db->check_login("2022001", "31002X", kStart)).id == account.id);
  CHECK(f.db->change_password(account.id, "wrong", "a-new-secret", "").error().kind == ErrorKind::Unauthorized);
  ok(f.db->change_password(account.id, "31002X", "a-new-secret", ""));
  CHECK_FALSE(ok(f.db->account_by_username("2022001")).must_change_password);
  CHECK(f.db->check_login("2022001", "31002X", kStart).error().kind == ErrorKind::Unauthorized);
  CHECK(f.db->check_login("2022001", "a-new-secret", kStart).ok());
}

TEST_CASE("an unknown name and a wrong password get the same answer", "[store][accounts]") {
  StoreFixture f;
  ok(f.db->create_account({"school1", "correct horse", workflow::Role::School, "", 0, "", false}, kStart));
  auto unknown = f.db->check_login("nobody", "whatever", kStart);
  auto wrong = f.db->check_login("school1", "whatever", kStart);
  REQUIRE_FALSE(unknown.ok());
  REQUIRE_FALSE(wrong.ok());
  CHECK(unknown.error().kind == wrong.error().kind);
  CHECK(unknown.error().message == wrong.error().message);
  CHECK(ok(f.db->login_throttle("nobody", kStart)).failures == 1);
  CHECK(ok(f.db->login_throttle("school1", kStart)).failures == 1);
}

TEST_CASE("ten failed logins lock the name for 15 minutes, even for the right password", "[store][accounts]") {
  StoreFixture f;
  ok(f.db->create_account({"college1", "correct horse", workflow::Role::College, "", 0, "CS", false}, kStart));
  workflow::ManualClock clock(kStart);
  for (int attempt = 1; attempt <= 9; ++attempt) {
    CHECK(f.db->check_login("college1", "guess", clock.now()).error().kind == ErrorKind::Unauthorized);
  }
  CHECK(ok(f.db->login_throttle("college1", clock.now())).failures == 9);  // >= 3: the API asks for a captcha
  CHECK(f.db->check_login("college1", "guess", clock.now()).error().kind == ErrorKind::Unauthorized);

  auto locked = f.db->check_login("college1", "correct horse", clock.now());
  REQUIRE_FALSE(locked.ok());
  CHECK(locked.error().kind == ErrorKind::Forbidden);
  CHECK(ok(f.db->login_throttle("college1", clock.now())).locked_until == kStart + 15min);

  clock.advance(15min);
  auto account = ok(f.db->check_login("college1", "correct horse", clock.now()));
  CHECK(account.college_code == "CS");
  CHECK(ok(f.db->login_throttle("college1", clock.now())).failures == 0);
}

TEST_CASE("a session token is stored only as its hash and expires", "[store][sessions]") {
  StoreFixture f;
  auto account = ok(f.db->create_account({"print1", "printer pass", workflow::Role::Print, "", 0, "", false}, kStart));
  const std::string token = ok(f.db->create_session(account.id, kStart));
  CHECK(token.size() == 64);
  CHECK(ok(f.db->account_for_session(token, kStart + 1h)).id == account.id);

  const auto file = store::SqliteStore::database_path(f.options().data_dir);
  CHECK(single_text(file, "SELECT token_hash FROM sessions") == store::sha256_hex(token));
  CHECK(single_text(file, "SELECT COUNT(*) FROM sessions WHERE token_hash = '" + token + "'") == "0");

  CHECK(f.db->account_for_session(token, kStart + f.options().session_lifetime).error().kind == ErrorKind::Unauthorized);
  CHECK(f.db->account_for_session("not-a-token", kStart).error().kind == ErrorKind::Unauthorized);
  ok(f.db->end_session(token));
  CHECK(f.db->account_for_session(token, kStart + 1h).error().kind == ErrorKind::Unauthorized);
}

TEST_CASE("a user name is taken only once", "[store][accounts]") {
  StoreFixture f;
  ok(f.db->create_account({"hr1", "password1", workflow::Role::Employer, "", f.employer_id, "", false}, kStart));
  auto again = f.db->create_account({"hr1", "password2", workflow::Role::Employer, "", f.employer_id, "", false}, kStart);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().kind == ErrorKind::Conflict);
  CHECK(again.error().field == "username");
}

TEST_CASE("a password change ends the account's other sessions and keeps the one that made it", "[store][sessions]") {
  StoreFixture f;
  auto account = ok(f.db->create_account({"centre", "first secret 1", workflow::Role::School, "", 0, "", false}, kStart));
  auto other = ok(f.db->create_account({"centre2", "other secret 2", workflow::Role::School, "", 0, "", false}, kStart));
  const std::string changing = ok(f.db->create_session(account.id, kStart));
  const std::string stolen = ok(f.db->create_session(account.id, kStart));
  const std::string someone_else = ok(f.db->create_session(other.id, kStart));

  // A wrong old password changes nothing: every session lives on.
  CHECK(f.db->change_password(account.id, "not it", "second secret 2", changing).error().kind == ErrorKind::Unauthorized);
  CHECK(f.db->account_for_session(stolen, kStart + 1h).ok());

  ok(f.db->change_password(account.id, "first secret 1", "second secret 2", changing));
  CHECK(ok(f.db->account_for_session(changing, kStart + 1h)).id == account.id);
  CHECK(f.db->account_for_session(stolen, kStart + 1h).error().kind == ErrorKind::Unauthorized);
  CHECK(ok(f.db->account_for_session(someone_else, kStart + 1h)).id == other.id);
}

TEST_CASE("a password reset ends every session and asks for a change at the next login", "[store][sessions]") {
  StoreFixture f;
  auto account = ok(f.db->create_account({"centre", "first secret 1", workflow::Role::School, "", 0, "", false}, kStart));
  const std::string session = ok(f.db->create_session(account.id, kStart));
  ok(f.db->reset_password(account.id, "reset secret 3"));
  CHECK(f.db->account_for_session(session, kStart + 1h).error().kind == ErrorKind::Unauthorized);
  CHECK(f.db->check_login("centre", "first secret 1", kStart).error().kind == ErrorKind::Unauthorized);
  CHECK(ok(f.db->check_login("centre", "reset secret 3", kStart)).must_change_password);
  CHECK(f.db->reset_password(account.id + 100, "reset secret 3").error().kind == ErrorKind::NotFound);
}
