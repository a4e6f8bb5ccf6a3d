// The public verification page behind every printed QR code (SPEC "Serial numbers and
// verification"), and the school's view of how often copies are checked. Each scan is recorded
// with the answer it got, so forged or altered codes being tried show up in the log.
#include "api/documents.h"
#include "api/problem.h"
#include "api/routes.h"
#include "api/workflow_http.h"
#include "api/verify_page.h"
#include "core/validate.h"
#include "core/verification_token.h"

#include <ctime>
#include <string>

namespace sanfang::api {

namespace {

using workflow::AgreementState;

// Long enough for a real token (29 characters); what is logged of anything longer or stranger.
constexpr std::size_t kLoggedTokenLength = 64;
constexpr int kRecentChecks = 50;

// Printable ASCII only, cut to a bound: a scanned value is untrusted and goes into JSON later.
std::string loggable(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, kLoggedTokenLength)) out += (c >= 0x20 && c < 0x7F) ? c : '?';
  return out;
}

// The address the reverse proxy saw (the first hop of X-Forwarded-For), empty without a proxy.
std::string client_address(const HttpRequest& request) {
  const auto forwarded = request.header("x-forwarded-for");
  if (!forwarded) return {};
  std::string_view first = std::string_view(*forwarded).substr(0, forwarded->find(','));
  while (!first.empty() && first.front() == ' ') first.remove_prefix(1);
  while (!first.empty() && first.back() == ' ') first.remove_suffix(1);
  return loggable(first);
}

// 年月日 in Beijing time (UTC+8, no daylight saving), as printed on the agreement.
std::string beijing_date(workflow::Timestamp t) {
  const std::time_t seconds = workflow::to_unix_seconds(t) + 8 * 3600;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return std::to_string(tm.tm_year + 1900) + "年" + std::to_string(tm.tm_mon + 1) + "月" +
         std::to_string(tm.tm_mday) + "日";
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

  VerificationAnswer answer;
  answer.status = agreement->state == AgreementState::Terminated ? VerificationStatus::Terminated
                                                                 : VerificationStatus::Valid;
  const auto& snapshot = agreement->snapshot;
  answer.masked_name = mask_name(snapshot.at("student").value("name", std::string()));
  answer.employer = snapshot.at("employer").value("name", std::string());
  if (agreement->signed_at) answer.signed_date = beijing_date(*agreement->signed_at);
  answer.serial = document.serial;
  answer.copy = claims.copy;
  return answer;
}

bool wants_json(const HttpRequest& request) {
  const auto accept = request.header("accept");
  return accept && accept->find("application/json") != std::string::npos;
}

Result<HttpResponse> verify(RouteContext& context) {
  const std::string& token = context.request.params.at("token");
  store::VerificationRecord record;
  record.at = context.now();
  record.token = loggable(token);
  record.client_address = client_address(context.request);

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
  table.add("GET", "/api/v1/verifications", Access::Account, verification_log);
}

}  // namespace sanfang::api
