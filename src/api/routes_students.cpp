// 生源核查 over HTTP (SPEC "Source-info verification"): the student edits and submits the four
// sections, a reviewer of the student's college verifies or rejects them. The rules are in
// workflow/source_info_rules.h; this file reads, checks scope, and stores.
#include "api/problem.h"
#include "api/routes.h"
#include "api/workflow_http.h"
#include "workflow/agreement_document.h"
#include "workflow/source_info_rules.h"

namespace sanfang::api {

namespace {

using nlohmann::json;

HttpResponse source_info_problem(const Error& error, const workflow::SourceInfo& before) {
  if (error.kind != ErrorKind::Conflict) return problem_response(error);
  return problem_response(error, {{"current_state", workflow::to_string(before.state)}});
}

// The version the client read must still be the stored one: two browser tabs editing the same
// record must not overwrite each other silently.
Result<std::int64_t> expected_version(const JsonBody& body, const workflow::SourceInfo& current) {
  auto version = TRY(body.optional_integer("version"));
  if (!version) return Error::invalid("version", "必填：读取生源信息时得到的 version");
  if (*version != current.version)
    return Error::make(ErrorKind::Conflict, "生源信息已被修改，请刷新后重试", "version");
  return *version;
}

Result<HttpResponse> get_source_info(RouteContext& context) {
  const workflow::Student student = TRY(visible_student(context));
  const workflow::SourceInfo info = TRY(context.app.store->source_info(student.student_no));
  return json_response(200, source_info_json(info, student).dump());
}

Result<workflow::SourceSections> read_sections(const JsonBody& body) {
  workflow::SourceSections sections;
  const std::pair<const char*, json*> members[] = {{"basic", &sections.basic},
                                                   {"contact", &sections.contact},
                                                   {"enrolment", &sections.enrolment},
                                                   {"archive", &sections.archive}};
  for (const auto& [name, target] : members) {
    const json* value = body.member(name);
    if (!value) continue;
    if (!value->is_object()) return Error::invalid(name, "应为对象");
    *target = *value;
  }
  return sections;
}

Result<HttpResponse> put_source_info(RouteContext& context) {
  const workflow::Student student = TRY(visible_student(context));
  const JsonBody body =
      TRY(read_json_body(context.request, {"basic", "contact", "enrolment", "archive", "version"}));
  workflow::SourceSections sections = TRY(read_sections(body));
  TRY(workflow::validate_source_sections(sections, student, *context.app.codes, *context.app.print_check));
  const workflow::SourceInfo current = TRY(context.app.store->source_info(student.student_no));
  auto change = workflow::edit_source_info(current, context.actor(), std::move(sections), context.now());
  if (!change) return source_info_problem(change.error(), current);
  auto version = expected_version(body, current);
  if (!version) return source_info_problem(version.error(), current);
  auto saved = context.app.store->apply_source_info_change(*change, *version);
  if (!saved) return source_info_problem(saved.error(), current);
  return json_response(200, source_info_json(*saved, student).dump());
}

Result<HttpResponse> submit_source_info(RouteContext& context) {
  const workflow::Student student = TRY(visible_student(context));
  const JsonBody body = TRY(read_json_body(context.request, {"version"}));
  const workflow::SourceInfo current = TRY(context.app.store->source_info(student.student_no));
  auto version = TRY(body.optional_integer("version"));
  auto change = workflow::submit_source_info(current, context.actor(), context.now());
  if (!change) return source_info_problem(change.error(), current);
  if (version && *version != current.version)
    return source_info_problem(
        Error::make(ErrorKind::Conflict, "生源信息已被修改，请刷新后重试", "version"), current);
  auto saved = context.app.store->apply_source_info_change(*change, current.version);
  if (!saved) return source_info_problem(saved.error(), current);
  return json_response(200, source_info_json(*saved, student).dump());
}

Result<HttpResponse> review_source_info(RouteContext& context) {
  const workflow::Student student = TRY(visible_student(context));
  const JsonBody body = TRY(read_json_body(context.request, {"decision", "reason"}));
  const auto decision = TRY(workflow::parse_review_decision(TRY(body.string("decision"))));
  const std::string reason = TRY(body.optional_string("reason")).value_or("");
  const workflow::SourceInfo current = TRY(context.app.store->source_info(student.student_no));
  auto change = workflow::review_source_info(current, context.actor(), decision, reason, context.now());
  if (!change) return source_info_problem(change.error(), current);
  auto saved = context.app.store->apply_source_info_change(*change, current.version);
  if (!saved) return source_info_problem(saved.error(), current);
  return json_response(200, source_info_json(*saved, student).dump());
}

}  // namespace

void register_student_routes(RouteTable& table) {
  table.add("GET", "/api/v1/students/:student_no/source-info", Access::Account, get_source_info);
  table.add("PUT", "/api/v1/students/:student_no/source-info", Access::Account, put_source_info);
  table.add("POST", "/api/v1/students/:student_no/source-info/submit", Access::Account, submit_source_info);
  table.add("POST", "/api/v1/students/:student_no/source-info/review", Access::Account, review_source_info);
}

}  // namespace sanfang::api
