// The agreement lifecycle over HTTP (SPEC "Agreement lifecycle" and "Rules that must hold
// everywhere"): each route reads its request, calls its use case (app/agreements.h: read, rule,
// store with the version read, sign) and answers; a 409 carries the agreement's current state.
#include "api/list_query.h"
#include "api/problem.h"
#include "api/routes.h"
#include "api/workflow_http.h"
#include "app/agreements.h"
#include "app/work_queue.h"
#include "core/field_labels.h"
#include "core/validate.h"
#include "workflow/agreement_rules.h"
#include "workflow/print_job.h"

#include <map>
#include <set>

namespace sanfang::api {

namespace {

using nlohmann::json;
using workflow::Agreement;
using workflow::Role;

// The terms as sent: an object, checked by the use case; absent reads as no terms yet.
json content_of(const JsonBody& body) {
  const json* content = body.member("content");
  return content ? *content : json::object();
}

// The agreement's version as the caller read it (GET /agreements/{id}): edits and acceptances
// made on a stale page lose.
Result<std::int64_t> required_version(const JsonBody& body) {
  const auto version = TRY(body.optional_integer("version"));
  if (!version) return core::required_member("version", "请提交读取协议时得到的版本号");
  return *version;
}

HttpResponse agreement_response(int status, RouteContext& context, const Agreement& agreement) {
  return json_response(status, agreement_json(agreement, context.app.workflow, context.actor()).dump());
}

// The answer to a lifecycle action: the agreement as it is now, or the refusal — a 409 carries
// the agreement's current state.
Result<HttpResponse> action_response(RouteContext& context, std::int64_t id, Result<Agreement> outcome) {
  if (!outcome) return agreement_problem(*context.app.store, outcome.error(), id);
  return agreement_response(200, context, *outcome);
}

// An action without inputs on the agreement of the path's id.
template <typename UseCase>
Result<HttpResponse> act(RouteContext& context, UseCase&& use_case) {
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  TRY(read_json_body(context.request, {}));
  return action_response(context, id, use_case(use_cases(context.app), context.actor(), id));
}

// ---- create, read, edit ------------------------------------------------------------------------

Result<HttpResponse> create_agreement(RouteContext& context) {
  const workflow::Actor actor = context.actor();
  TRY(app::may_create_agreement(actor));
  app::NewAgreement input;
  if (actor.role == Role::Employer) {
    const JsonBody body = TRY(read_json_body(context.request, {"student_no", "content"}));
    input.student_no = TRY(body.string("student_no"));
    input.content = content_of(body);
  } else {
    const JsonBody body = TRY(read_json_body(context.request, {"employer_id", "content"}));
    input.employer_id = TRY(body.optional_integer("employer_id"));
    input.content = content_of(body);
  }
  const Agreement stored = TRY(app::create_agreement(use_cases(context.app), actor, std::move(input)));
  return agreement_response(201, context, stored);
}

// The orders a list may be asked for: `sort=signed_at` (oldest signing first), `-signed_at`, …
Result<store::AgreementOrder> query_order(const HttpRequest& request) {
  static const std::map<std::string, store::AgreementOrder> kOrders{
      {"id", store::AgreementOrder::Oldest},
      {"-id", store::AgreementOrder::Newest},
      {"signed_at", store::AgreementOrder::SignedFirst},
      {"-signed_at", store::AgreementOrder::SignedLast},
      {"-updated_at", store::AgreementOrder::RecentlyUpdated}};
  const auto text = request.query_value("sort");
  if (!text) return store::AgreementOrder::Oldest;
  const auto found = kOrders.find(*text);
  if (found == kOrders.end())
    return Error::invalid("sort", "排序方式应为 id、-id、signed_at、-signed_at 或 -updated_at 之一");
  return found->second;
}

// GET /api/v1/agreements?state=&college=&major=&student_no=&serial=&q=&signed_from=&signed_to=
// &waiting_for=me&sort=&limit=&offset= → {items, total, limit, offset}. A parameter the list does not know is
// refused rather than ignored, so that a misspelt filter never looks like an empty result.
Result<HttpResponse> list_agreements(RouteContext& context) {
  static const std::set<std::string> kParameters{"state",     "college",   "major",       "student_no",
                                                 "serial",    "q",         "sort",        "signed_from",
                                                 "signed_to", "limit",     "offset",      "waiting_for"};
  const HttpRequest& request = context.request;
  TRY(refuse_unknown_parameters(request, kParameters));
  app::AgreementFilter filter;
  if (const auto state = request.query_value("state")) filter.state = TRY(workflow::parse_agreement_state(*state));
  filter.college = TRY(query_term(request, "college"));
  filter.major = TRY(query_term(request, "major"));
  filter.student_no = TRY(query_term(request, "student_no"));
  filter.name_fragment = TRY(query_term(request, "q"));
  if (const auto serial = request.query_value("serial")) filter.serial = TRY(core::validate_serial(*serial, "serial"));
  if (const auto from = request.query_value("signed_from"))
    filter.signed_from = TRY(workflow::parse_calendar_date(*from, "signed_from"));
  if (const auto to = request.query_value("signed_to")) filter.signed_to = TRY(workflow::parse_calendar_date(*to, "signed_to"));
  if (const auto waiting_for = request.query_value("waiting_for")) {
    if (*waiting_for != "me") return Error::invalid("waiting_for", "待办范围只能为 me（等待我处理的协议）");
    filter.waiting_for_me = true;
  }
  filter.order = TRY(query_order(request));
  const Paging paging = TRY(query_paging(request));
  filter.limit = paging.limit;
  filter.offset = paging.offset;
  const workflow::Actor actor = context.actor();
  const app::AgreementPage page = TRY(app::list_agreements(use_cases(context.app), actor, filter));
  json items = json::array();
  for (const auto& agreement : page.items) items.push_back(agreement_json(agreement, context.app.workflow, actor));
  return json_response(
      200, json{{"items", items}, {"total", page.total}, {"limit", filter.limit}, {"offset", filter.offset}}.dump());
}

// GET /api/v1/waiting-for-me → how much waits on the caller, each count with the list that shows
// it: {"agreements": {"count", "url"}, "source_infos": {"count", "url"}} (source_infos for college
// reviewers only).
Result<HttpResponse> waiting_for_me(RouteContext& context) {
  TRY(refuse_unknown_parameters(context.request, {}));
  const app::WaitingWork waiting = TRY(app::waiting_work(use_cases(context.app), context.actor()));
  json body = {{"agreements", {{"count", waiting.agreements}, {"url", "/api/v1/agreements?waiting_for=me"}}}};
  if (waiting.source_infos)
    body["source_infos"] = {{"count", *waiting.source_infos},
                            {"url", "/api/v1/students?source_state=submitted&sort=waiting"}};
  return json_response(200, body.dump());
}

Result<HttpResponse> get_agreement(RouteContext& context) {
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  const workflow::Actor actor = context.actor();
  const app::AgreementDetails details = TRY(app::agreement_details(use_cases(context.app), actor, id));
  json body = agreement_json(details.agreement, context.app.workflow, actor);
  body["termination"] = nullptr;
  if (details.termination) {
    const workflow::TerminationRequest& pending = *details.termination;
    json material = json::array();
    if (workflow::may_see(actor, details.agreement, workflow::AgreementView::Attachments))
      for (const auto& attachment : pending.material) material.push_back(attachment_json(attachment));
    json chain = json::array();
    for (auto level : pending.review_chain) chain.push_back(workflow::to_string(level));
    body["termination"] = {{"explanation", pending.explanation},
                           {"state", workflow::to_string(pending.state)},
                           {"state_label", workflow::chinese_label(pending.state)},
                           {"review", {{"chain", chain}, {"step", pending.review_step}}},
                           {"material", material},
                           {"requested_at", rfc3339(pending.requested_at)}};
  }
  return json_response(200, body.dump());
}

Result<HttpResponse> edit_agreement(RouteContext& context) {
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  const JsonBody body = TRY(read_json_body(context.request, {"content", "version"}));
  if (!body.member("content")) return core::required_member("content");
  const std::int64_t version = TRY(required_version(body));
  return action_response(context, id,
                         app::edit_agreement(use_cases(context.app), context.actor(), id, content_of(body), version));
}

// ---- transitions -------------------------------------------------------------------------------

Result<HttpResponse> send_invitation(RouteContext& context) { return act(context, app::send_invitation); }
// The student names the version they read: an invitation the employer edited since is refused.
Result<HttpResponse> accept_invitation(RouteContext& context) {
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  const JsonBody body = TRY(read_json_body(context.request, {"version"}));
  const std::int64_t version = TRY(required_version(body));
  return action_response(context, id, app::accept_invitation(use_cases(context.app), context.actor(), id, version));
}
Result<HttpResponse> withdraw_agreement(RouteContext& context) { return act(context, app::withdraw_agreement); }
Result<HttpResponse> submit_agreement(RouteContext& context) { return act(context, app::submit_agreement); }

Result<HttpResponse> return_invitation(RouteContext& context) {
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  const JsonBody body = TRY(read_json_body(context.request, {"reason"}));
  const std::string reason = TRY(body.string("reason"));
  return action_response(context, id, app::return_invitation(use_cases(context.app), context.actor(), id, reason));
}

struct Decision {
  workflow::ReviewDecision decision;
  std::string reason;
};

Result<Decision> read_decision(const HttpRequest& request) {
  const JsonBody body = TRY(read_json_body(request, {"decision", "reason"}));
  const auto decision = TRY(workflow::parse_review_decision(TRY(body.string("decision"))));
  return Decision{decision, TRY(body.optional_string("reason")).value_or("")};
}

Result<HttpResponse> review_agreement(RouteContext& context) {
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  const Decision decision = TRY(read_decision(context.request));
  return action_response(
      context, id, app::review_agreement(use_cases(context.app), context.actor(), id, decision.decision, decision.reason));
}

// ---- attachments and termination ----------------------------------------------------------------

Result<HttpResponse> upload_attachment(RouteContext& context) {
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  const auto purpose_text = context.request.query_value("purpose");
  if (!purpose_text) return core::required_member("purpose", "证明材料、解约函、接收函或其他");
  app::Upload upload;
  upload.purpose = TRY(workflow::parse_attachment_purpose(*purpose_text));
  upload.bytes = context.request.body;
  upload.declared_type = context.request.header("content-type");
  const workflow::Actor actor = context.actor();
  auto uploaded = app::upload_attachment(use_cases(context.app), actor, id, upload);
  if (!uploaded) return agreement_problem(*context.app.store, uploaded.error(), id);
  json body = upload_json(uploaded->upload);
  body["agreement"] = agreement_json(uploaded->agreement, context.app.workflow, actor);
  return json_response(201, body.dump());
}

// attachment_ids name uploads of this agreement (the ids POST …/attachments answered).
Result<std::vector<std::int64_t>> read_attachment_ids(const JsonBody& body) {
  const json* ids = body.member("attachment_ids");
  if (!ids) return core::required_member("attachment_ids", "请上传解约函、接收函图片后提交它们的附件编号");
  if (!ids->is_array()) return core::member_of_wrong_type("attachment_ids", "附件编号的列表");
  std::vector<std::int64_t> list;
  for (std::size_t i = 0; i < ids->size(); ++i) {
    const json& item = (*ids)[i];
    if (!item.is_number_integer()) return core::member_of_wrong_type("attachment_ids[" + std::to_string(i) + "]", "整数");
    list.push_back(item.get<std::int64_t>());
  }
  return list;
}

Result<HttpResponse> request_termination(RouteContext& context) {
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  const JsonBody body = TRY(read_json_body(context.request, {"explanation", "attachment_ids"}));
  const std::string explanation = TRY(body.optional_string("explanation")).value_or("");
  const auto attachment_ids = TRY(read_attachment_ids(body));
  return action_response(
      context, id, app::request_termination(use_cases(context.app), context.actor(), id, explanation, attachment_ids));
}

Result<HttpResponse> review_termination(RouteContext& context) {
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  const Decision decision = TRY(read_decision(context.request));
  return action_response(
      context, id, app::review_termination(use_cases(context.app), context.actor(), id, decision.decision, decision.reason));
}

Result<HttpResponse> agreement_history(RouteContext& context) {
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  const auto trail = TRY(app::agreement_history(use_cases(context.app), context.actor(), id));
  json items = json::array();
  for (const auto& record : trail) items.push_back(audit_json(record));
  return json_response(200, json{{"agreement_id", id}, {"items", items}}.dump());
}

}  // namespace

void register_agreement_routes(RouteTable& table) {
  table.add("POST", "/api/v1/agreements", Access::Account, create_agreement);
  table.add("GET", "/api/v1/agreements", Access::Account, list_agreements);
  table.add("GET", "/api/v1/waiting-for-me", Access::Account, waiting_for_me);
  table.add("GET", "/api/v1/agreements/:id", Access::Account, get_agreement);
  table.add("PATCH", "/api/v1/agreements/:id", Access::Account, edit_agreement);
  table.add("POST", "/api/v1/agreements/:id/send", Access::Account, send_invitation);
  table.add("POST", "/api/v1/agreements/:id/accept", Access::Account, accept_invitation);
  table.add("POST", "/api/v1/agreements/:id/return", Access::Account, return_invitation);
  table.add("POST", "/api/v1/agreements/:id/withdraw", Access::Account, withdraw_agreement);
  table.add("POST", "/api/v1/agreements/:id/submit", Access::Account, submit_agreement);
  table.add("POST", "/api/v1/agreements/:id/attachments", Access::Account, upload_attachment);
  table.add("POST", "/api/v1/agreements/:id/review", Access::Account, review_agreement);
  table.add("POST", "/api/v1/agreements/:id/termination", Access::Account, request_termination);
  table.add("POST", "/api/v1/agreements/:id/termination/review", Access::Account, review_termination);
  table.add("GET", "/api/v1/agreements/:id/history", Access::Account, agreement_history);
}

}  // namespace sanfang::api
