#include "api/routes.h"

#include "api/auth.h"
#include "api/problem.h"

#include <chrono>
#include <cstdio>
#include <exception>

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
  register_wechat_routes(table);
  register_print_routes(table);
  return table;
}

namespace {

HttpResponse run(App& app, const Route& route, const HttpRequest& request) {
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
      std::fprintf(stderr, "sanfang: %s %s: %s: %s\n", request.method.c_str(), request.path.c_str(),
                   to_string(error.kind), error.describe().c_str());
    }
    return problem_response(error);
  }
  return std::move(*result);
}

}  // namespace

HttpResponse dispatch(App& app, const Route& route, const HttpRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  HttpResponse response;
  try {
    response = run(app, route, request);
  } catch (const std::exception& e) {
    // Pistache would send e.what() as the body; the client gets a generic 500 instead.
    std::fprintf(stderr, "sanfang: %s %s: unexpected exception: %s\n", request.method.c_str(), request.path.c_str(), e.what());
    response = problem_response(Error::make(ErrorKind::Internal, "unexpected exception"));
  } catch (...) {
    std::fprintf(stderr, "sanfang: %s %s: unexpected exception\n", request.method.c_str(), request.path.c_str());
    response = problem_response(Error::make(ErrorKind::Internal, "unexpected exception"));
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  app.metrics.record_request(request.method, route.pattern, response.status, seconds);
  return response;
}

}  // namespace sanfang::api
