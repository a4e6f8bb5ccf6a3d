#include "workflow/login_policy.h"

#include <string>

namespace sanfang::workflow {

Status check_login_not_locked(const LoginThrottle& throttle) {
  if (!throttle.locked_until) return {};
  return Error::make(ErrorKind::Forbidden, "登录失败次数过多，账户已暂时锁定，请" +
                                               std::to_string(kLoginLockDuration.count()) + "分钟后再试");
}

bool captcha_required(const LoginThrottle& throttle) { return throttle.failures >= kFailedLoginsBeforeCaptcha; }

Error login_failed() { return Error::make(ErrorKind::Unauthorized, "用户名或密码错误"); }

Error wechat_not_bound() {
  return Error::make(ErrorKind::Unauthorized, "该微信尚未绑定账户，请先用账号密码登录后在“微信绑定”中扫码绑定", "openid");
}

Error wechat_nonce_replayed() {
  return Error::make(ErrorKind::Conflict, "该请求已处理过（随机串重复），不能重放", "nonce");
}

Error no_wechat_binding_to_end() {
  return Error::make(ErrorKind::Conflict, "该账户没有绑定微信，无需解除绑定", "wechat_binding");
}

Error wechat_binding_token_invalid() {
  return Error::invalid("binding_token", "绑定码无效或已过期，请重新生成二维码");
}

Error wechat_binding_token_used() {
  return Error::make(ErrorKind::Conflict, "绑定码已使用，请重新生成二维码", "binding_token");
}

Error wechat_bound_to_another_account() {
  return Error::make(ErrorKind::Conflict, "该微信已绑定其他账户", "openid");
}

std::optional<Timestamp> lock_after_failed_login(int failures, Timestamp now) {
  if (failures < kFailedLoginsBeforeLock) return std::nullopt;
  return now + kLoginLockDuration;
}

Timestamp session_expires_at(Timestamp now) { return now + kSessionLifetime; }

}  // namespace sanfang::workflow
