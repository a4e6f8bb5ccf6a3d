// 生源核查 over HTTP (SPEC "Source-info verification"): the student edits and submits the four
// sections, a reviewer of the student's college verifies or rejects them. The use cases are in
// app/source_info.h; this file reads requests and writes answers.
#include "api/list_query.h"
#include "api/problem.h"
#include "api/routes.h"
#include "api/workflow_http.h"
#include "app/accounts.h"
#include "app/source_info.h"
#include "core/field_labels.h"

#include <set>

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

// GET /api/v1/students?source_state=&college=&major=&graduation_year=&q=&sort=&limit=&offset=
// → {items, total, limit, offset}: a college's 生源核查 queue (`source_state=submitted&sort=waiting`,
// the longest-waiting first) and the school's lookup, with each student's imported identity.
Result<HttpResponse> list_students(RouteContext& context) {
  static const std::set<std::string> kParameters{"source_state", "college", "major", "graduation_year",
                                                 "q",            "sort",    "limit", "offset"};
  const HttpRequest& request = context.request;
  TRY(refuse_unknown_parameters(request, kParameters));
  app::StudentFilter filter;
  if (const auto state = request.query_value("source_state")) {
    auto parsed = workflow::parse_source_info_state(*state);
    if (!parsed) return Error::invalid("source_state", parsed.error().message);
    filter.source_state = *parsed;
  }
  filter.college = TRY(query_term(request, "college"));
  filter.major = TRY(query_term(request, "major"));
  filter.name_fragment = TRY(query_term(request, "q"));
  filter.graduation_year = TRY(query_graduation_year(request, "graduation_year"));
  if (const auto sort = request.query_value("sort")) {
    if (*sort == "student_no") filter.order = store::StudentOrder::ByNumber;
    else if (*sort == "waiting") filter.order = store::StudentOrder::LongestWaiting;
    else return Error::invalid("sort", "排序方式应为 student_no 或 waiting 之一");
  }
  const Paging paging = TRY(query_paging(request));
  filter.limit = paging.limit;
  filter.offset = paging.offset;
  const app::StudentPage page = TRY(app::list_students(use_cases(context.app), context.actor(), filter));
  json items = json::array();
  for (const store::StudentListing& listing : page.items) {
    json item = student_json(listing.student);
    item["source_state"] = workflow::to_string(listing.source_state);
    item["source_state_label"] = workflow::chinese_label(listing.source_state);
    item["source_updated_at"] = listing.source_updated_at ? json(rfc3339(*listing.source_updated_at)) : json(nullptr);
    item["url"] = "/api/v1/students/" + listing.student.student_no + "/source-info";
    items.push_back(std::move(item));
  }
  return json_response(
      200, json{{"items", items}, {"total", page.total}, {"limit", filter.limit}, {"offset", filter.offset}}.dump());
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

// POST /api/v1/students/{student_no}/password-reset → {student_no, username, temporary_password,
// must_change_password}: the reviewers of the student's college or the school; anyone else 404.
// The temporary password is in this answer only (never stored in clear, never cached).
Result<HttpResponse> reset_password(RouteContext& context) {
  TRY(read_json_body(context.request, {}));
  const app::PasswordReset reset =
      TRY(app::reset_student_password(use_cases(context.app), context.actor(), student_no(context)));
  const json body = {{"student_no", reset.account.student_no},
                     {"username", reset.account.username},
                     {"temporary_password", reset.temporary_password},
                     {"must_change_password", true}};
  HttpResponse response = json_response(200, body.dump());
  return response.with_header("Cache-Control", "no-store");
}

}  // namespace

void register_student_routes(RouteTable& table) {
  table.add("GET", "/api/v1/students", Access::Account, list_students);
  table.add("GET", "/api/v1/students/:student_no/source-info", Access::Account, get_source_info);
  table.add("PUT", "/api/v1/students/:student_no/source-info", Access::Account, put_source_info);
  table.add("POST", "/api/v1/students/:student_no/source-info/submit", Access::Account, submit_source_info);
  table.add("POST", "/api/v1/students/:student_no/source-info/review", Access::Account, review_source_info);
  table.add("POST", "/api/v1/students/:student_no/password-reset", Access::Account, reset_password);
}

}  // namespace sanfang::api
