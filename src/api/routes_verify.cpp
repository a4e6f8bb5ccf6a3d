// The public verification pages: the page behind every printed QR code, and the check of an
// uploaded PDF against the documents the school issued (SPEC "Serial numbers and verification").
// Also the school's view of how often copies are checked. Each scan is recorded with the answer
// it got and the client's address, so forged or altered codes being tried show up in the log.
#include "api/client_address.h"
#include "api/documents.h"
#include "api/multipart_form.h"
#include "api/problem.h"
#include "api/routes.h"
#include "api/upload_check.h"
#include "api/workflow_http.h"
#include "api/verify_page.h"
#include "core/validate.h"
#include "core/verification_token.h"
#include "store/blob_store.h"
#include "store/secrets.h"

#include <ctime>
#include <string>

namespace sanfang::api {

namespace {

using workflow::AgreementState;

// Long enough for a real token (29 characters); what is logged of anything longer or stranger.
constexpr std::size_t kLoggedTokenLength = 64;
constexpr int kRecentChecks = 50;
// The form field that carries the file on POST /v/check.
constexpr const char* kCheckField = "file";

// Printable ASCII only, cut to a bound: a scanned value is untrusted and goes into JSON later.
std::string loggable(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, kLoggedTokenLength)) out += (c >= 0x20 && c < 0x7F) ? c : '?';
  return out;
}

// 年月日 in Beijing time (UTC+8, no daylight saving), as printed on the agreement.
std::string beijing_date(workflow::Timestamp t) {
  const std::time_t seconds = workflow::to_unix_seconds(t) + 8 * 3600;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return std::to_string(tm.tm_year + 1900) + "年" + std::to_string(tm.tm_mon + 1) + "月" +
         std::to_string(tm.tm_mday) + "日";
}

// When the agreement became terminated: the audit event that moved it there.
Result<std::string> termination_date(App& app, const workflow::Agreement& agreement) {
  const auto trail = TRY(app.store->audit_trail("agreement", std::to_string(agreement.id)));
  for (auto record = trail.rbegin(); record != trail.rend(); ++record) {
    if (record->event.to_state == to_string(AgreementState::Terminated)) return beijing_date(record->event.at);
  }
  return Error::make(ErrorKind::Internal, "terminated agreement " + std::to_string(agreement.id) + " has no audit event");
}

// What a genuine document of `agreement` shows: the same masked data on the QR page and the
// document check.
Result<VerificationAnswer> agreement_answer(App& app, const workflow::Agreement& agreement,
                                            const store::SignedDocument& document) {
  VerificationAnswer answer;
  answer.status = agreement.state == AgreementState::Terminated ? VerificationStatus::Terminated
                                                                : VerificationStatus::Valid;
  answer.school = app.school.name;
  const auto& snapshot = agreement.snapshot;
  answer.masked_name = mask_name(snapshot.at("student").value("name", std::string()));
  answer.employer = snapshot.at("employer").value("name", std::string());
  if (agreement.signed_at) answer.signed_date = beijing_date(*agreement.signed_at);
  if (answer.status == VerificationStatus::Terminated) answer.terminated_date = TRY(termination_date(app, agreement));
  answer.serial = document.serial;
  return answer;
}

// Any failure to prove the token — it does not parse, names no signed agreement, or its MAC does
// not match the stored document — is the same Invalid answer (agreement-form.md "Verification QR").
Result<VerificationAnswer> check(App& app, const core::TokenClaims& claims) {
  auto agreement = app.store->agreement_by_serial(claims.serial);
  if (!agreement) {
    if (agreement.error().kind == ErrorKind::NotFound) return VerificationAnswer{};
    return agreement.take_error();
  }
  const store::SignedDocument document = TRY(signed_document(app, *agreement));
  const core::ContentHash content_hash = TRY(hex_decode_hash(document.content_hash));
  if (!core::verify_token_mac(app.key, claims, content_hash)) return VerificationAnswer{};
  const auto label = app.copy_labels.find(claims.copy);
  if (label == app.copy_labels.end()) return VerificationAnswer{};

  VerificationAnswer answer = TRY(agreement_answer(app, *agreement, document));
  answer.copy = claims.copy;
  answer.copy_label = label->second;
  return answer;
}

bool wants_json(const HttpRequest& request) {
  const auto accept = request.header("accept");
  return accept && accept->find("application/json") != std::string::npos;
}

// A person using the form on the page (a browser asks for HTML); API clients get JSON.
bool wants_html(const HttpRequest& request) {
  const auto accept = request.header("accept");
  return accept && accept->find("text/html") != std::string::npos && !wants_json(request);
}

// Every token shape — empty, truncated, garbage, too long, wrongly signed — reaches here and is
// answered with the same page.
Result<HttpResponse> verify(RouteContext& context) {
  const auto found = context.request.params.find("token");
  const std::string token = found == context.request.params.end() ? std::string() : found->second;
  store::VerificationRecord record;
  record.at = context.now();
  record.token = loggable(token);
  record.client_address = client_address(context.request, context.app.config.trusted_proxies);

  VerificationAnswer answer;
  if (auto claims = core::parse_verification_token(token)) {
    record.serial = claims->serial;
    answer = TRY(check(context.app, *claims));
  }
  record.answer = to_string(answer.status);
  if (context.app.verification_log) context.app.verification_log->record(std::move(record));
  else TRY(context.app.store->record_verification(record));

  // The answer changes when an agreement is terminated: never cache it.
  HttpResponse response = wants_json(context.request)
                              ? json_response(200, verification_json(answer).dump())
                              : bytes_response(200, "text/html; charset=utf-8", verification_page_html(answer));
  return response.with_header("Cache-Control", "no-store");
}

Result<HttpResponse> check_form(RouteContext&) {
  return bytes_response(200, "text/html; charset=utf-8", document_check_form_html());
}

// The uploaded file: a form's "file" field, or the raw body sent as application/pdf or
// application/octet-stream.
Result<std::string> uploaded_file(const HttpRequest& request) {
  const std::string content_type = request.header("content-type").value_or("");
  std::string bytes;
  if (is_multipart_form(content_type)) {
    bytes = TRY(multipart_form_file(content_type, request.body, kCheckField));
  } else {
    const std::string media_type = media_type_of(content_type);
    if (!media_type.empty() && media_type != "application/pdf" && media_type != "application/octet-stream")
      return Error::invalid("Content-Type", "请以 PDF 文件（application/pdf）或表单（multipart/form-data）上传要核验的文件");
    bytes = request.body;
  }
  if (bytes.empty()) return Error::invalid(kCheckField, "没有收到文件，请选择要核验的 PDF 文件");
  if (bytes.size() > kMaxUploadBytes)
    return Error::make(ErrorKind::TooLarge, "上传的文件超过 10 MB，学校签发的协议文件不会这么大", kCheckField);
  auto type = store::sniff_media_type(bytes);
  if (!type || *type != workflow::MediaType::Pdf)
    return Error::invalid(kCheckField, "只能核验 PDF 文件，请上传收到的协议 PDF 原件");
  return bytes;
}

// Whether the bytes are exactly a signed document the school issued (by sha256); nothing of
// the upload is kept.
Result<DocumentCheckAnswer> check_document(App& app, std::string_view bytes) {
  DocumentCheckAnswer answer;
  answer.sha256 = store::sha256_hex(bytes);
  auto document = app.store->signed_document_by_sha256(answer.sha256);
  if (!document) {
    if (document.error().kind == ErrorKind::NotFound) return answer;
    return document.take_error();
  }
  const workflow::Agreement agreement = TRY(app.store->agreement(document->agreement_id));
  answer.genuine = true;
  answer.agreement = TRY(agreement_answer(app, agreement, *document));
  return answer;
}

Result<HttpResponse> check_upload_route(RouteContext& context) {
  const HttpRequest& request = context.request;
  const bool html = wants_html(request);
  auto refused = [&](const Error& error) {
    HttpResponse response = problem_response(error);
    if (html) response = bytes_response(response.status, "text/html; charset=utf-8", document_check_refusal_html(error.message));
    return response.with_header("Cache-Control", "no-store");
  };
  std::chrono::seconds retry_after{};
  if (auto admitted = context.app.document_checks->admit(
          client_address(request, context.app.config.trusted_proxies), context.now(), retry_after);
      !admitted) {
    return refused(admitted.error()).with_header("Retry-After", std::to_string(retry_after.count()));
  }
  auto bytes = uploaded_file(request);
  if (!bytes) {
    if (bytes.error().kind != ErrorKind::InvalidInput && bytes.error().kind != ErrorKind::TooLarge) return bytes.take_error();
    return refused(bytes.error());
  }
  const DocumentCheckAnswer answer = TRY(check_document(context.app, *bytes));
  HttpResponse response = html ? bytes_response(200, "text/html; charset=utf-8", document_check_page_html(answer))
                               : json_response(200, document_check_json(answer).dump());
  return response.with_header("Cache-Control", "no-store");
}

Result<HttpResponse> verification_log(RouteContext& context) {
  TRY(require_visible(workflow::may_see_verification_log(context.actor())));
  std::string serial;
  if (auto text = context.request.query_value("serial"); text && !text->empty())
    serial = TRY(core::validate_serial(*text, "serial"));
  if (context.app.verification_log) TRY(context.app.verification_log->flush());
  const store::VerificationSummary summary = TRY(context.app.store->verifications(serial, kRecentChecks));
  nlohmann::json recent = nlohmann::json::array();
  for (const auto& check : summary.recent) {
    recent.push_back({{"at", workflow::to_unix_seconds(check.at)},
                      {"token", check.token},
                      {"serial", check.serial ? nlohmann::json(*check.serial) : nlohmann::json()},
                      {"answer", check.answer},
                      {"client_address", check.client_address}});
  }
  nlohmann::json body = {{"total", summary.valid + summary.terminated + summary.invalid},
                         {"valid", summary.valid},
                         {"terminated", summary.terminated},
                         {"invalid", summary.invalid},
                         {"recent", recent}};
  if (!serial.empty()) body["serial"] = serial;
  return json_response(200, body.dump());
}

}  // namespace

void register_verify_routes(RouteTable& table) {
  // The QR code carries an upper-case /V/ (QR alphanumeric mode); people type /v/.
  table.add("GET", "/v/:token", Access::Public, verify);
  table.add("GET", "/V/:token", Access::Public, verify);
  // An empty token (/V/ — the trailing slash does not count) gets the same 无效 page.
  table.add("GET", "/v", Access::Public, verify);
  table.add("GET", "/V", Access::Public, verify);
  table.add("GET", "/v/check", Access::Public, check_form);
  table.add("POST", "/v/check", Access::Public, check_upload_route);
  table.add("GET", "/api/v1/verifications", Access::Account, verification_log);
}

}  // namespace sanfang::api
