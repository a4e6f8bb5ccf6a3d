#include "api/auth.h"

#include <nlohmann/json.hpp>

#include "workflow/account_rules.h"

namespace sanfang::api {

namespace {

Error unauthorized() { return Error::make(ErrorKind::Unauthorized, "请先登录"); }

}  // namespace

Result<std::string> bearer_token(const HttpRequest& request) {
  auto header = request.header("authorization");
  constexpr std::string_view kScheme = "Bearer ";
  if (!header || header->size() <= kScheme.size() || header->compare(0, kScheme.size(), kScheme) != 0) {
    return unauthorized();
  }
  return header->substr(kScheme.size());
}

Result<workflow::Account> authenticate(App& app, const std::string& token) {
  auto account = app.store->account_for_session(token, app.clock->now());
  if (!account) {
    if (account.error().kind == ErrorKind::Storage || account.error().kind == ErrorKind::Internal) return account;
    // Not a live session: it may be the API key of a portal or print-room service account.
    account = app.store->account_for_api_key(token);
  }
  if (!account) {
    if (account.error().kind == ErrorKind::Storage || account.error().kind == ErrorKind::Internal) return account;
    return unauthorized();
  }
  // A disabled account's sessions ended with it; its API keys and WeChat binding stay and must
  // not open anything until it is enabled.
  TRY(workflow::check_account_usable(*account));
  return account;
}

HttpResponse session_response(const app::SignedIn& signed_in) {
  return json_response(200, nlohmann::json{{"token", signed_in.token},
                                           {"role", workflow::to_string(signed_in.account.role)},
                                           {"must_change_password", signed_in.account.must_change_password}}
                                .dump());
}

}  // namespace sanfang::api
