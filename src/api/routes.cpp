#include "api/routes.h"

#include "api/auth.h"
#include "api/byte_range.h"
#include "api/problem.h"
#include "core/log.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <exception>
#include <random>

namespace sanfang::api {

void RouteTable::add(std::string method, std::string pattern, Access access, Handler handler) {
  m_routes.push_back({std::move(method), std::move(pattern), access, std::move(handler)});
}

RouteTable all_routes() {
  RouteTable table;
  register_ops_routes(table);
  register_student_routes(table);
  register_employer_routes(table);
  register_agreement_routes(table);
  register_documents_routes(table);
  register_verify_routes(table);
  register_auth_routes(table);
  register_admin_routes(table);
  register_account_routes(table);
  register_webhook_routes(table);
  register_wechat_routes(table);
  register_print_routes(table);
  register_stats_routes(table);
  return table;
}

namespace {

constexpr std::size_t kMaxRequestIdLength = 64;

bool is_sane_request_id(const std::string& id) {
  return !id.empty() && id.size() <= kMaxRequestIdLength && std::all_of(id.begin(), id.end(), [](unsigned char c) {
           return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':';
         });
}

nlohmann::json request_fields(const HttpRequest& request, const std::string& request_id) {
  return {{"request_id", request_id}, {"method", request.method}, {"path", request.path}};
}

HttpResponse run(App& app, const Route& route, const HttpRequest& request, const std::string& request_id) {
  RouteContext context{app, request, std::nullopt, {}};
  if (route.access != Access::Public) {
    auto token = bearer_token(request);
    if (!token) return problem_response(token.error()).with_header("WWW-Authenticate", "Bearer");
    auto account = authenticate(app, *token);
    if (!account) return problem_response(account.error()).with_header("WWW-Authenticate", "Bearer");
    // SPEC "Accounts": until the first password change every other call answers 403.
    if (account->must_change_password && route.access != Access::PasswordChange) {
      return problem_response(403, "password_change_required", "首次登录须先修改密码");
    }
    context.token = std::move(*token);
    context.account = std::move(*account);
  }
  auto result = route.handler(context);
  if (!result) {
    const Error& error = result.error();
    if (http_status(error.kind) == 500) {
      nlohmann::json fields = request_fields(request, request_id);
      fields["kind"] = to_string(error.kind);
      fields["error"] = error.describe();
      log::error("request_failed", fields);
    }
    return problem_response(error);
  }
  return std::move(*result);
}

}  // namespace

std::string request_id_of(const HttpRequest& request) {
  if (auto given = request.header("x-request-id"); given && is_sane_request_id(*given)) return *given;
  // An id only has to be unique in the logs, not secret: a per-thread generator seeded once.
  thread_local std::mt19937_64 generator{std::random_device{}()};
  char id[33];
  std::snprintf(id, sizeof id, "%016llx%016llx", static_cast<unsigned long long>(generator()),
                static_cast<unsigned long long>(generator()));
  return id;
}

HttpResponse dispatch(App& app, const Route& route, const HttpRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  const std::string request_id = request_id_of(request);
  HttpResponse response;
  try {
    response = with_byte_range(request, run(app, route, request, request_id));
  } catch (const std::exception& e) {
    // Pistache would send e.what() as the body; the client gets a generic 500 instead.
    nlohmann::json fields = request_fields(request, request_id);
    fields["error"] = e.what();
    log::error("request_exception", fields);
    response = problem_response(Error::make(ErrorKind::Internal, "unexpected exception"));
  } catch (...) {
    log::error("request_exception", request_fields(request, request_id));
    response = problem_response(Error::make(ErrorKind::Internal, "unexpected exception"));
  }
  response = with_request_id(std::move(response), request_id);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  app.metrics.record_request(request.method, route.pattern, response.status, seconds);
  return response;
}

}  // namespace sanfang::api
