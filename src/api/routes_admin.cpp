// School administration over HTTP: the student import (SPEC "Accounts"; the same module as
// `sanfang import`).
#include "api/problem.h"
#include "api/routes.h"
#include "api/workflow_http.h"
#include "app/student_import.h"

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

}  // namespace

void register_admin_routes(RouteTable& table) {
  table.add("POST", "/api/v1/admin/students/import", Access::Account, import_students);
}

}  // namespace sanfang::api
