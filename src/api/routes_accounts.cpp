// Accounts over HTTP for the school's administrator (workflow/account_rules.h): staff and service
// accounts opened, listed, disabled and enabled, passwords reset, and the named API keys of the
// portal and the print room issued and revoked. To anyone else these addresses do not exist
// (404). Temporary passwords and new API keys appear in one answer only, never cached.
#include "api/list_query.h"
#include "api/problem.h"
#include "api/routes.h"
#include "api/workflow_http.h"
#include "app/accounts.h"

#include <set>

namespace sanfang::api {

namespace {

using nlohmann::json;

json account_json(const workflow::Account& account) {
  json body = {{"id", account.id},
               {"username", account.username},
               {"role", workflow::to_string(account.role)},
               {"role_label", workflow::chinese_label(account.role)},
               {"must_change_password", account.must_change_password},
               {"disabled", account.disabled},
               {"created_at", rfc3339(account.created_at)}};
  if (!account.college_code.empty()) body["college_code"] = account.college_code;
  if (!account.student_no.empty()) body["student_no"] = account.student_no;
  if (account.employer_id != 0) body["employer_id"] = account.employer_id;
  return body;
}

json api_key_json(const store::ApiKeyInfo& key) {
  json body = {{"id", key.id}, {"name", key.name}, {"created_at", rfc3339(key.created_at)}, {"revoked", key.revoked_at.has_value()}};
  if (key.revoked_at) body["revoked_at"] = rfc3339(*key.revoked_at);
  return body;
}

// A secret shown once: never kept by a cache on the way.
HttpResponse secret_response(int status, const json& body) {
  return json_response(status, body.dump()).with_header("Cache-Control", "no-store");
}

// GET /api/v1/accounts?role=&college_code=&disabled=&q=&limit=&offset= → {items, total, limit, offset}
Result<HttpResponse> list_accounts(RouteContext& context) {
  static const std::set<std::string> kParameters{"role", "college_code", "disabled", "q", "limit", "offset"};
  const HttpRequest& request = context.request;
  TRY(refuse_unknown_parameters(request, kParameters));
  store::AccountQuery query;
  if (const auto role = request.query_value("role")) query.role = TRY(workflow::parse_role(*role));
  query.college_code = TRY(query_term(request, "college_code"));
  if (const auto disabled = request.query_value("disabled")) {
    if (*disabled != "true" && *disabled != "false") return Error::invalid("disabled", "只能是 true 或 false");
    query.disabled = *disabled == "true";
  }
  query.username_part = TRY(query_term(request, "q"));
  const Paging paging = TRY(query_paging(request));
  query.limit = paging.limit;
  query.offset = paging.offset;
  const app::AccountPage page = TRY(app::list_accounts(use_cases(context.app), context.actor(), query));
  json items = json::array();
  for (const auto& account : page.items) items.push_back(account_json(account));
  return json_response(
      200, json{{"items", items}, {"total", page.total}, {"limit", query.limit}, {"offset", query.offset}}.dump());
}

// POST /api/v1/accounts {username, role, college_code?, api_key_name?} → 201 {account,
// temporary_password} for a person, {account, api_key: {id, name, created_at, key}} for a service.
Result<HttpResponse> open_account(RouteContext& context) {
  const workflow::Actor actor = context.actor();
  TRY(workflow::require_account_administrator(actor));
  const JsonBody body = TRY(read_json_body(context.request, {"username", "role", "college_code", "api_key_name"}));
  workflow::StaffAccountRequest request;
  request.username = TRY(body.string("username"));
  request.role = TRY(workflow::parse_role(TRY(body.string("role"))));
  request.college_code = TRY(body.optional_string("college_code")).value_or("");
  const std::string key_name = TRY(body.optional_string("api_key_name")).value_or("");
  const app::OpenedAccount opened =
      TRY(app::open_staff_account(use_cases(context.app), actor, request, key_name));
  json answer = {{"account", account_json(opened.account)}};
  if (opened.temporary_password) answer["temporary_password"] = *opened.temporary_password;
  if (opened.api_key) {
    answer["api_key"] = api_key_json(opened.api_key->info);
    answer["api_key"]["key"] = opened.api_key->key;
  }
  return secret_response(201, answer);
}

Result<HttpResponse> get_account(RouteContext& context) {
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  const workflow::Account account = TRY(app::administered_account(use_cases(context.app), context.actor(), id));
  return json_response(200, account_json(account).dump());
}

Result<HttpResponse> disable_account(RouteContext& context) {
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  TRY(read_json_body(context.request, {}));
  const workflow::Account account = TRY(app::disable_account(use_cases(context.app), context.actor(), id));
  return json_response(200, account_json(account).dump());
}

Result<HttpResponse> enable_account(RouteContext& context) {
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  TRY(read_json_body(context.request, {}));
  const workflow::Account account = TRY(app::enable_account(use_cases(context.app), context.actor(), id));
  return json_response(200, account_json(account).dump());
}

// POST /api/v1/accounts/{id}/password-reset → {account, temporary_password}; every session of the
// account ends and the new password must be changed at the next login.
Result<HttpResponse> reset_password(RouteContext& context) {
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  TRY(read_json_body(context.request, {}));
  const app::PasswordReset reset = TRY(app::reset_account_password(use_cases(context.app), context.actor(), id));
  return secret_response(200, json{{"account", account_json(reset.account)}, {"temporary_password", reset.temporary_password}});
}

Result<HttpResponse> list_api_keys(RouteContext& context) {
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  const auto keys = TRY(app::api_keys(use_cases(context.app), context.actor(), id));
  json items = json::array();
  for (const auto& key : keys) items.push_back(api_key_json(key));
  return json_response(200, json{{"items", items}}.dump());
}

// POST /api/v1/accounts/{id}/api-keys {name} → 201 {id, name, created_at, revoked, key}: the key
// is in this answer only.
Result<HttpResponse> issue_api_key(RouteContext& context) {
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  const workflow::Actor actor = context.actor();
  TRY(workflow::require_account_administrator(actor));
  const JsonBody body = TRY(read_json_body(context.request, {"name"}));
  const std::string name = TRY(body.string("name"));
  const store::IssuedApiKey issued = TRY(app::issue_api_key(use_cases(context.app), actor, id, name));
  json answer = api_key_json(issued.info);
  answer["key"] = issued.key;
  return secret_response(201, answer);
}

Result<HttpResponse> revoke_api_key(RouteContext& context) {
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  const std::int64_t key_id = TRY(id_parameter(context.request, "key_id"));
  TRY(app::revoke_api_key(use_cases(context.app), context.actor(), id, key_id));
  return bytes_response(204, "application/json", {});
}

}  // namespace

void register_account_routes(RouteTable& table) {
  table.add("GET", "/api/v1/accounts", Access::Account, list_accounts);
  table.add("POST", "/api/v1/accounts", Access::Account, open_account);
  table.add("GET", "/api/v1/accounts/:id", Access::Account, get_account);
  table.add("POST", "/api/v1/accounts/:id/disable", Access::Account, disable_account);
  table.add("POST", "/api/v1/accounts/:id/enable", Access::Account, enable_account);
  table.add("POST", "/api/v1/accounts/:id/password-reset", Access::Account, reset_password);
  table.add("GET", "/api/v1/accounts/:id/api-keys", Access::Account, list_api_keys);
  table.add("POST", "/api/v1/accounts/:id/api-keys", Access::Account, issue_api_key);
  table.add("DELETE", "/api/v1/accounts/:id/api-keys/:key_id", Access::Account, revoke_api_key);
}

}  // namespace sanfang::api
