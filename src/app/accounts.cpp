#include "app/accounts.h"

#include "store/secrets.h"
#include "workflow/account_rules.h"
#include "workflow/password_policy.h"

namespace sanfang::app {

Status change_password(const Context& context, const workflow::Account& account, std::string_view old_password,
                       std::string_view new_password, std::string_view kept_session_token) {
  TRY(workflow::check_password({new_password, account.username, old_password}, "new_password"));
  auto changed = context.store.change_password(account.id, old_password, new_password, kept_session_token);
  if (!changed && changed.error().kind == ErrorKind::Unauthorized) return Error::invalid("old_password", "原密码错误");
  return changed;
}

namespace {

// Random passwords almost always pass the policy at once; the pattern rules can refuse one in a
// great many, so a few tries are plenty.
constexpr int kTemporaryPasswordTries = 8;
constexpr std::size_t kTemporaryPasswordLength = 12;

}  // namespace

Result<PasswordReset> reset_student_password(const Context& context, const workflow::Actor& actor,
                                             std::string_view student_no) {
  auto student = context.store.student(student_no);
  auto account = context.store.account_of_student(student_no);
  if ((!student && student.error().kind != ErrorKind::NotFound)) return student.take_error();
  if ((!account && account.error().kind != ErrorKind::NotFound)) return account.take_error();
  if (!student || !account) return Error::make(ErrorKind::NotFound, "学生不存在", "student_no");
  const workflow::AuditEvent reset = TRY(workflow::reset_student_password(actor, *account, *student, context.now()));
  for (int attempt = 0; attempt < kTemporaryPasswordTries; ++attempt) {
    std::string password = TRY(store::random_password(kTemporaryPasswordLength));
    if (!workflow::check_password({password, account->username, std::nullopt}, "password").ok()) continue;
    TRY(context.store.reset_password(account->id, password, reset));
    return PasswordReset{*account, std::move(password)};
  }
  return Error::make(ErrorKind::Internal, "no temporary password passed the password policy");
}

Status unbind_wechat(const Context& context, const workflow::Account& account) {
  workflow::AuditEvent unbound;
  unbound.entity = "account";
  unbound.entity_id = std::to_string(account.id);
  unbound.action = "wechat.unbind";
  unbound.actor_account_id = account.id;
  unbound.actor_role = account.role;
  unbound.at = context.now();
  unbound.from_state = "bound";
  unbound.to_state = "unbound";
  return context.store.unbind_wechat(account.id, unbound);
}

}  // namespace sanfang::app
