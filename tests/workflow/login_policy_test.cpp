// The login policy (SPEC "Accounts"): the lock after 10 failures for 15 minutes, its wording, the
// one answer for a failed login, and the 12-hour session.
#include <catch2/catch.hpp>

#include "workflow/login_policy.h"

using namespace sanfang;
using namespace sanfang::workflow;
using namespace std::chrono_literals;

namespace {
const Timestamp kNow = from_unix_seconds(1'780'000'000);
}

TEST_CASE("a name is locked for 15 minutes at its 10th failed login, not before", "[workflow][login]") {
  for (int failures = 0; failures < 10; ++failures) CHECK_FALSE(lock_after_failed_login(failures, kNow).has_value());
  CHECK(lock_after_failed_login(10, kNow) == kNow + 15min);
  CHECK(lock_after_failed_login(11, kNow) == kNow + 15min);
}

TEST_CASE("a locked name is refused with the time to wait, an unlocked one may try", "[workflow][login]") {
  CHECK(check_login_not_locked({9, std::nullopt}).ok());
  const auto locked = check_login_not_locked({0, kNow + 15min});
  REQUIRE_FALSE(locked.ok());
  CHECK(locked.error().kind == ErrorKind::Forbidden);
  CHECK(locked.error().message == "登录失败次数过多，账户已暂时锁定，请15分钟后再试");
}

TEST_CASE("a failed login says the same whatever failed, and a session lasts 12 hours", "[workflow][login]") {
  CHECK(login_failed().kind == ErrorKind::Unauthorized);
  CHECK(login_failed().message == "用户名或密码错误");
  CHECK(login_failed().field.empty());
  CHECK(session_expires_at(kNow) == kNow + 12h);
}
