#include "workflow/account_rules.h"

#include <cctype>

#include "core/validate.h"
#include "workflow/rule_support.h"
#include "workflow/visibility.h"

namespace sanfang::workflow {

namespace {

constexpr std::size_t kMaxUsernameBytes = 64;
constexpr std::size_t kMaxApiKeyNameCharacters = 64;

std::size_t code_points(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

AuditEvent account_event(const Actor& actor, const Account& account, std::string action, Timestamp now,
                         std::string from_state = {}, std::string to_state = {}) {
  return detail::make_event("account", std::to_string(account.id), std::move(action), actor, now,
                            std::move(from_state), std::move(to_state));
}

}  // namespace

Result<AuditEvent> reset_student_password(const Actor& actor, const Account& account, const Student& student,
                                          Timestamp now) {
  const bool reviewer = actor.role == Role::College || actor.role == Role::School;
  if (!reviewer || !may_see_student(actor, student) || account.role != Role::Student ||
      account.student_no != student.student_no)
    return Error::make(ErrorKind::NotFound, "学生不存在", "student_no");
  return account_event(actor, account, "password.reset", now);
}

bool may_administer_accounts(const Actor& actor) { return actor.role == Role::Admin || actor.role == Role::System; }

Status require_account_administrator(const Actor& actor) {
  if (!may_administer_accounts(actor)) return Error::make(ErrorKind::NotFound, "没有这个地址");
  return {};
}

Status check_username(std::string_view username, std::string_view field) {
  if (username.empty() || username.size() > kMaxUsernameBytes)
    return Error::invalid(std::string(field), "用户名为 1 到 64 个字符");
  for (unsigned char c : username)
    if (!(std::isalnum(c) || c == '.' || c == '-' || c == '_'))
      return Error::invalid(std::string(field), "用户名只能包含英文字母、数字、“.”、“-”和“_”");
  return {};
}

bool is_service_role(Role role) { return role == Role::Portal || role == Role::Print; }

Result<AuditEvent> open_staff_account(const Actor& actor, const StaffAccountRequest& request, Timestamp now) {
  TRY(require_account_administrator(actor));
  TRY(check_username(request.username, "username"));
  switch (request.role) {
    case Role::Student:
      return Error::invalid("role", "学生账户由学生名单导入生成");
    case Role::Employer:
      return Error::invalid("role", "用人单位账户由单位自行注册");
    case Role::System:
      return Error::invalid("role", "system 是服务本身，不是账户");
    case Role::College:
      if (request.college_code.empty()) return Error::invalid("college_code", "学院审核人员须指定所属学院");
      break;
    case Role::School:
    case Role::Print:
    case Role::Portal:
    case Role::Admin:
      if (!request.college_code.empty()) return Error::invalid("college_code", "只有学院审核人员属于某个学院");
      break;
  }
  Account account;
  return account_event(actor, account, "create", now, "", to_string(request.role));
}

Result<AuditEvent> disable_account(const Actor& actor, const Account& account, Timestamp now) {
  TRY(require_account_administrator(actor));
  if (account.id == actor.account_id) return Error::make(ErrorKind::Conflict, "不能停用自己的账户", "account");
  if (account.disabled) return Error::make(ErrorKind::Conflict, "该账户已停用", "account");
  return account_event(actor, account, "disable", now, "enabled", "disabled");
}

Result<AuditEvent> enable_account(const Actor& actor, const Account& account, Timestamp now) {
  TRY(require_account_administrator(actor));
  if (!account.disabled) return Error::make(ErrorKind::Conflict, "该账户未停用", "account");
  return account_event(actor, account, "enable", now, "disabled", "enabled");
}

Result<AuditEvent> reset_account_password(const Actor& actor, const Account& account, Timestamp now) {
  TRY(require_account_administrator(actor));
  if (is_service_role(account.role))
    return Error::make(ErrorKind::Conflict, "学校门户和打印室账户使用 API 密钥，没有密码", "account");
  if (account.id == actor.account_id)
    return Error::make(ErrorKind::Conflict, "请通过修改密码更改自己的密码", "account");
  return account_event(actor, account, "password.reset", now);
}

Status check_api_key_name(std::string_view name) {
  if (Status text = core::check_text_policy(name, "name", false); !text) return text;
  if (name.empty() || code_points(name) > kMaxApiKeyNameCharacters)
    return Error::invalid("name", "密钥名称为 1 到 64 个字符");
  return {};
}

Result<AuditEvent> issue_api_key(const Actor& actor, const Account& account, Timestamp now) {
  TRY(require_account_administrator(actor));
  if (!is_service_role(account.role))
    return Error::make(ErrorKind::Conflict, "只有学校门户和打印室账户使用 API 密钥", "account");
  if (account.disabled) return Error::make(ErrorKind::Conflict, "该账户已停用", "account");
  return account_event(actor, account, "api_key.create", now);
}

Result<AuditEvent> revoke_api_key(const Actor& actor, const Account& account, Timestamp now) {
  TRY(require_account_administrator(actor));
  return account_event(actor, account, "api_key.revoke", now);
}

Error api_key_not_found() { return Error::make(ErrorKind::NotFound, "该账户没有这个 API 密钥", "key_id"); }

Error api_key_already_revoked() { return Error::make(ErrorKind::Conflict, "该 API 密钥已吊销", "key_id"); }

Status check_account_usable(const Account& account) {
  if (account.disabled) return Error::make(ErrorKind::Forbidden, "该账户已停用，请联系学校管理员");
  return {};
}

}  // namespace sanfang::workflow
