#include "workflow/login_policy.h"

#include <string>

namespace sanfang::workflow {

Status check_login_not_locked(const LoginThrottle& throttle) {
  if (!throttle.locked_until) return {};
  return Error::make(ErrorKind::Forbidden, "登录失败次数过多，账户已暂时锁定，请" +
                                               std::to_string(kLoginLockDuration.count()) + "分钟后再试");
}

Error login_failed() { return Error::make(ErrorKind::Unauthorized, "用户名或密码错误"); }

std::optional<Timestamp> lock_after_failed_login(int failures, Timestamp now) {
  if (failures < kFailedLoginsBeforeLock) return std::nullopt;
  return now + kLoginLockDuration;
}

Timestamp session_expires_at(Timestamp now) { return now + kSessionLifetime; }

}  // namespace sanfang::workflow
