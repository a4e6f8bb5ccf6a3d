// The accounts area's contract (store/account_store.h): accounts and passwords, the login
// throttle as the login policy (workflow/login_policy.h) has it, sessions, API keys, captchas and
// WeChat bindings.
#include "contract/contract_fixture.h"
#include "workflow/login_policy.h"

namespace sanfang::test::contract {
namespace {

using namespace std::chrono_literals;

store::NewAccount school_account(const std::string& username, const std::string& password) {
  return {username, password, workflow::Role::School, "", 0, "", false};
}

// ---- accounts and passwords ----

TEST_CASE("an account is created with its scope, found by name, and a name is taken only once",
          "[contract][accounts]") {
  EACH_STORE_BACKEND(f);
  const auto hr = ok(f.db->create_account({"hr1", "password1", workflow::Role::Employer, "", f.employer_id, "", false}, kStart));
  CHECK(hr.id > 0);
  CHECK(hr.role == workflow::Role::Employer);
  CHECK(hr.employer_id == f.employer_id);
  CHECK_FALSE(hr.must_change_password);
  const auto reviewer = ok(f.db->create_account({"college1", "password1", workflow::Role::College, "", 0, "CS", true}, kStart));
  CHECK(reviewer.college_code == "CS");
  CHECK(reviewer.must_change_password);
  CHECK(ok(f.db->account_by_username("hr1")).id == hr.id);
  CHECK(f.db->account_by_username("nobody").error().kind == ErrorKind::NotFound);

  auto again = f.db->create_account({"hr1", "password2", workflow::Role::Employer, "", f.employer_id, "", false}, kStart);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().kind == ErrorKind::Conflict);
  CHECK(again.error().field == "username");
  CHECK(f.db->check_login("hr1", "password2", kStart).error().kind == ErrorKind::Unauthorized);

  auto unnamed = f.db->create_account(school_account("", "password3"), kStart);
  REQUIRE_FALSE(unnamed.ok());
  CHECK(unnamed.error().kind == ErrorKind::InvalidInput);
  CHECK(unnamed.error().field == "username");
}

TEST_CASE("a password change needs the old password and clears the forced change", "[contract][accounts]") {
  EACH_STORE_BACKEND(f);
  f.add_verified_student("2022001");
  auto account = ok(f.db->create_account({"2022001", "31002X", workflow::Role::Student, "2022001", 0, "", true}, kStart));
  CHECK(account.must_change_password);
  CHECK(account.actor().student_no == "2022001");
  CHECK(ok(f.db->check_login("2022001", "31002X", kStart)).id == account.id);

  const auto wrong = f.db->change_password(account.id, "wrong", "a-new-secret", "");
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().kind == ErrorKind::Unauthorized);
  CHECK(wrong.error().field == "old_password");
  CHECK(ok(f.db->account_by_username("2022001")).must_change_password);
  CHECK(f.db->check_login("2022001", "31002X", kStart).ok());

  ok(f.db->change_password(account.id, "31002X", "a-new-secret", ""));
  CHECK_FALSE(ok(f.db->account_by_username("2022001")).must_change_password);
  CHECK(f.db->check_login("2022001", "31002X", kStart).error().kind == ErrorKind::Unauthorized);
  CHECK(f.db->check_login("2022001", "a-new-secret", kStart).ok());
  CHECK(f.db->change_password(account.id + 100, "a-new-secret", "another-secret", "").error().kind ==
        ErrorKind::NotFound);
}

TEST_CASE("a password change ends the account's other sessions and keeps the one that made it",
          "[contract][accounts][sessions]") {
  EACH_STORE_BACKEND(f);
  auto account = ok(f.db->create_account(school_account("centre", "first secret 1"), kStart));
  auto other = ok(f.db->create_account(school_account("centre2", "other secret 2"), kStart));
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

TEST_CASE("a password reset ends every session and asks for a change at the next login",
          "[contract][accounts][sessions]") {
  EACH_STORE_BACKEND(f);
  auto account = ok(f.db->create_account(school_account("centre", "first secret 1"), kStart));
  const std::string session = ok(f.db->create_session(account.id, kStart));
  const workflow::AuditEvent reset{"account", std::to_string(account.id), "password.reset", 7,
                                   workflow::Role::School, kStart, "", "", ""};
  ok(f.db->reset_password(account.id, "reset secret 3", reset));
  CHECK(f.db->account_for_session(session, kStart + 1h).error().kind == ErrorKind::Unauthorized);
  CHECK(f.db->check_login("centre", "first secret 1", kStart).error().kind == ErrorKind::Unauthorized);
  CHECK(ok(f.db->check_login("centre", "reset secret 3", kStart)).must_change_password);
  const auto trail = ok(f.db->audit_trail("account", std::to_string(account.id)));
  REQUIRE(trail.size() == 1);
  CHECK(trail[0].event.action == "password.reset");
  CHECK(trail[0].event.actor_account_id == 7);
  // An unknown account: nothing is reset and nothing is recorded.
  const std::int64_t chain = ok(f.db->verify_audit_chain()).rows_checked;
  CHECK(f.db->reset_password(account.id + 100, "reset secret 3", reset).error().kind == ErrorKind::NotFound);
  CHECK(ok(f.db->verify_audit_chain()).rows_checked == chain);
}

// ---- the login throttle ----

TEST_CASE("an unknown name and a wrong password get the same answer and are both counted",
          "[contract][accounts][throttle]") {
  EACH_STORE_BACKEND(f);
  ok(f.db->create_account(school_account("school1", "correct horse"), kStart));
  CHECK(ok(f.db->login_throttle("school1", kStart)).failures == 0);
  auto unknown = f.db->check_login("nobody", "whatever", kStart);
  auto wrong = f.db->check_login("school1", "whatever", kStart);
  REQUIRE_FALSE(unknown.ok());
  REQUIRE_FALSE(wrong.ok());
  CHECK(unknown.error().kind == ErrorKind::Unauthorized);
  CHECK(unknown.error().kind == wrong.error().kind);
  CHECK(unknown.error().message == wrong.error().message);
  CHECK(ok(f.db->login_throttle("nobody", kStart)).failures == 1);
  CHECK(ok(f.db->login_throttle("school1", kStart)).failures == 1);

  // A success starts the count again.
  ok(f.db->check_login("school1", "correct horse", kStart));
  CHECK(ok(f.db->login_throttle("school1", kStart)).failures == 0);
  CHECK(ok(f.db->login_throttle("nobody", kStart)).failures == 1);
}

TEST_CASE("ten failed logins lock the name for 15 minutes, even for the right password",
          "[contract][accounts][throttle]") {
  EACH_STORE_BACKEND(f);
  ok(f.db->create_account({"college1", "correct horse", workflow::Role::College, "", 0, "CS", false}, kStart));
  workflow::ManualClock clock(kStart);
  for (int attempt = 1; attempt < workflow::kFailedLoginsBeforeLock; ++attempt) {
    CHECK(f.db->check_login("college1", "guess", clock.now()).error().kind == ErrorKind::Unauthorized);
  }
  const auto before_lock = ok(f.db->login_throttle("college1", clock.now()));
  CHECK(before_lock.failures == workflow::kFailedLoginsBeforeLock - 1);
  CHECK_FALSE(before_lock.locked_until.has_value());
  CHECK(f.db->check_login("college1", "guess", clock.now()).error().kind == ErrorKind::Unauthorized);

  auto locked = f.db->check_login("college1", "correct horse", clock.now());
  REQUIRE_FALSE(locked.ok());
  CHECK(locked.error().kind == ErrorKind::Forbidden);
  CHECK(locked.error().message == "登录失败次数过多，账户已暂时锁定，请15分钟后再试");
  CHECK(ok(f.db->login_throttle("college1", clock.now())).locked_until == kStart + 15min);
  // Attempts while locked are not counted: the name gets its fresh set of attempts afterwards.
  CHECK(ok(f.db->login_throttle("college1", clock.now())).failures == 0);

  clock.advance(15min);
  CHECK_FALSE(ok(f.db->login_throttle("college1", clock.now())).locked_until.has_value());
  auto account = ok(f.db->check_login("college1", "correct horse", clock.now()));
  CHECK(account.college_code == "CS");
  CHECK(ok(f.db->login_throttle("college1", clock.now())).failures == 0);
}

// ---- sessions ----

TEST_CASE("a session lasts 12 hours, an unknown token is refused, and an ended session is gone",
          "[contract][accounts][sessions]") {
  EACH_STORE_BACKEND(f);
  auto account = ok(f.db->create_account({"print1", "printer pass", workflow::Role::Print, "", 0, "", false}, kStart));
  const std::string token = ok(f.db->create_session(account.id, kStart));
  CHECK(token.size() == 64);
  CHECK(ok(f.db->create_session(account.id, kStart)) != token);
  CHECK(ok(f.db->account_for_session(token, kStart + 1h)).id == account.id);
  CHECK(ok(f.db->account_for_session(token, workflow::session_expires_at(kStart) - 1s)).id == account.id);
  CHECK(f.db->account_for_session(token, kStart + 12h).error().kind == ErrorKind::Unauthorized);
  CHECK(f.db->account_for_session("not-a-token", kStart).error().kind == ErrorKind::Unauthorized);

  ok(f.db->end_session(token));
  CHECK(f.db->account_for_session(token, kStart + 1h).error().kind == ErrorKind::Unauthorized);
  ok(f.db->end_session(token));  // ending it again is harmless
}

// ---- API keys ----

TEST_CASE("an API key names its account until the account's keys are revoked", "[contract][accounts][api_keys]") {
  EACH_STORE_BACKEND(f);
  auto portal = ok(f.db->create_account({"portal", "portal secret", workflow::Role::Portal, "", 0, "", false}, kStart));
  auto printer = ok(f.db->create_account({"printer", "printer secret", workflow::Role::Print, "", 0, "", false}, kStart));
  const std::string first = ok(f.db->create_api_key(portal.id, "first", kStart, {})).key;
  const std::string second = ok(f.db->create_api_key(portal.id, "second", kStart, {})).key;
  const std::string other = ok(f.db->create_api_key(printer.id, "print room", kStart, {})).key;
  CHECK(first != second);
  CHECK(ok(f.db->account_for_api_key(first)).id == portal.id);
  CHECK(ok(f.db->account_for_api_key(other)).id == printer.id);
  CHECK(f.db->account_for_api_key("not-a-key").error().kind == ErrorKind::Unauthorized);

  CHECK(ok(f.db->revoke_api_keys(portal.id, kStart)) == 2);
  CHECK(f.db->account_for_api_key(first).error().kind == ErrorKind::Unauthorized);
  CHECK(f.db->account_for_api_key(second).error().kind == ErrorKind::Unauthorized);
  CHECK(ok(f.db->account_for_api_key(other)).id == printer.id);
  CHECK(ok(f.db->revoke_api_keys(portal.id, kStart)) == 0);

  const std::string renewed = ok(f.db->create_api_key(portal.id, "renewed", kStart + 1h, {})).key;
  CHECK(ok(f.db->account_for_api_key(renewed)).id == portal.id);
}

TEST_CASE("one named key of several is revoked while the others keep working, each change audited",
          "[contract][accounts][api_keys]") {
  EACH_STORE_BACKEND(f);
  auto portal = ok(f.db->create_account({"portal", "portal secret", workflow::Role::Portal, "", 0, "", false}, kStart));
  const workflow::AuditEvent issued{"account", "", "api_key.create", 1, workflow::Role::Admin, kStart, "", "", ""};
  const auto old_key = ok(f.db->create_api_key(portal.id, "2026 春", kStart, {issued}));
  const auto new_key = ok(f.db->create_api_key(portal.id, "2026 秋", kStart + 1h, {issued}));
  CHECK(new_key.info.id != old_key.info.id);

  const workflow::AuditEvent revoked{"account", "", "api_key.revoke", 1, workflow::Role::Admin, kStart + 2h, "", "", ""};
  REQUIRE(f.db->revoke_api_key(portal.id, old_key.info.id, kStart + 2h, revoked).ok());
  CHECK(f.db->account_for_api_key(old_key.key).error().kind == ErrorKind::Unauthorized);
  CHECK(ok(f.db->account_for_api_key(new_key.key)).id == portal.id);

  const auto keys = ok(f.db->api_keys(portal.id));
  REQUIRE(keys.size() == 2);
  CHECK(keys[0].name == "2026 春");
  CHECK(keys[0].revoked_at == kStart + 2h);
  CHECK(keys[1].name == "2026 秋");
  CHECK_FALSE(keys[1].revoked_at.has_value());

  const Status again = f.db->revoke_api_key(portal.id, old_key.info.id, kStart + 3h, revoked);
  CHECK(again.error().kind == ErrorKind::Conflict);
  const Status foreign = f.db->revoke_api_key(portal.id + 1000, new_key.info.id, kStart + 3h, revoked);
  CHECK(foreign.error().kind == ErrorKind::NotFound);
  CHECK(ok(f.db->account_for_api_key(new_key.key)).id == portal.id);

  std::vector<std::string> actions;
  for (const auto& record : ok(f.db->audit_trail("account", std::to_string(portal.id))))
    actions.push_back(record.event.action);
  CHECK(actions == std::vector<std::string>{"api_key.create", "api_key.create", "api_key.revoke"});
}

// ---- administration ----

TEST_CASE("an account opened with its audit record is stored with it, and a taken name stores neither",
          "[contract][accounts][admin]") {
  EACH_STORE_BACKEND(f);
  const workflow::AuditEvent opened{"account", "", "create", 0, workflow::Role::System, kStart, "", "college", ""};
  const auto reviewer = ok(f.db->create_audited_account(
      {"reviewer.cs", "Qw3rty!xyz-long", workflow::Role::College, "", 0, "CS", true}, kStart, opened));
  CHECK(ok(f.db->account_by_id(reviewer.id)).username == "reviewer.cs");
  const auto trail = ok(f.db->audit_trail("account", std::to_string(reviewer.id)));
  REQUIRE(trail.size() == 1);
  CHECK(trail[0].event.action == "create");

  const auto before = ok(f.db->count_audit({}));
  auto taken = f.db->create_audited_account({"reviewer.cs", "Qw3rty!xyz-long", workflow::Role::School, "", 0, "", true},
                                            kStart, opened);
  REQUIRE_FALSE(taken.ok());
  CHECK(taken.error().kind == ErrorKind::Conflict);
  CHECK(ok(f.db->count_audit({})) == before);
  CHECK(f.db->account_by_id(reviewer.id + 1000).error().kind == ErrorKind::NotFound);
}

TEST_CASE("the account list filters by role, college, state and name fragment and counts past its page",
          "[contract][accounts][admin]") {
  EACH_STORE_BACKEND(f);
  for (const char* name : {"cs.li", "cs.wang", "math.zhao"})
    ok(f.db->create_account({name, "password1", workflow::Role::College, "", 0,
                             std::string(name).rfind("cs", 0) == 0 ? "CS" : "MATH", false},
                            kStart));
  const auto office = ok(f.db->create_account(school_account("office", "password1"), kStart));
  const workflow::AuditEvent stopped{"account", "", "disable", 0, workflow::Role::System, kStart, "enabled", "disabled", ""};
  ok(f.db->set_account_disabled(office.id, true, stopped));

  store::AccountQuery colleges;
  colleges.role = workflow::Role::College;
  CHECK(ok(f.db->count_accounts(colleges)) == 3);
  colleges.college_code = "CS";
  colleges.limit = 1;
  const auto page = ok(f.db->list_accounts(colleges));
  REQUIRE(page.size() == 1);
  CHECK(page[0].username == "cs.li");
  CHECK(ok(f.db->count_accounts(colleges)) == 2);
  colleges.offset = 1;
  CHECK(ok(f.db->list_accounts(colleges))[0].username == "cs.wang");

  store::AccountQuery fragment;
  fragment.username_part = "WANG";
  CHECK(ok(f.db->count_accounts(fragment)) == 1);
  fragment.username_part = "%";
  CHECK(ok(f.db->count_accounts(fragment)) == 0);

  store::AccountQuery disabled;
  disabled.disabled = true;
  const auto stopped_accounts = ok(f.db->list_accounts(disabled));
  REQUIRE(stopped_accounts.size() == 1);
  CHECK(stopped_accounts[0].id == office.id);
  CHECK(stopped_accounts[0].disabled);
}

TEST_CASE("disabling an account ends its sessions and is audited, and enabling it keeps them ended",
          "[contract][accounts][admin]") {
  EACH_STORE_BACKEND(f);
  const auto office = ok(f.db->create_account(school_account("office", "password1"), kStart));
  const std::string session = ok(f.db->create_session(office.id, kStart));
  const workflow::AuditEvent stop{"account", "", "disable", 0, workflow::Role::System, kStart, "enabled", "disabled", ""};
  const auto disabled = ok(f.db->set_account_disabled(office.id, true, stop));
  CHECK(disabled.disabled);
  CHECK(f.db->account_for_session(session, kStart).error().kind == ErrorKind::Unauthorized);
  CHECK(ok(f.db->account_by_username("office")).disabled);

  const workflow::AuditEvent start{"account", "", "enable", 0, workflow::Role::System, kStart, "disabled", "enabled", ""};
  CHECK_FALSE(ok(f.db->set_account_disabled(office.id, false, start)).disabled);
  CHECK(f.db->account_for_session(session, kStart).error().kind == ErrorKind::Unauthorized);
  CHECK(ok(f.db->audit_trail("account", std::to_string(office.id))).size() == 2);
  CHECK(f.db->set_account_disabled(office.id + 1000, true, stop).error().kind == ErrorKind::NotFound);
}

TEST_CASE("a captcha is checked once, right or wrong, and not after it expired", "[contract][accounts][captcha]") {
  EACH_STORE_BACKEND(f);
  const auto expires = kStart + 5min;
  ok(f.db->create_captcha("c1", "digest-1", expires, kStart));
  CHECK(ok(f.db->consume_captcha("c1", "digest-1", kStart)));
  CHECK_FALSE(ok(f.db->consume_captcha("c1", "digest-1", kStart)));  // single use

  ok(f.db->create_captcha("c2", "digest-2", expires, kStart));
  CHECK_FALSE(ok(f.db->consume_captcha("c2", "wrong", kStart)));
  CHECK_FALSE(ok(f.db->consume_captcha("c2", "digest-2", kStart)));  // a wrong guess used it up

  ok(f.db->create_captcha("c3", "digest-3", expires, kStart));
  CHECK_FALSE(ok(f.db->consume_captcha("c3", "digest-3", expires)));
  CHECK_FALSE(ok(f.db->consume_captcha("unknown", "digest-3", kStart)));

  // Making a new one prunes expired ones without touching live ones.
  ok(f.db->create_captcha("c4", "digest-4", expires, kStart));
  ok(f.db->create_captcha("c5", "digest-5", expires + 10min, expires + 1s));
  CHECK(ok(f.db->consume_captcha("c5", "digest-5", expires + 1s)));
  CHECK_FALSE(ok(f.db->consume_captcha("c4", "digest-4", kStart)));
}

// ---- WeChat binding ----

// What the application layer hands the store for a binding; the store fills in whose it is.
workflow::AuditEvent binding_event(workflow::Timestamp at) {
  return {"account", "", "wechat.bind", 0, workflow::Role::System, at, "unbound", "bound", ""};
}

TEST_CASE("a WeChat binding token binds once, is audited, and an openid belongs to one account", "[contract][accounts][wechat]") {
  EACH_STORE_BACKEND(f);
  f.add_verified_student("2022001");
  auto student = ok(f.db->create_account({"2022001", "student secret", workflow::Role::Student, "2022001", 0, "", false}, kStart));
  auto other = ok(f.db->create_account(school_account("centre", "centre secret"), kStart));
  CHECK_FALSE(ok(f.db->wechat_bound(student.id)));

  const std::string token = ok(f.db->create_wechat_binding_token(student.id, kStart + 10min, kStart));
  CHECK(token.size() == 64);
  CHECK(ok(f.db->complete_wechat_binding(token, "openid-1", kStart + 1min, binding_event(kStart + 1min))).id == student.id);
  CHECK(ok(f.db->wechat_bound(student.id)));

  const auto reused = f.db->complete_wechat_binding(token, "openid-1", kStart + 2min, binding_event(kStart + 2min));
  REQUIRE_FALSE(reused.ok());
  CHECK(reused.error().kind == ErrorKind::Conflict);
  CHECK(reused.error().field == "binding_token");

  const auto unknown = f.db->complete_wechat_binding("not-a-token", "openid-2", kStart, binding_event(kStart));
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().kind == ErrorKind::InvalidInput);
  CHECK(unknown.error().field == "binding_token");

  const std::string late = ok(f.db->create_wechat_binding_token(other.id, kStart + 10min, kStart));
  const auto expired = f.db->complete_wechat_binding(late, "openid-2", kStart + 10min, binding_event(kStart + 10min));
  REQUIRE_FALSE(expired.ok());
  CHECK(expired.error().kind == ErrorKind::InvalidInput);
  CHECK_FALSE(ok(f.db->wechat_bound(other.id)));

  const std::string taken = ok(f.db->create_wechat_binding_token(other.id, kStart + 10min, kStart));
  const auto someone_elses = f.db->complete_wechat_binding(taken, "openid-1", kStart + 1min, binding_event(kStart + 1min));
  REQUIRE_FALSE(someone_elses.ok());
  CHECK(someone_elses.error().kind == ErrorKind::Conflict);
  CHECK(someone_elses.error().field == "openid");
  CHECK_FALSE(ok(f.db->wechat_bound(other.id)));
  // The refused attempt did not use the token up.
  CHECK(ok(f.db->complete_wechat_binding(taken, "openid-3", kStart + 1min, binding_event(kStart + 1min))).id == other.id);
  // Only the binding that happened is in the audit log; the refused attempts wrote nothing.
  CHECK(ok(f.db->audit_trail("account", std::to_string(other.id))).size() == 1);
}

TEST_CASE("a bound openid finds its account until the binding is ended, which is audited once",
          "[contract][accounts][wechat]") {
  EACH_STORE_BACKEND(f);
  f.add_verified_student("2022001");
  auto student = ok(f.db->create_account({"2022001", "student secret", workflow::Role::Student, "2022001", 0, "", false}, kStart));
  const auto never_bound = f.db->account_for_wechat("openid-1");
  REQUIRE_FALSE(never_bound.ok());
  CHECK(never_bound.error().kind == ErrorKind::Unauthorized);
  CHECK(never_bound.error().field == "openid");

  const std::string token = ok(f.db->create_wechat_binding_token(student.id, kStart + 10min, kStart));
  ok(f.db->complete_wechat_binding(token, "openid-1", kStart + 1min, binding_event(kStart + 1min)));
  const auto found = ok(f.db->account_for_wechat("openid-1"));
  CHECK(found.id == student.id);
  CHECK(found.student_no == "2022001");
  CHECK(found.role == workflow::Role::Student);

  workflow::AuditEvent unbound{"account", "", "wechat.unbind", student.id, workflow::Role::Student,
                               kStart + 2min, "bound", "unbound", ""};
  ok(f.db->unbind_wechat(student.id, unbound));
  CHECK_FALSE(ok(f.db->wechat_bound(student.id)));
  CHECK(f.db->account_for_wechat("openid-1").error().kind == ErrorKind::Unauthorized);
  auto trail = ok(f.db->audit_trail("account", std::to_string(student.id)));
  REQUIRE(trail.size() == 2);
  CHECK(trail[0].event.action == "wechat.bind");
  CHECK(trail[0].event.actor_account_id == student.id);
  CHECK(trail[0].event.actor_role == workflow::Role::Student);
  CHECK(trail[0].event.to_state == "bound");
  CHECK(trail[1].event.action == "wechat.unbind");
  CHECK(trail[1].event.actor_account_id == student.id);
  CHECK(trail[1].event.to_state == "unbound");

  // Nothing left to end: refused, and no second audit record.
  const auto again = f.db->unbind_wechat(student.id, unbound);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().kind == ErrorKind::Conflict);
  CHECK(ok(f.db->audit_trail("account", std::to_string(student.id))).size() == 2);
  CHECK(ok(f.db->verify_audit_chain()).intact());

  // The openid is free again: a new binding signs the account in again.
  const std::string rebind = ok(f.db->create_wechat_binding_token(student.id, kStart + 20min, kStart + 10min));
  ok(f.db->complete_wechat_binding(rebind, "openid-1", kStart + 11min, binding_event(kStart + 11min)));
  CHECK(ok(f.db->account_for_wechat("openid-1")).id == student.id);
}

TEST_CASE("a WeChat callback nonce is refused when replayed and forgotten once it is too old",
          "[contract][accounts][wechat]") {
  EACH_STORE_BACKEND(f);
  const auto window = 5min;
  ok(f.db->record_wechat_nonce("nonce-1", kStart, kStart - window));
  const auto replay = f.db->record_wechat_nonce("nonce-1", kStart + 1s, kStart + 1s - window);
  REQUIRE_FALSE(replay.ok());
  CHECK(replay.error().kind == ErrorKind::Conflict);
  CHECK(replay.error().field == "nonce");
  ok(f.db->record_wechat_nonce("nonce-2", kStart + 1s, kStart + 1s - window));

  // Past the window a callback with that nonce is refused by its timestamp already.
  const auto later = kStart + window + 1s;
  ok(f.db->record_wechat_nonce("nonce-1", later, later - window));
}

TEST_CASE("credentials past their end are forgotten, and live ones kept", "[contract][accounts]") {
  EACH_STORE_BACKEND(f);
  f.add_verified_student("2022001");
  auto student = ok(f.db->create_account({"2022001", "student secret", workflow::Role::Student, "2022001", 0, "", false}, kStart));
  const std::string old_session = ok(f.db->create_session(student.id, kStart));
  ok(f.db->create_captcha("old-captcha", "digest", kStart + 5min, kStart));
  ok(f.db->create_wechat_binding_token(student.id, kStart + 10min, kStart));

  const auto later = kStart + workflow::kSessionLifetime + 1min;
  CHECK(ok(f.db->forget_expired_credentials(later)) == 3);

  const std::string live_session = ok(f.db->create_session(student.id, later));
  ok(f.db->create_captcha("live-captcha", "digest", later + 5min, later));
  const std::string live_token = ok(f.db->create_wechat_binding_token(student.id, later + 10min, later));
  CHECK(ok(f.db->forget_expired_credentials(later)) == 0);
  CHECK(ok(f.db->account_for_session(live_session, later)).id == student.id);
  CHECK(ok(f.db->consume_captcha("live-captcha", "digest", later)));
  CHECK(ok(f.db->complete_wechat_binding(live_token, "openid-1", later, binding_event(later))).id == student.id);
  CHECK(f.db->account_for_session(old_session, kStart + 1min).error().kind == ErrorKind::Unauthorized);
}

}  // namespace
}  // namespace sanfang::test::contract
