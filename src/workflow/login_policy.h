// The login policy (SPEC "Accounts"): after 10 failed logins a user name is locked for 15
// minutes, also for the right password; an unknown name and a wrong password get the same
// answer; a session lasts 12 hours. The store counts failures and keeps lock times and session
// expiries as facts; what they mean and what the person is told is decided here, once, for every
// store implementation.
//
// Trade-off: the lock is per user name, not per client address, so that a guesser spread over
// many addresses is stopped too; the price is that someone can lock a known name out for 15
// minutes on purpose, which the captcha after 3 failures makes slow.
#pragma once

#include <chrono>
#include <optional>

#include "core/result.h"
#include "workflow/clock.h"

namespace sanfang::workflow {

inline constexpr int kFailedLoginsBeforeLock = 10;
inline constexpr std::chrono::minutes kLoginLockDuration{15};
inline constexpr std::chrono::hours kSessionLifetime{12};
// After 3 failed logins a captcha must come with the next try; a captcha can be answered for 5
// minutes.
inline constexpr int kFailedLoginsBeforeCaptcha = 3;
inline constexpr std::chrono::minutes kCaptchaLifetime{5};

// What the store reports about a user name: consecutive failed logins since the last success or
// lock, and the end of a lock that is still in force.
struct LoginThrottle {
  int failures = 0;
  std::optional<Timestamp> locked_until;
};

// Forbidden, telling the person to wait, while the name is locked.
Status check_login_not_locked(const LoginThrottle& throttle);

// Whether the next login of the name must bring a solved captcha.
bool captcha_required(const LoginThrottle& throttle);

// The one answer for an unknown name and for a wrong password (Unauthorized).
Error login_failed();

// WeChat sign-in (SPEC "Accounts"): an openid no account is bound to — never bound, or unbound
// since — signs nobody in (Unauthorized naming openid); unbinding an account that has no binding
// is a conflict with its state (naming wechat_binding).
Error wechat_not_bound();
// A signed WeChat callback whose nonce was seen before: a replay (Conflict naming nonce).
Error wechat_nonce_replayed();
Error no_wechat_binding_to_end();
// A binding callback whose token is unknown or expired (InvalidInput), used already (Conflict), or
// whose openid is bound to another account (Conflict), all naming the member at fault.
Error wechat_binding_token_invalid();
Error wechat_binding_token_used();
Error wechat_bound_to_another_account();

// After a failed login brought the count to `failures` at `now`: the end of the lock the name
// gets now, or nullopt while it may keep trying. A lock restarts the count.
std::optional<Timestamp> lock_after_failed_login(int failures, Timestamp now);

// When a session opened at `now` stops being accepted.
Timestamp session_expires_at(Timestamp now);

}  // namespace sanfang::workflow
