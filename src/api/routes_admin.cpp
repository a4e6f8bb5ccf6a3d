// School administration over HTTP: the student import (SPEC "Accounts"; the same module as
// `sanfang import`).
#include "api/problem.h"
#include "api/routes.h"
#include "api/student_import.h"

namespace sanfang::api {

namespace {

// POST /api/v1/admin/students/import (CSV body) → {imported, updated, errors:[{line, field, detail}]}
Result<HttpResponse> import_students(RouteContext& context) {
  if (context.account->role != workflow::Role::School)
    return Error::make(ErrorKind::Forbidden, "仅学校就业指导服务中心可以导入学生");
  if (context.request.body.empty()) return Error::invalid("body", "请求体应为学生名单 CSV 文件");
  const ImportReport report =
      TRY(import_students_csv(*context.app.store, context.request.body, context.now(), *context.app.codes,
                              *context.app.print_check));
  return json_response(200, report.to_json().dump());
}

}  // namespace

void register_admin_routes(RouteTable& table) {
  table.add("POST", "/api/v1/admin/students/import", Access::Account, import_students);
}

}  // namespace sanfang::api
