// `sanfang user add|reset-password|revoke-key`: staff and service accounts (issue 3). Students are
// imported; staff get a password that passes the password policy; the portal and the print room
// are services and get an API key, printed once (only its hash is stored), which never expires
// but can be revoked. A reset sets a password the person must change at the next login and ends
// every session of the account.
#include "cli/commands.h"
#include "cli/options.h"
#include "store/secrets.h"
#include "workflow/account_rules.h"
#include "workflow/clock.h"
#include "workflow/password_policy.h"

#include <cstdio>

namespace sanfang::cli {

namespace {

constexpr const char* kUserUsage =
    "usage: sanfang user add --data DIR [--db URL] --role admin|school|college|employer --username U --password P\n"
    "                        [--college CODE] [--employer-id N]\n"
    "       sanfang user add --data DIR [--db URL] --role portal|print --username U      (prints an API key)\n"
    "       sanfang user reset-password --data DIR [--db URL] --username U --password P\n"
    "       sanfang user revoke-key --data DIR [--db URL] --username U\n";

int fail(const Error& error) {
  std::fprintf(stderr, "sanfang user: %s\n", error.describe().c_str());
  return 1;
}

// As before --db existed, `user add` on a new data folder starts its database.
Result<std::unique_ptr<store::Store>> open_store(const ParsedArgs& args) {
  return open_command_store(store_location(args), /*create=*/true);
}

// What `add` is asked to create, checked before anything is written.
Result<store::NewAccount> account_from(const ParsedArgs& args, bool& service_account) {
  store::NewAccount account;
  account.role = TRY(workflow::parse_role(args.get("--role")));
  account.username = args.get("--username");
  TRY(workflow::check_username(account.username, "--username"));
  service_account = workflow::is_service_role(account.role);
  switch (account.role) {
    case workflow::Role::Student:
      return Error::invalid("--role", "students are imported: sanfang import FILE.csv");
    case workflow::Role::System:
      return Error::invalid("--role", "system is the service itself, not an account");
    case workflow::Role::College:
      account.college_code = args.get("--college");
      if (account.college_code.empty()) return Error::invalid("--college", "a college reviewer needs --college CODE");
      break;
    case workflow::Role::Employer:
      account.employer_id = TRY(args.get_int("--employer-id", 0));
      if (account.employer_id <= 0) return Error::invalid("--employer-id", "an employer account needs --employer-id N");
      break;
    default:
      break;
  }
  if (account.role != workflow::Role::College && args.has("--college"))
    return Error::invalid("--college", "only for --role college");
  if (account.role != workflow::Role::Employer && args.has("--employer-id"))
    return Error::invalid("--employer-id", "only for --role employer");
  if (service_account) {
    if (args.has("--password"))
      return Error::invalid("--password", "portal and print accounts use API keys, not passwords");
    // Nobody ever learns this password: the account signs in with its API key only.
    account.password = TRY(store::random_token());
  } else {
    account.password = args.get("--password");
    TRY(workflow::check_password({account.password, account.username, std::nullopt}, "--password"));
  }
  return account;
}

int add_user(const ParsedArgs& args) {
  bool service_account = false;
  auto account = account_from(args, service_account);
  if (!account) return fail(account.error());
  auto store = open_store(args);
  if (!store) return fail(store.error());
  const workflow::SystemClock clock;
  if (account->role == workflow::Role::Employer) {
    if (auto employer = (*store)->employer(account->employer_id); !employer)
      return fail(Error::invalid("--employer-id", "no employer with id " + std::to_string(account->employer_id)));
  }
  auto created = (*store)->create_account(*account, clock.now());
  if (!created) return fail(created.error());
  if (!service_account) {
    std::printf("created %s account %s\n", workflow::to_string(created->role), created->username.c_str());
    return 0;
  }
  auto key = (*store)->create_api_key(created->id, "console", clock.now(), {});
  if (!key) return fail(key.error());
  std::printf("created %s account %s\nAPI key (shown once, keep it safe): %s\n",
              workflow::to_string(created->role), created->username.c_str(), key->key.c_str());
  return 0;
}

int reset_password(const ParsedArgs& args) {
  const std::string username = args.get("--username");
  if (username.empty()) return fail(Error::invalid("--username", "required"));
  const std::string password = args.get("--password");
  if (auto allowed = workflow::check_password({password, username, std::nullopt}, "--password"); !allowed)
    return fail(allowed.error());
  auto store = open_store(args);
  if (!store) return fail(store.error());
  auto account = (*store)->account_by_username(username);
  if (!account) return fail(Error::invalid("--username", "no account named " + username));
  if (workflow::is_service_role(account->role))
    return fail(Error::invalid("--username", "portal and print accounts use API keys, not passwords"));
  // Recorded as the service's own action: the operator at the console has no account.
  workflow::AuditEvent event;
  event.entity = "account";
  event.entity_id = std::to_string(account->id);
  event.action = "password.reset";
  event.at = workflow::SystemClock().now();
  if (auto reset = (*store)->reset_password(account->id, password, event); !reset) return fail(reset.error());
  std::printf("reset the password of %s; it must be changed at the next login, and every session has ended\n",
              username.c_str());
  return 0;
}

int revoke_key(const ParsedArgs& args) {
  const std::string username = args.get("--username");
  if (username.empty()) return fail(Error::invalid("--username", "required"));
  auto store = open_store(args);
  if (!store) return fail(store.error());
  auto account = (*store)->account_by_username(username);
  if (!account) return fail(Error::invalid("--username", "no account named " + username));
  const workflow::SystemClock clock;
  auto revoked = (*store)->revoke_api_keys(account->id, clock.now());
  if (!revoked) return fail(revoked.error());
  if (*revoked == 0) return fail(Error::invalid("--username", username + " has no live API key"));
  std::printf("revoked %d API key(s) of %s\n", *revoked, username.c_str());
  return 0;
}

}  // namespace

int user_command(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::fputs(kUserUsage, stderr);
    return 2;
  }
  const std::string action = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  auto parsed = action == "add"
                    ? parse_args(rest, with_store_options({"--role", "--username", "--password", "--college", "--employer-id"}), {})
                : action == "reset-password" ? parse_args(rest, with_store_options({"--username", "--password"}), {})
                                             : parse_args(rest, with_store_options({"--username"}), {});
  if (action != "add" && action != "reset-password" && action != "revoke-key") {
    std::fprintf(stderr, "sanfang user: unknown action \"%s\"\n%s", action.c_str(), kUserUsage);
    return 2;
  }
  if (!parsed || !parsed->positional.empty()) {
    if (!parsed) std::fprintf(stderr, "sanfang user: %s\n", parsed.error().describe().c_str());
    std::fputs(kUserUsage, stderr);
    return 2;
  }
  if (action == "add") return add_user(*parsed);
  return action == "reset-password" ? reset_password(*parsed) : revoke_key(*parsed);
}

}  // namespace sanfang::cli
