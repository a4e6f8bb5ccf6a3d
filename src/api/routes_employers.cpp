// The employer library 单位库 over HTTP (SPEC roles and rules): search by name with vetted units
// flagged (云 in the seed's UI), registration of a unit by its HR account (which is bound to it)
// or by a student or the school for a unit not yet in the library, and the school's vetting.
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
  table.add("POST", "/api/v1/employers/:id/vet", Access::Account, vet_employer);
}

}  // namespace sanfang::api
