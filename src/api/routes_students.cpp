// 生源核查 over HTTP (SPEC "Source-info verification"): the student edits and submits the four
// sections, a reviewer of the student's college verifies or rejects them. The use cases are in
// app/source_info.h; this file reads requests and writes answers.
#include "api/problem.h"
#include "api/routes.h"
#include "api/workflow_http.h"
#include "app/source_info.h"
#include "core/field_labels.h"

namespace sanfang::api {

namespace {

using nlohmann::json;

const std::string& student_no(const RouteContext& context) { return context.request.params.at("student_no"); }

// The answer to a source-info action: the record as it is now, or the refusal — a 409 carries the
// record's current state.
Result<HttpResponse> source_info_response(RouteContext& context, Result<app::StudentSourceInfo> outcome) {
  if (outcome) return json_response(200, source_info_json(outcome->info, outcome->student).dump());
  const Error& error = outcome.error();
  if (error.kind != ErrorKind::Conflict) return problem_response(error);
  auto current = context.app.store->source_info(student_no(context));
  if (!current) return problem_response(error);
  return problem_response(error, {{"current_state", workflow::to_string(current->state)}});
}

Result<HttpResponse> get_source_info(RouteContext& context) {
  const auto found = TRY(app::source_info(use_cases(context.app), context.actor(), student_no(context)));
  return json_response(200, source_info_json(found.info, found.student).dump());
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
    if (!value->is_object()) return core::member_of_wrong_type(name, "对象");
    *target = *value;
  }
  return sections;
}

Result<HttpResponse> put_source_info(RouteContext& context) {
  const JsonBody body =
      TRY(read_json_body(context.request, {"basic", "contact", "enrolment", "archive", "version"}));
  workflow::SourceSections sections = TRY(read_sections(body));
  const auto version = TRY(body.optional_integer("version"));
  return source_info_response(context, app::save_source_info(use_cases(context.app), context.actor(),
                                                             student_no(context), std::move(sections), version));
}

Result<HttpResponse> submit_source_info(RouteContext& context) {
  const JsonBody body = TRY(read_json_body(context.request, {"version"}));
  const auto version = TRY(body.optional_integer("version"));
  return source_info_response(
      context, app::submit_source_info(use_cases(context.app), context.actor(), student_no(context), version));
}

Result<HttpResponse> review_source_info(RouteContext& context) {
  const JsonBody body = TRY(read_json_body(context.request, {"decision", "reason"}));
  const auto decision = TRY(workflow::parse_review_decision(TRY(body.string("decision"))));
  const std::string reason = TRY(body.optional_string("reason")).value_or("");
  return source_info_response(context, app::review_source_info(use_cases(context.app), context.actor(),
                                                               student_no(context), decision, reason));
}

}  // namespace

void register_student_routes(RouteTable& table) {
  table.add("GET", "/api/v1/students/:student_no/source-info", Access::Account, get_source_info);
  table.add("PUT", "/api/v1/students/:student_no/source-info", Access::Account, put_source_info);
  table.add("POST", "/api/v1/students/:student_no/source-info/submit", Access::Account, submit_source_info);
  table.add("POST", "/api/v1/students/:student_no/source-info/review", Access::Account, review_source_info);
}

}  // namespace sanfang::api
