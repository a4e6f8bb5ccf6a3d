// The employment office's reports (SPEC table: GET /api/v1/stats and the export): the counts as
// JSON and the signed agreements as a CSV file for spreadsheets, streamed a page at a time.
#include "api/csv.h"
#include "api/list_query.h"
#include "api/routes.h"
#include "api/workflow_http.h"
#include "app/statistics.h"
#include "core/field_labels.h"
#include "core/field_rules.h"
#include "workflow/agreement_document.h"
#include "workflow/print_job.h"

#include <ctime>
#include <map>

namespace sanfang::api {

namespace {

using nlohmann::json;

// Agreements per store query while exporting: a page is rendered to CSV and sent before the next
// is read, so memory stays at one page whatever the export's length.
constexpr int kExportPageSize = 500;

json buckets_json(const std::vector<app::CountBucket>& buckets) {
  json list = json::array();
  for (const auto& bucket : buckets)
    list.push_back({{"code", bucket.code}, {"label", bucket.label}, {"count", bucket.count}});
  return list;
}

json signing_json(const app::SigningRate& rate) {
  json body = {{"graduates", rate.graduates}, {"signed", rate.signed_students}, {"rate", rate.rate}};
  if (!rate.college_code.empty()) {
    body["code"] = rate.college_code;
    body["label"] = rate.college_name;
  }
  return body;
}

// GET /api/v1/stats?year= → counts by dimension and the signing rate, per college and overall.
Result<HttpResponse> get_statistics(RouteContext& context) {
  TRY(refuse_unknown_parameters(context.request, {"year"}));
  const std::optional<int> year = TRY(query_graduation_year(context.request, "year"));
  const app::Statistics statistics = TRY(app::statistics(use_cases(context.app), context.actor(), year));
  json by_college = json::array();
  for (const auto& rate : statistics.signing_by_college) by_college.push_back(signing_json(rate));
  const json body = {
      {"year", year ? json(*year) : json(nullptr)},
      {"agreements",
       {{"total", statistics.agreements},
        {"by_state", buckets_json(statistics.by_state)},
        {"by_college", buckets_json(statistics.by_college)},
        {"by_major", buckets_json(statistics.by_major)},
        {"by_employer_nature", buckets_json(statistics.by_employer_nature)},
        {"by_employer_industry", buckets_json(statistics.by_employer_industry)},
        {"by_employer_region", buckets_json(statistics.by_employer_region)}}},
      {"signing", {{"overall", signing_json(statistics.signing_overall)}, {"by_college", by_college}}}};
  return json_response(200, body.dump());
}

// ---- the export ------------------------------------------------------------------------------

// A signing time as the office reads it: Beijing time, "2026-05-20 14:03:00".
std::string beijing_time(workflow::Timestamp t) {
  const std::time_t seconds = workflow::to_unix_seconds(t) + 8 * 3600;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
  return text;
}

// The form's fields an export carries: every printed field except the school's own block (the
// same on every row).
std::vector<const core::FieldRule*> exported_fields() {
  std::vector<const core::FieldRule*> fields;
  for (const core::FieldRule& rule : core::field_rules())
    if (!rule.path.starts_with("school.")) fields.push_back(&rule);
  return fields;
}

std::vector<std::string> export_header() {
  std::vector<std::string> header{"协议编号", "签约时间", "学院代码"};
  for (const core::FieldRule* rule : exported_fields()) {
    // A coded field: its code for programs, its label for people, side by side.
    if (rule->kind == core::FieldKind::Code) header.push_back(std::string(rule->label) + "代码");
    header.emplace_back(rule->label);
  }
  return header;
}

// The member at a render-input path ("student.name", "remarks"), or empty.
std::string text_at_path(const json& input, std::string_view path) {
  const json* node = &input;
  while (!path.empty()) {
    const auto dot = path.find('.');
    const std::string member(path.substr(0, dot));
    if (!node->is_object() || !node->contains(member)) return {};
    node = &(*node)[member];
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  }
  return node->is_string() ? node->get<std::string>() : std::string();
}

// Writes the export page by page for the server to send as it is made.
class SignedAgreementExport {
 public:
  SignedAgreementExport(App& app, workflow::Actor actor, app::SignedAgreementFilter filter)
      : m_app(app), m_actor(std::move(actor)), m_filter(std::move(filter)) {}

  // The BOM and header first, then one piece per page of agreements; empty at the end.
  Result<std::string> next_piece() {
    if (!m_header_sent) {
      m_header_sent = true;
      return std::string(kUtf8Bom) + csv_record(export_header());
    }
    if (m_finished) return std::string();
    const app::Context context = use_cases(m_app);
    const auto page = TRY(app::signed_agreements_page(context, m_actor, m_filter, m_after_id, kExportPageSize));
    if (static_cast<int>(page.size()) < kExportPageSize) m_finished = true;
    std::string piece;
    for (const workflow::Agreement& agreement : page) {
      piece += csv_record(TRY(row(context, agreement)));
      m_after_id = agreement.id;
    }
    return piece;
  }

 private:
  Result<std::vector<std::string>> row(const app::Context& context, const workflow::Agreement& agreement) {
    const json input = TRY(workflow::render_input(agreement, workflow::SchoolProfile{}, TRY(college_name(context, agreement))));
    std::vector<std::string> cells{agreement.serial.value_or(""),
                                   agreement.signed_at ? beijing_time(*agreement.signed_at) : std::string(),
                                   agreement.college_code};
    for (const core::FieldRule* rule : exported_fields()) {
      const std::string value = text_at_path(input, rule->path);
      if (rule->kind != core::FieldKind::Code) {
        cells.push_back(value);
        continue;
      }
      cells.push_back(value);
      // The label as the agreement printed it; a code the list no longer has stays as it is.
      auto label = value.empty() ? Result<std::string>(std::string()) : core::printed_value(*rule, value, rule->path, context.codes);
      cells.push_back(label ? *label : value);
    }
    return cells;
  }

  Result<std::string> college_name(const app::Context& context, const workflow::Agreement& agreement) {
    auto known = m_college_names.find(agreement.college_code);
    if (known != m_college_names.end()) return known->second;
    auto name = context.store.college_name(agreement.college_code);
    if (!name && name.error().kind != ErrorKind::NotFound) return name.take_error();
    const std::string printed = name ? *name : agreement.college_code;
    m_college_names.emplace(agreement.college_code, printed);
    return printed;
  }

  App& m_app;
  workflow::Actor m_actor;
  app::SignedAgreementFilter m_filter;
  std::int64_t m_after_id = 0;
  bool m_header_sent = false;
  bool m_finished = false;
  std::map<std::string, std::string> m_college_names;
};

// GET /api/v1/exports/signed-agreements.csv?college=&signed_from=&signed_to= → the signed
// agreements in the caller's scope, oldest first, one row each.
Result<HttpResponse> export_signed_agreements(RouteContext& context) {
  const HttpRequest& request = context.request;
  TRY(refuse_unknown_parameters(request, {"college", "signed_from", "signed_to"}));
  app::SignedAgreementFilter filter;
  if (const auto college = request.query_value("college")) {
    if (college->empty()) return Error::invalid("college", core::field_label("college") + "不能为空");
    filter.college = *college;
  }
  if (const auto from = request.query_value("signed_from"))
    filter.signed_from = TRY(workflow::parse_calendar_date(*from, "signed_from"));
  if (const auto to = request.query_value("signed_to")) filter.signed_to = TRY(workflow::parse_calendar_date(*to, "signed_to"));
  const workflow::Actor actor = context.actor();
  TRY(app::check_signed_agreement_export(actor, filter));

  HttpResponse response;
  response.content_type = "text/csv; charset=utf-8";
  response.with_header("Content-Disposition", attachment_disposition("signed-agreements.csv", "已签约协议.csv"));
  auto export_state = std::make_shared<SignedAgreementExport>(context.app, actor, std::move(filter));
  response.body_pieces = [export_state] { return export_state->next_piece(); };
  return response;
}

}  // namespace

void register_stats_routes(RouteTable& table) {
  table.add("GET", "/api/v1/stats", Access::Account, get_statistics);
  table.add("GET", "/api/v1/exports/signed-agreements.csv", Access::Account, export_signed_agreements);
}

}  // namespace sanfang::api
