#include "api/workflow_http.h"

#include "api/problem.h"
#include "api/upload_check.h"
#include "app/agreements.h"
#include "core/validate.h"
#include "workflow/work_queue.h"

#include <charconv>
#include <ctime>

namespace sanfang::api {

using nlohmann::json;

app::Context use_cases(App& app) {
  app::Context context{*app.store, *app.clock, app.workflow, *app.codes, *app.print_check};
  context.make_signed_document = app.make_signed_document;
  context.check_upload = [&app](std::string_view bytes, const std::optional<std::string>& declared_type) {
    return check_upload(*app.renders, bytes, declared_type);
  };
  context.copy_numbers = app.copy_numbers;
  context.prints = app.prints;
  return context;
}

Result<JsonBody> read_json_body(const HttpRequest& request,
                                std::initializer_list<const char*> allowed) {
  if (request.body.size() > kMaxJsonBodyBytes)
    return Error::make(ErrorKind::TooLarge,
                       "请求体超过 " + std::to_string(kMaxJsonBodyBytes / 1024) + " KB", "$");
  return JsonBody::parse(request.body.empty() ? std::string_view("{}") : request.body, allowed);
}

Result<std::int64_t> id_parameter(const HttpRequest& request, const char* name) {
  auto it = request.params.find(name);
  std::int64_t id = 0;
  if (it != request.params.end()) {
    const std::string& text = it->second;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec == std::errc() && end == text.data() + text.size() && id > 0) return id;
  }
  return Error::make(ErrorKind::NotFound, "记录不存在", name);
}

json optional_time(const std::optional<workflow::Timestamp>& t) { return t ? json(rfc3339(*t)) : json(nullptr); }

json employer_json(const workflow::Employer& employer) {
  return {{"id", employer.id},
          {"name", employer.name},
          {"uscc", employer.uscc},
          {"profile", employer.profile},
          {"vetted", employer.vetted},
          {"version", employer.version}};
}

json student_json(const workflow::Student& student) {
  return {{"student_no", student.student_no},
          {"name", student.name},
          {"id_number", student.id_number},
          {"gender", student.gender},
          {"college_code", student.college_code},
          {"major", student.major},
          {"degree", student.degree},
          {"graduation_year", student.graduation_year}};
}

json source_info_json(const workflow::SourceInfo& info, const workflow::Student& student) {
  return {{"student_no", info.student_no},
          {"name", student.name},
          {"student", student_json(student)},
          {"college_code", info.college_code},
          {"state", workflow::to_string(info.state)},
          {"state_label", workflow::chinese_label(info.state)},
          {"reject_reason", info.reject_reason},
          {"basic", info.sections.basic},
          {"contact", info.sections.contact},
          {"enrolment", info.sections.enrolment},
          {"archive", info.sections.archive},
          {"updated_at", info.version == 0 ? json(nullptr) : json(rfc3339(info.updated_at))},
          {"version", info.version}};
}

json attachment_json(const workflow::Attachment& attachment) {
  return {{"sha256", attachment.sha256},
          {"media_type", workflow::to_string(attachment.media_type)},
          {"size", attachment.size},
          {"purpose", workflow::to_string(attachment.purpose)}};
}

json upload_json(const store::AgreementUpload& upload) {
  json body = attachment_json(upload.attachment);
  body["id"] = upload.id;
  body["uploaded_at"] = rfc3339(upload.uploaded_at);
  const std::string url =
      "/api/v1/agreements/" + std::to_string(upload.agreement_id) + "/attachments/" + std::to_string(upload.id);
  body["url"] = url;
  body["thumbnail_url"] = url + "/thumbnail.png";
  return body;
}

json agreement_json(const workflow::Agreement& a, const workflow::WorkflowOptions& options,
                    const workflow::Actor& viewer) {
  json chain = json::array();
  for (auto level : a.review_chain) chain.push_back(workflow::to_string(level));
  json review = {{"chain", chain}, {"step", a.review_step}, {"pending", nullptr}};
  if (const auto pending = workflow::pending_review_level(a)) review["pending"] = workflow::to_string(*pending);
  json attachments = json::array();
  if (workflow::may_see(viewer, a, workflow::AgreementView::Attachments))
    for (const auto& attachment : a.attachments) attachments.push_back(attachment_json(attachment));
  json body = {{"id", a.id},
               {"origin", workflow::to_string(a.origin)},
               {"state", workflow::to_string(a.state)},
               {"state_label", workflow::chinese_label(a.state)},
               {"version", a.version},
               {"serial", a.serial ? json(*a.serial) : json(nullptr)},
               {"serial_display", a.serial ? json(core::format_serial_for_print(*a.serial)) : json(nullptr)},
               {"student_no", a.student_no},
               {"employer_id", a.employer_id},
               {"college_code", a.college_code},
               {"graduation_year", a.graduation_year},
               {"content", a.content},
               {"snapshot", a.snapshot},
               {"last_reason", a.last_reason},
               {"review", review},
               {"attachments", attachments},
               {"created_at", rfc3339(a.created_at)},
               {"updated_at", rfc3339(a.updated_at)},
               {"sent_at", optional_time(a.sent_at)},
               {"expires_at", optional_time(workflow::invitation_expires_at(a, options))},
               {"signed_at", optional_time(a.signed_at)}};
  return body;
}

json audit_json(const store::AuditRecord& record) {
  const workflow::AuditEvent& e = record.event;
  return {{"id", record.id},
          {"entity", e.entity},
          {"entity_id", e.entity_id},
          {"action", e.action},
          {"actor_account_id", e.actor_account_id},
          {"actor_role", workflow::to_string(e.actor_role)},
          {"actor_role_label", workflow::chinese_label(e.actor_role)},
          {"actor_name", workflow::actor_display_name(e.actor_role, record.actor_name)},
          {"at", rfc3339(e.at)},
          {"from_state", e.from_state},
          {"to_state", e.to_state},
          {"reason", e.reason},
          {"hash", record.hash}};
}

HttpResponse agreement_problem(store::Store& store, const Error& error, std::int64_t agreement_id) {
  if (error.kind != ErrorKind::Conflict) return problem_response(error);
  auto current = store.agreement(agreement_id);
  if (!current) return problem_response(error);
  return problem_response(error, {{"current_state", workflow::to_string(current->state)}});
}

Result<workflow::Agreement> visible_agreement(RouteContext& context, std::int64_t id, workflow::AgreementView view) {
  return app::visible_agreement(use_cases(context.app), context.actor(), id, view);
}

}  // namespace sanfang::api
