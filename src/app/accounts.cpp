#include "app/accounts.h"

#include "workflow/password_policy.h"

namespace sanfang::app {

Status change_password(const Context& context, const workflow::Account& account, std::string_view old_password,
                       std::string_view new_password, std::string_view kept_session_token) {
  TRY(workflow::check_password({new_password, account.username, old_password}, "new_password"));
  auto changed = context.store.change_password(account.id, old_password, new_password, kept_session_token);
  if (!changed && changed.error().kind == ErrorKind::Unauthorized) return Error::invalid("old_password", "原密码错误");
  return changed;
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
