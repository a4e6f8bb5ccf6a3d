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

}  // namespace sanfang::app
