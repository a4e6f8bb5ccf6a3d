// The employer library 单位库 over HTTP (SPEC roles and rules): search by name with vetted units
// flagged (云 in the seed's UI), registration of a unit by its HR account (which is bound to it)
// or by a student or the school for a unit not yet in the library, a unit's self sign-up (account
// and unit together), edits of a unit's profile, and the school's vetting and its withdrawal.
#include "api/problem.h"
#include "api/routes.h"
#include "api/workflow_http.h"
#include "app/employers.h"
#include "core/field_labels.h"

#include <charconv>

namespace sanfang::api {

namespace {

using nlohmann::json;

constexpr int kDefaultSearchLimit = 20;
constexpr int kMaxSearchLimit = 100;

Result<int> search_limit(const HttpRequest& request) {
  const auto text = request.query_value("limit");
  if (!text) return kDefaultSearchLimit;
  int limit = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
  if (ec != std::errc() || end != text->data() + text->size() || limit < 1 || limit > kMaxSearchLimit)
    return core::member_of_wrong_type("limit", "1 到 " + std::to_string(kMaxSearchLimit) + " 之间的整数");
  return limit;
}

Result<HttpResponse> search_employers(RouteContext& context) {
  const std::string q = context.request.query_value("q").value_or("");
  const int limit = TRY(search_limit(context.request));
  const auto found = TRY(app::search_employers(use_cases(context.app), context.actor(), q, limit));
  json items = json::array();
  for (const auto& employer : found) items.push_back(employer_json(employer));
  return json_response(200, json{{"items", items}}.dump());
}

Result<HttpResponse> get_employer(RouteContext& context) {
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  const workflow::Employer employer = TRY(app::visible_employer(use_cases(context.app), context.actor(), id));
  return json_response(200, employer_json(employer).dump());
}

Result<HttpResponse> register_employer(RouteContext& context) {
  const workflow::Actor actor = context.actor();
  TRY(app::may_register_employer(actor));
  const JsonBody body = TRY(read_json_body(context.request, {"name", "uscc", "profile"}));
  app::NewEmployer input;
  input.name = TRY(body.string("name"));
  input.uscc = TRY(body.string("uscc"));
  const json* profile = body.member("profile");
  if (!profile) return core::required_member("profile");
  input.profile = *profile;
  const workflow::Employer stored = TRY(app::register_employer(use_cases(context.app), actor, input));
  return json_response(201, employer_json(stored).dump());
}

// PATCH /api/v1/employers/{id} {name?, uscc?, profile?, version?}: the unit's HR account or the
// school. `profile` is merged into the unit's profile (RFC 7396: a member set to null is removed);
// `version`, when given, must be the unit's current one (409 otherwise).
Result<HttpResponse> edit_employer(RouteContext& context) {
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  const workflow::Actor actor = context.actor();
  const workflow::Employer current = TRY(app::visible_employer(use_cases(context.app), actor, id));
  const JsonBody body = TRY(read_json_body(context.request, {"name", "uscc", "profile", "version"}));
  app::NewEmployer edited{current.name, current.uscc, current.profile};
  if (const auto name = TRY(body.optional_string("name"))) edited.name = *name;
  if (const auto uscc = TRY(body.optional_string("uscc"))) edited.uscc = *uscc;
  if (const json* profile = body.member("profile")) {
    if (!profile->is_object()) return core::member_of_wrong_type("profile", "对象");
    edited.profile.merge_patch(*profile);
  }
  const std::int64_t version = TRY(body.optional_integer("version")).value_or(current.version);
  const workflow::Employer stored =
      TRY(app::edit_employer(use_cases(context.app), actor, id, edited, version));
  return json_response(200, employer_json(stored).dump());
}

// POST /api/v1/employers/{id}/unvet {reason}: the school withdraws its vetting.
Result<HttpResponse> unvet_employer(RouteContext& context) {
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  const JsonBody body = TRY(read_json_body(context.request, {"reason"}));
  const std::string reason = TRY(body.optional_string("reason")).value_or("");
  const workflow::Employer stored = TRY(app::unvet_employer(use_cases(context.app), context.actor(), id, reason));
  return json_response(200, employer_json(stored).dump());
}

// POST /api/v1/employer-sign-ups {username, password, captcha_id, captcha_answer, unit: {name,
// uscc, profile}} (no account yet) → 201 {username, employer}: the HR account and its unit,
// pending until the school vets it. The unit signs in with the password it chose.
Result<HttpResponse> sign_up_employer(RouteContext& context) {
  const JsonBody body = TRY(read_json_body(
      context.request, {"username", "password", "captcha_id", "captcha_answer", "unit"}));
  app::EmployerSignUp sign_up;
  sign_up.username = TRY(body.string("username"));
  sign_up.password = TRY(body.string("password"));
  const json* unit = body.member("unit");
  if (!unit) return core::required_member("unit");
  if (!unit->is_object()) return core::member_of_wrong_type("unit", "对象");
  const JsonBody unit_body = TRY(JsonBody::parse(unit->dump(), {"name", "uscc", "profile"}));
  sign_up.unit.name = TRY(unit_body.string("name"));
  sign_up.unit.uscc = TRY(unit_body.string("uscc"));
  const json* profile = unit_body.member("profile");
  if (!profile) return core::required_member("unit.profile");
  sign_up.unit.profile = *profile;
  sign_up.captcha_id = TRY(body.optional_string("captcha_id"));
  sign_up.captcha_answer = TRY(body.optional_string("captcha_answer"));
  const app::SignedUpEmployer signed_up = TRY(app::sign_up_employer(use_cases(context.app), sign_up));
  return json_response(201, json{{"username", signed_up.account.username},
                                 {"employer", employer_json(signed_up.employer)}}
                                .dump());
}

Result<HttpResponse> vet_employer(RouteContext& context) {
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  TRY(read_json_body(context.request, {}));
  const workflow::Employer stored = TRY(app::vet_employer(use_cases(context.app), context.actor(), id));
  return json_response(200, employer_json(stored).dump());
}

}  // namespace

void register_employer_routes(RouteTable& table) {
  table.add("GET", "/api/v1/employers", Access::Account, search_employers);
  table.add("POST", "/api/v1/employers", Access::Account, register_employer);
  table.add("GET", "/api/v1/employers/:id", Access::Account, get_employer);
  table.add("PATCH", "/api/v1/employers/:id", Access::Account, edit_employer);
  table.add("POST", "/api/v1/employers/:id/vet", Access::Account, vet_employer);
  table.add("POST", "/api/v1/employers/:id/unvet", Access::Account, unvet_employer);
  table.add("POST", "/api/v1/employer-sign-ups", Access::Public, sign_up_employer);
}

}  // namespace sanfang::api
