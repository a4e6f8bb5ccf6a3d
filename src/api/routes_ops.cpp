// Operations routes: liveness, readiness, Prometheus metrics, the OpenAPI contract, and the
// installation's settings that clients adapt to (the school, the review chains).
#include "api/routes.h"
#include "workflow/agreement_rules.h"

#include <nlohmann/json.hpp>

#include <chrono>

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

nlohmann::json review_chain_json(const workflow::ReviewChain& chain) {
  nlohmann::json levels = nlohmann::json::array();
  for (const workflow::ReviewLevel level : chain)
    levels.push_back({{"level", workflow::to_string(level)}, {"label", workflow::chinese_label(level)}});
  return levels;
}

// What a portal or a page shows about how this school works: the printed 丙方 block, the public
// address in QR codes, who reviews what and for how long an invitation stays open. The review
// chains apply to agreements that enter review from now on; one already in review keeps the chain
// it started with (its `review.chain`).
Result<HttpResponse> settings(RouteContext& context) {
  const workflow::SchoolProfile& school = context.app.school;
  const workflow::WorkflowOptions& workflow = context.app.workflow;
  const nlohmann::json body = {
      {"school",
       {{"code", school.code},
        {"name", school.name},
        {"department", school.department},
        {"address", school.address},
        {"postcode", school.postcode},
        {"contact", school.contact},
        {"phone", school.phone}}},
      {"public_base", context.app.config.public_base},
      {"review_chain",
       {{"invitation", review_chain_json(workflow.invitation_review_chain)},
        {"student_initiated", review_chain_json(workflow.student_initiated_review_chain)},
        {"termination", review_chain_json(workflow.termination_review_chain)}}},
      {"invitation_lifetime_days",
       std::chrono::duration_cast<std::chrono::days>(workflow.invitation_lifetime).count()},
      {"print_part_limit", workflow.print_part_limit}};
  return json_response(200, body.dump());
}

}  // namespace

void register_ops_routes(RouteTable& table) {
  table.add("GET", "/healthz", Access::Public, healthz);
  table.add("GET", "/readyz", Access::Public, readyz);
  table.add("GET", "/metrics", Access::Public, metrics);
  table.add("GET", "/api/v1/openapi.yaml", Access::Public, openapi);
  table.add("GET", "/api/v1/config", Access::Account, settings);
}

}  // namespace sanfang::api
