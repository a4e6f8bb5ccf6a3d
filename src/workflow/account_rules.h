// Who may do what to an account besides its owner (SPEC "Accounts").
//
// Students: a student who lost the password asks the college or the school, who set a temporary
// one that must be changed at the next login; every session the student had ends with it (a reset
// is also how a stolen session is ended), and the reset is recorded in the audit log as the
// reviewer's action.
//
// Staff and services: the school's administrator (Role::Admin) opens accounts for reviewers, the
// school office, the print room, the portal and other administrators; disables and enables them;
// resets their passwords (a temporary password, changed at the next login); and issues named API
// keys to the portal and the print room, several at a time so that a key is rotated without
// downtime (issue the new one, switch, revoke the old). Students come from the import and
// employer HR accounts register themselves with their unit, so neither is opened here. The
// console (`sanfang user`, Actor::system()) may do all of it: it is how the first administrator
// exists.
//
// A disabled account signs in nowhere: its password, sessions, API keys and WeChat binding all
// stop working until it is enabled again. Every change here is audited ("account", id, action).
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "workflow/entities.h"

namespace sanfang::workflow {

// The reviewers of the student's college and the school reset a student's password; for anyone
// else the student does not exist (NotFound naming student_no, as workflow/visibility.h answers).
// The audit event of the reset ("account", the account's id, "password.reset").
Result<AuditEvent> reset_student_password(const Actor& actor, const Account& account, const Student& student,
                                          Timestamp now);

// The administrator and the console manage accounts; for everyone else the accounts routes do
// not exist (NotFound, as workflow/visibility.h answers for what is out of scope).
bool may_administer_accounts(const Actor& actor);
Status require_account_administrator(const Actor& actor);

// A user name: 1 to 64 letters, digits, '.', '-' or '_' (it is typed on the login form and
// appears in logs). InvalidInput naming `field`.
Status check_username(std::string_view username, std::string_view field);

// The portal and the print room are services: they sign in with API keys, never a password.
bool is_service_role(Role role);

// What an administrator asks for when opening an account; the college must exist (the caller
// looks it up) for a college reviewer.
struct StaffAccountRequest {
  std::string username;
  Role role = Role::College;
  std::string college_code;  // Role::College only
};

// Which roles are opened here (college, school, print, portal, admin) and what each needs;
// InvalidInput naming role or college_code. The audit event of the opening ("account",
// entity_id filled in by the store, "create").
Result<AuditEvent> open_staff_account(const Actor& actor, const StaffAccountRequest& request, Timestamp now);

// Disabling ends every session of the account; an administrator cannot disable their own account
// (Conflict: the school would lose its last way in). Conflict when already in that state.
Result<AuditEvent> disable_account(const Actor& actor, const Account& account, Timestamp now);
Result<AuditEvent> enable_account(const Actor& actor, const Account& account, Timestamp now);

// An administrator's reset of a person's password (not a service's, not their own: they change
// it themselves). The audit event ("account", id, "password.reset").
Result<AuditEvent> reset_account_password(const Actor& actor, const Account& account, Timestamp now);

// A name for an API key ("生产环境 2026-12"): 1 to 64 characters of plain text; InvalidInput naming
// name. Only service accounts hold keys (Conflict naming account otherwise).
Status check_api_key_name(std::string_view name);
Result<AuditEvent> issue_api_key(const Actor& actor, const Account& account, Timestamp now);
Result<AuditEvent> revoke_api_key(const Actor& actor, const Account& account, Timestamp now);

// What the store answers for a key the account does not hold (NotFound naming key_id) and for one
// revoked before (Conflict naming key_id).
Error api_key_not_found();
Error api_key_already_revoked();

// Refused (Forbidden) when the account is disabled; every way of signing in asks this.
Status check_account_usable(const Account& account);

}  // namespace sanfang::workflow
