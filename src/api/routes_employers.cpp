// The employer library 单位库 over HTTP (SPEC roles and rules): search by name with vetted units
// flagged (云 in the seed's UI), registration of a unit by its HR account (which is bound to it)
// or by a student or the school for a unit not yet in the library, and the school's vetting.
#include "api/problem.h"
#include "api/routes.h"
#include "api/workflow_http.h"
#include "core/validate.h"
#include "workflow/agreement_document.h"
#include "workflow/limits.h"
#include "workflow/source_info_rules.h"

#include <charconv>

namespace sanfang::api {

namespace {

using nlohmann::json;
using workflow::Role;

constexpr int kDefaultSearchLimit = 20;
constexpr int kMaxSearchLimit = 100;

// SPEC: "a unit not in the library is filled in full and validated" — every member of the
// profile except the supervising department (主管部门), which many private units do not have.
constexpr const char* kRequiredProfileMembers[] = {"nature", "industry", "location", "address",
                                                   "postcode", "contact", "phone"};

std::size_t code_points(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

// A unit of the library by its id, for those who may see the library.
Result<workflow::Employer> visible_employer(RouteContext& context) {
  TRY(require_visible(workflow::may_see_employers(context.actor())));
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  return context.app.store->employer(id);
}

Result<int> search_limit(const HttpRequest& request) {
  const auto text = request.query_value("limit");
  if (!text) return kDefaultSearchLimit;
  int limit = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
  if (ec != std::errc() || end != text->data() + text->size() || limit < 1 || limit > kMaxSearchLimit)
    return Error::invalid("limit", "应为 1 到 " + std::to_string(kMaxSearchLimit) + " 之间的整数");
  return limit;
}

Result<HttpResponse> search_employers(RouteContext& context) {
  TRY(require_visible(workflow::may_see_employers(context.actor())));
  const std::string q = context.request.query_value("q").value_or("");
  TRY(core::check_text_policy(q, "q", false));
  if (code_points(q) > 64) return Error::invalid("q", "搜索词不超过 64 个字符");
  const int limit = TRY(search_limit(context.request));
  const auto found = TRY(context.app.store->search_employers(q, limit));
  json items = json::array();
  for (const auto& employer : found) items.push_back(employer_json(employer));
  return json_response(200, json{{"items", items}}.dump());
}

Result<HttpResponse> get_employer(RouteContext& context) {
  const workflow::Employer employer = TRY(visible_employer(context));
  return json_response(200, employer_json(employer).dump());
}

Result<workflow::Employer> read_new_employer(const JsonBody& body, const App& app) {
  workflow::Employer employer;
  employer.name = TRY(body.string("name"));
  const std::string uscc = TRY(body.string("uscc"));
  const json* profile = body.member("profile");
  if (!profile) return Error::invalid("profile", "必填");
  // Everything the agreement prints of the unit: it must print once the unit signs.
  TRY(workflow::validate_employer(employer.name, uscc, *profile, *app.codes, *app.print_check));
  employer.uscc = TRY(core::validate_uscc(uscc, "uscc"));
  for (const char* name : kRequiredProfileMembers) {
    auto it = profile->find(name);
    if (it == profile->end() || !it->is_string() || it->get<std::string>().empty())
      return Error::invalid(std::string("profile.") + name, "必填");
  }
  employer.profile = *profile;
  employer.vetted = false;  // SPEC: only the school admits a unit to the library
  return employer;
}

Result<HttpResponse> register_employer(RouteContext& context) {
  const workflow::Actor actor = context.actor();
  if (actor.role != Role::Employer && actor.role != Role::Student && actor.role != Role::School)
    return Error::make(ErrorKind::Forbidden, "无权登记用人单位");
  if (actor.role == Role::Employer && actor.employer_id != 0)
    return Error::make(ErrorKind::Conflict, "该账户已绑定用人单位", "account");
  const JsonBody body = TRY(read_json_body(context.request, {"name", "uscc", "profile"}));
  const workflow::Employer employer = TRY(read_new_employer(body, context.app));
  if (actor.role == Role::Student)
    TRY(workflow::check_student_employer_limit(TRY(context.app.store->employers_registered_by(actor.account_id))));
  workflow::AuditEvent registered;
  registered.entity = "employer";
  registered.action = "register";
  registered.actor_account_id = actor.account_id;
  registered.actor_role = actor.role;
  registered.at = context.now();
  registered.to_state = "unvetted";
  const std::int64_t bind_account = actor.role == Role::Employer ? actor.account_id : 0;
  const workflow::Employer stored =
      TRY(context.app.store->register_employer(employer, bind_account, {registered}));
  return json_response(201, employer_json(stored).dump());
}

Result<HttpResponse> vet_employer(RouteContext& context) {
  const workflow::Employer current = TRY(visible_employer(context));
  TRY(read_json_body(context.request, {}));
  const auto change = TRY(workflow::vet_employer(current, context.actor(), context.now()));
  const workflow::Employer stored = TRY(context.app.store->apply_employer_change(change, current.version));
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
