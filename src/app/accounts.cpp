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
constexpr const char* kFirstApiKeyName = "initial";

// A password a reviewer or an administrator hands over, which passes the policy for `username`.
Result<std::string> temporary_password(std::string_view username) {
  for (int attempt = 0; attempt < kTemporaryPasswordTries; ++attempt) {
    std::string password = TRY(store::random_password(kTemporaryPasswordLength));
    if (workflow::check_password({password, username, std::nullopt}, "password").ok()) return password;
  }
  return Error::make(ErrorKind::Internal, "no temporary password passed the password policy");
}

// The account an administrator names; to anyone else the accounts do not exist.
Result<workflow::Account> account_for_administrator(const Context& context, const workflow::Actor& actor,
                                                    std::int64_t id) {
  TRY(workflow::require_account_administrator(actor));
  auto account = context.store.account_by_id(id);
  if (!account && account.error().kind == ErrorKind::NotFound)
    return Error::make(ErrorKind::NotFound, "账户不存在", "account");
  return account;
}

}  // namespace

Result<PasswordReset> reset_student_password(const Context& context, const workflow::Actor& actor,
                                             std::string_view student_no) {
  auto student = context.store.student(student_no);
  auto account = context.store.account_of_student(student_no);
  if ((!student && student.error().kind != ErrorKind::NotFound)) return student.take_error();
  if ((!account && account.error().kind != ErrorKind::NotFound)) return account.take_error();
  if (!student || !account) return Error::make(ErrorKind::NotFound, "学生不存在", "student_no");
  const workflow::AuditEvent reset = TRY(workflow::reset_student_password(actor, *account, *student, context.now()));
  std::string password = TRY(temporary_password(account->username));
  TRY(context.store.reset_password(account->id, password, reset));
  return PasswordReset{TRY(context.store.account_by_id(account->id)), std::move(password)};
}

Result<OpenedAccount> open_staff_account(const Context& context, const workflow::Actor& actor,
                                         const workflow::StaffAccountRequest& request, std::string_view api_key_name) {
  const workflow::AuditEvent opened = TRY(workflow::open_staff_account(actor, request, context.now()));
  const bool service = workflow::is_service_role(request.role);
  if (service) TRY(workflow::check_api_key_name(api_key_name.empty() ? kFirstApiKeyName : api_key_name));
  if (request.role == workflow::Role::College) {
    if (auto college = context.store.college_name(request.college_code); !college) {
      if (college.error().kind != ErrorKind::NotFound) return college.take_error();
      return Error::invalid("college_code", "没有这个学院");
    }
  }
  store::NewAccount account;
  account.username = request.username;
  account.role = request.role;
  account.college_code = request.college_code;
  OpenedAccount result;
  if (service) {
    // Nobody ever learns this password: the account signs in with its API keys only.
    account.password = TRY(store::random_token());
  } else {
    account.password = TRY(temporary_password(request.username));
    account.must_change_password = true;
    result.temporary_password = account.password;
  }
  result.account = TRY(context.store.create_audited_account(account, context.now(), opened));
  if (service) {
    const workflow::AuditEvent issued = TRY(workflow::issue_api_key(actor, result.account, context.now()));
    result.api_key = TRY(context.store.create_api_key(
        result.account.id, api_key_name.empty() ? kFirstApiKeyName : api_key_name, context.now(), {issued}));
  }
  return result;
}

Result<AccountPage> list_accounts(const Context& context, const workflow::Actor& actor, const store::AccountQuery& query) {
  TRY(workflow::require_account_administrator(actor));
  AccountPage page;
  page.items = TRY(context.store.list_accounts(query));
  page.total = TRY(context.store.count_accounts(query));
  return page;
}

Result<workflow::Account> administered_account(const Context& context, const workflow::Actor& actor, std::int64_t id) {
  return account_for_administrator(context, actor, id);
}

Result<workflow::Account> disable_account(const Context& context, const workflow::Actor& actor, std::int64_t id) {
  const workflow::Account account = TRY(account_for_administrator(context, actor, id));
  const workflow::AuditEvent event = TRY(workflow::disable_account(actor, account, context.now()));
  return context.store.set_account_disabled(id, true, event);
}

Result<workflow::Account> enable_account(const Context& context, const workflow::Actor& actor, std::int64_t id) {
  const workflow::Account account = TRY(account_for_administrator(context, actor, id));
  const workflow::AuditEvent event = TRY(workflow::enable_account(actor, account, context.now()));
  return context.store.set_account_disabled(id, false, event);
}

Result<PasswordReset> reset_account_password(const Context& context, const workflow::Actor& actor, std::int64_t id) {
  const workflow::Account account = TRY(account_for_administrator(context, actor, id));
  const workflow::AuditEvent event = TRY(workflow::reset_account_password(actor, account, context.now()));
  std::string password = TRY(temporary_password(account.username));
  TRY(context.store.reset_password(account.id, password, event));
  return PasswordReset{TRY(context.store.account_by_id(account.id)), std::move(password)};
}

Result<std::vector<store::ApiKeyInfo>> api_keys(const Context& context, const workflow::Actor& actor,
                                                std::int64_t account_id) {
  TRY(account_for_administrator(context, actor, account_id));
  return context.store.api_keys(account_id);
}

Result<store::IssuedApiKey> issue_api_key(const Context& context, const workflow::Actor& actor,
                                          std::int64_t account_id, std::string_view name) {
  const workflow::Account account = TRY(account_for_administrator(context, actor, account_id));
  TRY(workflow::check_api_key_name(name));
  const workflow::AuditEvent issued = TRY(workflow::issue_api_key(actor, account, context.now()));
  return context.store.create_api_key(account_id, name, context.now(), {issued});
}

Status revoke_api_key(const Context& context, const workflow::Actor& actor, std::int64_t account_id,
                      std::int64_t key_id) {
  const workflow::Account account = TRY(account_for_administrator(context, actor, account_id));
  const workflow::AuditEvent revoked = TRY(workflow::revoke_api_key(actor, account, context.now()));
  return context.store.revoke_api_key(account_id, key_id, context.now(), revoked);
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
