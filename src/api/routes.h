// The route table: every route the server has, with who may call it. The server registers
// exactly these with Pistache, and a test compares them with api/openapi.yaml, so the contract
// and the server cannot drift apart.
#pragma once

#include "api/app.h"
#include "api/http.h"
#include "core/result.h"
#include "workflow/entities.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sanfang::api {

enum class Access {
  Public,         // anyone: login, captcha, verification page, health
  Account,        // any signed-in account (bearer session token or API key)
  PasswordChange, // an account that may still have to change its password (the only route it may use)
};

struct RouteContext {
  App& app;
  const HttpRequest& request;
  std::optional<workflow::Account> account;  // set for Access::Account and PasswordChange
  std::string token;                         // the bearer token presented, if any

  const workflow::Actor actor() const { return account ? account->actor() : workflow::Actor::system(); }
  workflow::Timestamp now() const { return app.clock->now(); }
};

using Handler = std::function<Result<HttpResponse>(RouteContext&)>;

struct Route {
  std::string method;   // GET POST PUT PATCH DELETE
  std::string pattern;  // Pistache syntax: /api/v1/agreements/:id
  Access access = Access::Account;
  Handler handler;
};

class RouteTable {
 public:
  void add(std::string method, std::string pattern, Access access, Handler handler);
  const std::vector<Route>& routes() const { return m_routes; }

 private:
  std::vector<Route> m_routes;
};

// Every route group registers itself here (one function per file under src/api/routes_*.cpp).
void register_ops_routes(RouteTable& table);
void register_student_routes(RouteTable& table);
void register_employer_routes(RouteTable& table);
void register_agreement_routes(RouteTable& table);
void register_documents_routes(RouteTable& table);
void register_verify_routes(RouteTable& table);
void register_auth_routes(RouteTable& table);
void register_admin_routes(RouteTable& table);
void register_wechat_routes(RouteTable& table);
void register_print_routes(RouteTable& table);
void register_stats_routes(RouteTable& table);
void register_account_routes(RouteTable& table);
void register_webhook_routes(RouteTable& table);
RouteTable all_routes();

// The id of one request: the client's X-Request-Id when it is sane (1 to 64 characters of
// letters, digits and "-_.:"), otherwise a new random one (32 hex digits).
std::string request_id_of(const HttpRequest& request);

// Runs one request through authentication and the handler: exceptions and errors become
// problem+json answers here, once, and every answer carries the request id (with_request_id),
// which is also in every log line about the request. Used by the Pistache server and by handler
// tests.
HttpResponse dispatch(App& app, const Route& route, const HttpRequest& request);

}  // namespace sanfang::api
