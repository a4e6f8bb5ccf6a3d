// The agreement lifecycle over HTTP (SPEC "Agreement lifecycle" and "Rules that must hold
// everywhere"). Every action follows one pattern: read the agreement (404 when the caller cannot
// see it), read what the rule needs, run the workflow rule (which decides 403 / 409 / 400), then
// hand the change to the store with the version that was read — so of two concurrent actions
// exactly one wins and the other gets 409 with the agreement's current state.
#include "api/documents.h"
#include "api/problem.h"
#include "api/routes.h"
#include "api/upload_check.h"
#include "api/workflow_http.h"
#include "workflow/agreement_document.h"
#include "workflow/agreement_rules.h"
#include "workflow/limits.h"

#include <charconv>

namespace sanfang::api {

namespace {

using nlohmann::json;
using workflow::Agreement;
using workflow::AgreementChange;
using workflow::Role;

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 200;

// The terms as sent: an object checked member by member; errors name the member under "content".
Result<json> read_content(RouteContext& context, const JsonBody& body) {
  const json* content = body.member("content");
  if (!content) return json::object();
  if (auto valid = workflow::validate_agreement_content(*content, *context.app.codes, *context.app.print_check); !valid) {
    Error error = valid.take_error();
    if (error.field != "content") error.field = "content." + error.field;
    return error;
  }
  return *content;
}

Result<int> query_integer(const HttpRequest& request, const char* name, int fallback, int min, int max) {
  const auto text = request.query_value(name);
  if (!text) return fallback;
  int value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < min || value > max)
    return Error::invalid(name, "应为 " + std::to_string(min) + " 到 " + std::to_string(max) + " 之间的整数");
  return value;
}

HttpResponse agreement_response(int status, RouteContext& context, const Agreement& agreement) {
  return json_response(status, agreement_json(agreement, context.app.workflow, context.actor()).dump());
}

// Stores the change; the last approval signs, and its document is made in the same decision
// (sign_agreement), so a document that cannot be made leaves the agreement unsigned.
Result<HttpResponse> store_change(RouteContext& context, const Agreement& before,
                                  const AgreementChange& change, std::int64_t expected_version) {
  const bool signs = change.agreement.state == workflow::AgreementState::Signed && !change.agreement.serial;
  auto stored = signs ? sign_agreement(context.app, change, expected_version)
                      : context.app.store->apply_agreement_change(change, expected_version);
  if (!stored) return agreement_problem(*context.app.store, stored.error(), before.id);
  return agreement_response(200, context, *stored);
}

// One lifecycle action on a visible agreement: `rule` returns the change (or the refusal).
template <typename Rule>
Result<HttpResponse> act(RouteContext& context, Rule&& rule) {
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  const Agreement agreement = TRY(visible_agreement(context, id));
  auto change = rule(agreement);
  if (!change) return agreement_problem(*context.app.store, change.error(), id);
  return store_change(context, agreement, *change, agreement.version);
}

Result<workflow::Parties> parties_of(RouteContext& context, const Agreement& agreement) {
  return context.app.store->parties_for(agreement.student_no, agreement.employer_id, agreement.id);
}

// ---- create, read, edit ------------------------------------------------------------------------

Result<HttpResponse> create_agreement(RouteContext& context) {
  const workflow::Actor actor = context.actor();
  Result<AgreementChange> change = Error::make(ErrorKind::Forbidden, "只有用人单位或毕业生可以创建协议");
  if (actor.role == Role::Employer) {
    if (actor.employer_id == 0)
      return Error::make(ErrorKind::Forbidden, "请先登记本单位信息（POST /api/v1/employers）");
    const JsonBody body = TRY(read_json_body(context.request, {"student_no", "content"}));
    const std::string student_no = TRY(body.string("student_no"));
    json content = TRY(read_content(context, body));
    const auto parties = TRY(context.app.store->parties_for(student_no, actor.employer_id, 0));
    change = workflow::create_invitation(actor, parties, std::move(content), context.now());
  } else if (actor.role == Role::Student) {
    const JsonBody body = TRY(read_json_body(context.request, {"employer_id", "content"}));
    const auto employer_id = TRY(body.optional_integer("employer_id"));
    if (!employer_id) return Error::invalid("employer_id", "必填：单位库中单位的 id");
    json content = TRY(read_content(context, body));
    const auto parties = TRY(context.app.store->parties_for(actor.student_no, *employer_id, 0));
    change = workflow::create_student_initiated(actor, parties, std::move(content), context.now());
  }
  if (!change) return change.take_error();
  const Agreement stored = TRY(context.app.store->insert_agreement(*change));
  return agreement_response(201, context, stored);
}

Result<HttpResponse> list_agreements(RouteContext& context) {
  const workflow::Actor actor = context.actor();
  store::AgreementQuery query;
  if (const auto state = context.request.query_value("state"))
    query.state = TRY(workflow::parse_agreement_state(*state));
  query.limit = TRY(query_integer(context.request, "limit", kDefaultPageSize, 1, kMaxPageSize));
  query.offset = TRY(query_integer(context.request, "offset", 0, 0, 1'000'000'000));
  // The visibility rule's scope as the query's filter, so that paging counts visible rows only.
  const workflow::AgreementScope scope = workflow::agreement_scope(actor);
  if (scope.none) return json_response(200, json{{"items", json::array()}, {"limit", query.limit}, {"offset", query.offset}}.dump());
  query.student_no = scope.student_no;
  query.employer_id = scope.employer_id;
  query.origin = scope.origin;
  query.college_code = scope.college_code;
  query.exclude_drafts = scope.exclude_drafts;
  query.exclude_unsent_invitations = scope.exclude_unsent_invitations;
  const auto found = TRY(context.app.store->list_agreements(query));
  json items = json::array();
  for (const auto& agreement : found) items.push_back(agreement_json(agreement, context.app.workflow, actor));
  return json_response(200, json{{"items", items}, {"limit", query.limit}, {"offset", query.offset}}.dump());
}

Result<HttpResponse> get_agreement(RouteContext& context) {
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  const Agreement agreement = TRY(visible_agreement(context, id));
  json body = agreement_json(agreement, context.app.workflow, context.actor());
  body["termination"] = nullptr;
  if (agreement.state == workflow::AgreementState::TerminationRequested) {
    const auto pending = TRY(context.app.store->pending_termination(id));
    json material = json::array();
    if (workflow::may_see(context.actor(), agreement, workflow::AgreementView::Attachments))
      for (const auto& attachment : pending.material) material.push_back(attachment_json(attachment));
    json chain = json::array();
    for (auto level : pending.review_chain) chain.push_back(workflow::to_string(level));
    body["termination"] = {{"explanation", pending.explanation},
                           {"state", workflow::to_string(pending.state)},
                           {"review", {{"chain", chain}, {"step", pending.review_step}}},
                           {"material", material},
                           {"requested_at", rfc3339(pending.requested_at)}};
  }
  return json_response(200, body.dump());
}

Result<HttpResponse> edit_agreement(RouteContext& context) {
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  const Agreement agreement = TRY(visible_agreement(context, id));
  const JsonBody body = TRY(read_json_body(context.request, {"content", "version"}));
  if (!body.member("content")) return Error::invalid("content", "必填");
  json content = TRY(read_content(context, body));
  const auto version = TRY(body.optional_integer("version"));
  if (!version) return Error::invalid("version", "必填：读取协议时得到的 version");
  auto change = workflow::edit_content(agreement, context.actor(), std::move(content), context.now());
  if (!change) return agreement_problem(*context.app.store, change.error(), id);
  // The client's version is the one checked: an edit made on a stale page loses (409).
  return store_change(context, agreement, *change, *version);
}

// ---- transitions -------------------------------------------------------------------------------

Result<HttpResponse> send_invitation(RouteContext& context) {
  TRY(read_json_body(context.request, {}));
  return act(context, [&](const Agreement& a) -> Result<AgreementChange> {
    const auto parties = TRY(parties_of(context, a));
    return workflow::send_invitation(a, context.actor(), parties, context.now());
  });
}

Result<HttpResponse> accept_invitation(RouteContext& context) {
  TRY(read_json_body(context.request, {}));
  return act(context, [&](const Agreement& a) -> Result<AgreementChange> {
    const auto parties = TRY(parties_of(context, a));
    return workflow::accept_invitation(a, context.actor(), parties, context.app.workflow, context.now());
  });
}

Result<HttpResponse> return_invitation(RouteContext& context) {
  const JsonBody body = TRY(read_json_body(context.request, {"reason"}));
  const std::string reason = TRY(body.string("reason"));
  return act(context, [&](const Agreement& a) {
    return workflow::return_invitation(a, context.actor(), reason, context.app.workflow, context.now());
  });
}

Result<HttpResponse> withdraw_agreement(RouteContext& context) {
  TRY(read_json_body(context.request, {}));
  return act(context, [&](const Agreement& a) { return workflow::withdraw(a, context.actor(), context.now()); });
}

Result<HttpResponse> submit_agreement(RouteContext& context) {
  TRY(read_json_body(context.request, {}));
  return act(context, [&](const Agreement& a) -> Result<AgreementChange> {
    const auto parties = TRY(parties_of(context, a));
    return workflow::submit_for_review(a, context.actor(), parties, context.app.workflow, context.now());
  });
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
  const Decision decision = TRY(read_decision(context.request));
  return act(context, [&](const Agreement& a) {
    return workflow::review_agreement(a, context.actor(), decision.decision, decision.reason, context.now());
  });
}

// ---- attachments and termination ----------------------------------------------------------------

// SPEC: termination material (release letter 解约函, acceptance letter 接收函) is the student's own
// to upload, to a signed agreement; it is referenced by the termination request afterwards.
Status may_upload_termination_material(const workflow::Actor& actor, workflow::AttachmentPurpose purpose) {
  if (actor.role != Role::Student)
    return Error::make(ErrorKind::Forbidden, "只有毕业生本人可以上传解约材料");
  if (purpose == workflow::AttachmentPurpose::Proof)
    return Error::invalid("purpose", "已签约协议只能上传解约材料：release_letter、acceptance_letter 或 other");
  return {};
}

Result<HttpResponse> upload_attachment(RouteContext& context) {
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  const Agreement agreement = TRY(visible_agreement(context, id));
  const auto purpose_text = context.request.query_value("purpose");
  if (!purpose_text) return Error::invalid("purpose", "必填：proof、release_letter、acceptance_letter 或 other");
  const auto purpose = TRY(workflow::parse_attachment_purpose(*purpose_text));
  TRY(workflow::check_attachment_limit(static_cast<int>(TRY(context.app.store->uploads_of(id)).size())));
  const std::string& bytes = context.request.body;
  const auto media_type = TRY(check_upload(*context.app.renders, bytes, context.request.header("content-type")));
  const workflow::Actor actor = context.actor();
  const workflow::Attachment described{{}, media_type, static_cast<std::int64_t>(bytes.size()), purpose};

  Agreement after = agreement;
  if (agreement.state == workflow::AgreementState::Signed) {
    TRY(may_upload_termination_material(actor, purpose));
  } else {
    // Asked before anything is written, so a refused upload stores nothing.
    if (auto allowed = workflow::add_attachment(agreement, actor, described, context.now()); !allowed)
      return agreement_problem(*context.app.store, allowed.error(), id);
  }
  const workflow::Attachment stored = TRY(context.app.store->store_attachment(bytes, purpose));
  if (agreement.state != workflow::AgreementState::Signed) {
    auto change = workflow::add_attachment(agreement, actor, stored, context.now());
    if (!change) return agreement_problem(*context.app.store, change.error(), id);
    auto applied = context.app.store->apply_agreement_change(*change, agreement.version);
    if (!applied) return agreement_problem(*context.app.store, applied.error(), id);
    after = *applied;
  }
  const auto upload = TRY(context.app.store->record_upload(id, actor.account_id, stored, context.now()));
  json body = attachment_json(stored);
  body["id"] = upload.id;
  body["uploaded_at"] = rfc3339(upload.uploaded_at);
  body["agreement"] = agreement_json(after, context.app.workflow, actor);
  return json_response(201, body.dump());
}

// attachment_ids name uploads of this agreement (the ids POST …/attachments answered).
Result<std::vector<workflow::Attachment>> read_material(RouteContext& context, const JsonBody& body,
                                                        std::int64_t agreement_id) {
  const json* ids = body.member("attachment_ids");
  if (!ids) return Error::invalid("attachment_ids", "必填：解约函、接收函图片的附件 id");
  if (!ids->is_array()) return Error::invalid("attachment_ids", "应为附件 id 的数组");
  const auto uploads = TRY(context.app.store->uploads_of(agreement_id));
  std::vector<workflow::Attachment> material;
  for (std::size_t i = 0; i < ids->size(); ++i) {
    const std::string field = "attachment_ids[" + std::to_string(i) + "]";
    const json& item = (*ids)[i];
    if (!item.is_number_integer()) return Error::invalid(field, "应为整数");
    const auto wanted = item.get<std::int64_t>();
    auto found = std::find_if(uploads.begin(), uploads.end(),
                              [wanted](const store::AgreementUpload& u) { return u.id == wanted; });
    if (found == uploads.end()) return Error::invalid(field, "该协议没有这个附件");
    material.push_back(found->attachment);
  }
  return material;
}

Result<HttpResponse> request_termination(RouteContext& context) {
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  const Agreement agreement = TRY(visible_agreement(context, id));
  const JsonBody body = TRY(read_json_body(context.request, {"explanation", "attachment_ids"}));
  const std::string explanation = TRY(body.optional_string("explanation")).value_or("");
  auto material = TRY(read_material(context, body, id));
  const auto parties = TRY(parties_of(context, agreement));
  auto change = workflow::request_termination(agreement, context.actor(), parties, explanation,
                                              std::move(material), context.app.workflow, context.now());
  if (!change) return agreement_problem(*context.app.store, change.error(), id);
  return store_change(context, agreement, *change, agreement.version);
}

Result<HttpResponse> review_termination(RouteContext& context) {
  const Decision decision = TRY(read_decision(context.request));
  return act(context, [&](const Agreement& a) -> Result<AgreementChange> {
    // Not awaiting a termination review: the rule answers with the current state (409).
    if (a.state != workflow::AgreementState::TerminationRequested)
      return workflow::review_termination(a, workflow::TerminationRequest{}, context.actor(),
                                          decision.decision, decision.reason, context.now());
    const auto pending = TRY(context.app.store->pending_termination(a.id));
    return workflow::review_termination(a, pending, context.actor(), decision.decision,
                                        decision.reason, context.now());
  });
}

Result<HttpResponse> agreement_history(RouteContext& context) {
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  const Agreement agreement = TRY(visible_agreement(context, id, workflow::AgreementView::History));
  const auto trail = TRY(context.app.store->audit_trail("agreement", std::to_string(agreement.id)));
  json items = json::array();
  for (const auto& record : trail) items.push_back(audit_json(record));
  return json_response(200, json{{"agreement_id", agreement.id}, {"items", items}}.dump());
}

}  // namespace

void register_agreement_routes(RouteTable& table) {
  table.add("POST", "/api/v1/agreements", Access::Account, create_agreement);
  table.add("GET", "/api/v1/agreements", Access::Account, list_agreements);
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
