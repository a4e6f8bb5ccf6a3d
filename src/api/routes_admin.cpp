// School administration over HTTP: the student import (SPEC "Accounts"; the same module as
// `sanfang import`) and the audit log.
#include "api/list_query.h"
#include "api/problem.h"
#include "api/routes.h"
#include "api/workflow_http.h"
#include "app/audit_log.h"
#include "app/student_import.h"
#include "workflow/print_job.h"

#include <set>

namespace sanfang::api {

namespace {

// {imported, updated, errors: [{line, field, detail}]}
nlohmann::json report_json(const app::ImportReport& report) {
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& error : report.errors)
    errors.push_back({{"line", error.line}, {"field", error.field}, {"detail", error.detail}});
  return {{"imported", report.imported}, {"updated", report.updated}, {"errors", errors}};
}

// POST /api/v1/admin/students/import (CSV body) → {imported, updated, errors:[{line, field, detail}]}
Result<HttpResponse> import_students(RouteContext& context) {
  const app::ImportReport report =
      TRY(app::import_students(use_cases(context.app), context.actor(), context.request.body));
  return json_response(200, report_json(report).dump());
}

// GET /api/v1/audit?entity=&entity_id=&actor_account_id=&from=&to=&limit=&offset=
// → {items, total, limit, offset}, newest first (the school only).
Result<HttpResponse> audit_log(RouteContext& context) {
  static const std::set<std::string> kParameters{"entity", "entity_id", "actor_account_id", "from",
                                                 "to",     "limit",     "offset"};
  const HttpRequest& request = context.request;
  TRY(refuse_unknown_parameters(request, kParameters));
  app::AuditFilter filter;
  filter.entity = TRY(query_term(request, "entity"));
  filter.entity_id = TRY(query_term(request, "entity_id"));
  if (request.query_value("actor_account_id"))
    filter.actor_account_id = TRY(query_integer(request, "actor_account_id", 0, 0, 2'000'000'000));
  if (const auto from = request.query_value("from")) filter.from = TRY(workflow::parse_calendar_date(*from, "from"));
  if (const auto to = request.query_value("to")) filter.to = TRY(workflow::parse_calendar_date(*to, "to"));
  const Paging paging = TRY(query_paging(request));
  filter.limit = paging.limit;
  filter.offset = paging.offset;
  const app::AuditPage page = TRY(app::audit_log(use_cases(context.app), context.actor(), filter));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& record : page.items) items.push_back(audit_json(record));
  return json_response(200, nlohmann::json{{"items", items},
                                           {"total", page.total},
                                           {"limit", filter.limit},
                                           {"offset", filter.offset}}
                                .dump());
}

}  // namespace

void register_admin_routes(RouteTable& table) {
  table.add("POST", "/api/v1/admin/students/import", Access::Account, import_students);
  table.add("GET", "/api/v1/audit", Access::Account, audit_log);
}

}  // namespace sanfang::api
