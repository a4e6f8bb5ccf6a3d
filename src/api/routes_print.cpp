// The print room over HTTP (SPEC "Print room"): batch print jobs — create, follow, download,
// cancel. Jobs run in the background (jobs/print_runner.h); a request only queues or reads one.
#include "api/json_body.h"
#include "api/problem.h"
#include "api/routes.h"
#include "api/workflow_http.h"
#include "app/print_jobs.h"
#include "core/field_labels.h"
#include "workflow/visibility.h"

#include <charconv>
#include <limits>

namespace sanfang::api {

namespace {

using nlohmann::json;
using workflow::PrintJob;

constexpr int kListedJobs = 50;

// Asked before the request is read, so that a caller outside the print room gets the same 404 for
// any input; the use cases ask again (app/print_jobs.h).
Status require_print_room(const RouteContext& context) {
  return require_visible(workflow::may_see_print_jobs(context.actor()));
}

store::PrintOperator operator_of(const RouteContext& context) {
  return {context.account->id, context.account->username, context.account->role};
}

std::string part_url(std::int64_t job_id, int n) {
  return "/api/v1/print-jobs/" + std::to_string(job_id) + "/parts/" + std::to_string(n) + "/pdf";
}

json parts_json(const PrintJob& job) {
  json parts = json::array();
  for (const workflow::PrintJobPart& part : job.parts) {
    json out = {{"n", part.n},
                {"college", part.college_code},
                {"agreements", part.agreements},
                {"state", workflow::part_state(job, part)},
                {"drawn", part.drawn}};
    // Who draws it (any instance sharing the database), or drew it.
    if (!part.runner.empty()) out["runner"] = part.runner;
    if (part.done()) {
      out["pages"] = part.pages;
      out["bytes"] = part.file_size;
      out["sha256"] = part.sha256;
      out["url"] = part_url(job.id, part.n);
    }
    parts.push_back(std::move(out));
  }
  return parts;
}

json job_json(const PrintJob& job) {
  json errors = json::array();
  for (const auto& error : job.errors) errors.push_back({{"serial", error.serial}, {"detail", error.message}});
  json out = {{"id", job.id},
              {"state", workflow::to_string(job.state)},
              {"state_label", workflow::chinese_label(job.state)},
              {"origin", workflow::to_string(job.origin)},
              {"done", job.done},
              {"total", job.total},
              {"request", workflow::print_request_json(job.request)},
              {"errors", errors},
              {"parts", parts_json(job)},
              {"created_by", job.created_by_name},
              {"created_at", rfc3339(job.created_at)}};
  out["failures"] = job.failures;
  if (!job.last_error.empty()) out["last_error"] = job.last_error;
  if (job.retry_at && job.state == workflow::PrintJobState::Queued) out["retry_at"] = rfc3339(*job.retry_at);
  if (!job.lease_owner.empty() && !workflow::is_finished(job.state)) {
    out["lease"] = {{"owner", job.lease_owner},
                    {"expires_at", job.lease_expires_at ? json(rfc3339(*job.lease_expires_at)) : json(nullptr)}};
  }
  if (job.started_at) out["started_at"] = rfc3339(*job.started_at);
  if (job.finished_at) out["finished_at"] = rfc3339(*job.finished_at);
  if (job.state == workflow::PrintJobState::Done) {
    out["pages"] = job.pages;
    out["size"] = job.file_size;
    if (job.parts.size() == 1) {
      out["sha256"] = job.sha256;
      out["pdf"] = "/api/v1/print-jobs/" + std::to_string(job.id) + "/pdf";
    }
  }
  return out;
}

Result<std::int64_t> job_id(const RouteContext& context) {
  const std::string& text = context.request.params.at("id");
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0)
    return Error::invalid("id", "打印任务编号应为正整数");
  return id;
}

// A 409 that tells the client what the job is doing now.
HttpResponse state_conflict(const Error& error, const PrintJob& job) {
  return problem_response(error, {{"current_state", std::string(workflow::to_string(job.state))},
                                  {"current_state_label", std::string(workflow::chinese_label(job.state))}});
}

Result<workflow::PrintRequest> parse_request(const RouteContext& context) {
  const JsonBody body = TRY(JsonBody::parse(context.request.body, {"college", "major", "signed_from", "signed_to",
                                                                   "serials", "copies", "separator_sheets", "one_file"}));
  workflow::PrintRequest request;
  request.college = TRY(body.optional_string("college"));
  request.major = TRY(body.optional_string("major"));
  if (auto from = TRY(body.optional_string("signed_from")))
    request.signed_from = TRY(workflow::parse_calendar_date(*from, "signed_from"));
  if (auto to = TRY(body.optional_string("signed_to")))
    request.signed_to = TRY(workflow::parse_calendar_date(*to, "signed_to"));
  request.serials = TRY(body.optional_string_list("serials", "协议编号的列表")).value_or(std::vector<std::string>{});
  if (const json* copies = body.member("copies")) {
    if (!copies->is_array()) return core::member_of_wrong_type("copies", "联次的列表，例如 [1, 2, 3]");
    for (std::size_t i = 0; i < copies->size(); ++i) {
      if (!(*copies)[i].is_number_integer()) return core::member_of_wrong_type("copies[" + std::to_string(i) + "]", "整数");
      request.copies.push_back((*copies)[i].get<int>());
    }
  }
  request.separator_sheets = TRY(body.optional_boolean("separator_sheets")).value_or(false);
  request.one_file = TRY(body.optional_boolean("one_file")).value_or(false);
  return request;
}

// The answer to an action on a job: a 409 tells the client what the job is doing now.
Result<HttpResponse> job_problem(RouteContext& context, const Error& error, std::int64_t id) {
  if (error.kind != ErrorKind::Conflict) return error;
  const PrintJob job = TRY(context.app.store->print_job(id));
  if (error.field == "parts") {
    json urls = json::array();
    for (const workflow::PrintJobPart& part : job.parts) urls.push_back(part_url(job.id, part.n));
    return problem_response(error, {{"parts", urls}});
  }
  return state_conflict(error, job);
}

// POST /api/v1/print-jobs → 202 with the queued job.
Result<HttpResponse> create_job(RouteContext& context) {
  TRY(require_print_room(context));
  workflow::PrintRequest request = TRY(parse_request(context));
  const PrintJob job =
      TRY(app::create_print_job(use_cases(context.app), context.actor(), operator_of(context), std::move(request)));
  return json_response(202, job_json(job).dump())
      .with_header("Location", "/api/v1/print-jobs/" + std::to_string(job.id));
}

Result<HttpResponse> list_jobs(RouteContext& context) {
  json jobs = json::array();
  for (const PrintJob& job : TRY(app::list_print_jobs(use_cases(context.app), context.actor(), kListedJobs)))
    jobs.push_back(job_json(job));
  return json_response(200, json{{"jobs", jobs}}.dump());
}

Result<HttpResponse> get_job(RouteContext& context) {
  TRY(require_print_room(context));
  const PrintJob job = TRY(app::print_job(use_cases(context.app), context.actor(), TRY(job_id(context))));
  return json_response(200, job_json(job).dump());
}

// A finished file sent from disk (sendfile), never loaded into memory. Its sha256 is a strong ETag:
// the file never changes.
HttpResponse send_print_file(const RouteContext& context, const app::PrintJobFile& found) {
  const PrintJob& job = found.job;
  const std::string etag = "\"" + found.sha256 + "\"";
  const std::string suffix = job.parts.size() > 1 ? "-part-" + std::to_string(found.part) : "";
  const std::string chinese = job.parts.size() > 1 ? "-第" + std::to_string(found.part) + "部分" : "";
  HttpResponse response;
  if (etag_matches(context.request, etag)) {
    response = bytes_response(304, "application/pdf", {});
  } else {
    response = file_response("application/pdf", found.file);
    response.with_header("Content-Disposition",
                         attachment_disposition("print-job-" + std::to_string(job.id) + suffix + ".pdf",
                                                "打印任务-" + std::to_string(job.id) + chinese + ".pdf"));
  }
  return response.with_header("ETag", etag).with_header("Cache-Control", "private, no-cache");
}

// GET /api/v1/print-jobs/{id}/pdf: the file of a one-part job; 409 naming the parts otherwise.
Result<HttpResponse> job_pdf(RouteContext& context) {
  TRY(require_print_room(context));
  const std::int64_t id = TRY(job_id(context));
  auto found = app::print_job_file(use_cases(context.app), context.actor(), id);
  if (!found) return job_problem(context, found.error(), id);
  return send_print_file(context, *found);
}

// GET /api/v1/print-jobs/{id}/parts/{n}/pdf: one part, as soon as it is drawn.
Result<HttpResponse> part_pdf(RouteContext& context) {
  TRY(require_print_room(context));
  const std::int64_t id = TRY(job_id(context));
  const std::int64_t n = TRY(id_parameter(context.request, "n"));
  if (n > std::numeric_limits<int>::max()) return Error::make(ErrorKind::NotFound, "没有这个地址");
  auto found = app::print_job_part_file(use_cases(context.app), context.actor(), id, static_cast<int>(n));
  if (!found) return job_problem(context, found.error(), id);
  return send_print_file(context, *found);
}

// POST /api/v1/print-jobs/{id}/cancel: a queued or running job stops; its records are voided and
// no file is left. A finished job cannot be cancelled (409 with its state).
Result<HttpResponse> cancel_job(RouteContext& context) {
  TRY(require_print_room(context));
  const std::int64_t id = TRY(job_id(context));
  auto cancelled = app::cancel_print_job(use_cases(context.app), context.actor(), operator_of(context), id);
  if (!cancelled) return job_problem(context, cancelled.error(), id);
  return json_response(200, job_json(*cancelled).dump());
}

}  // namespace

void register_print_routes(RouteTable& table) {
  table.add("POST", "/api/v1/print-jobs", Access::Account, create_job);
  table.add("GET", "/api/v1/print-jobs", Access::Account, list_jobs);
  table.add("GET", "/api/v1/print-jobs/:id", Access::Account, get_job);
  table.add("GET", "/api/v1/print-jobs/:id/pdf", Access::Account, job_pdf);
  table.add("GET", "/api/v1/print-jobs/:id/parts/:n/pdf", Access::Account, part_pdf);
  table.add("POST", "/api/v1/print-jobs/:id/cancel", Access::Account, cancel_job);
}

}  // namespace sanfang::api
