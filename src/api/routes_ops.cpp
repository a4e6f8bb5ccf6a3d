// Operations routes: liveness, readiness, Prometheus metrics and the OpenAPI contract.
#include "api/routes.h"

#include <fstream>
#include <sstream>

namespace sanfang::api {

namespace {

Result<HttpResponse> healthz(RouteContext&) { return json_response(200, R"({"status":"ok"})"); }

// Ready when the store answers: a load balancer stops sending traffic to an instance whose
// database is unreachable.
Result<HttpResponse> readyz(RouteContext& context) {
  if (auto ping = context.app.store->ping(); !ping) {
    return json_response(503, R"({"status":"unavailable"})");
  }
  return json_response(200, R"({"status":"ready"})");
}

Result<HttpResponse> metrics(RouteContext& context) {
  return bytes_response(200, "text/plain; version=0.0.4; charset=utf-8", context.app.metrics.prometheus_text());
}

Result<HttpResponse> openapi(RouteContext& context) {
  std::ifstream in(context.app.config.share_dir / "api" / "openapi.yaml");
  if (!in) return Error::make(ErrorKind::Io, "api/openapi.yaml not found");
  std::ostringstream text;
  text << in.rdbuf();
  return bytes_response(200, "application/yaml; charset=utf-8", text.str());
}

}  // namespace

void register_ops_routes(RouteTable& table) {
  table.add("GET", "/healthz", Access::Public, healthz);
  table.add("GET", "/readyz", Access::Public, readyz);
  table.add("GET", "/metrics", Access::Public, metrics);
  table.add("GET", "/api/v1/openapi.yaml", Access::Public, openapi);
}

}  // namespace sanfang::api
