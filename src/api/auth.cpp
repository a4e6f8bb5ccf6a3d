#include "api/auth.h"

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
  return account;
}

}  // namespace sanfang::api
