#include "app/statistics.h"

#include "workflow/print_job.h"
#include "workflow/visibility.h"

#include <algorithm>
#include <map>
#include <string_view>

namespace sanfang::app {

namespace {

using workflow::Actor;

// Members a unit left blank are counted under this label (with an empty code); so are units
// whose location is blank or names no province, under the other.
constexpr const char* kNotFilledIn = "未填写";
constexpr const char* kNoProvince = "未填写或未能识别";

Result<workflow::AgreementScope> report_scope(const Actor& actor) {
  const auto scope = workflow::office_report_scope(actor);
  if (!scope) return Error::make(ErrorKind::NotFound, "没有这个地址");
  return *scope;
}

// Counts summed per code, labelled once per code.
class Tally {
 public:
  void add(const std::string& code, std::int64_t count) { m_counts[code] += count; }

  template <typename Label>
  std::vector<CountBucket> buckets(Label&& label) const {
    std::vector<CountBucket> list;
    for (const auto& [code, count] : m_counts) list.push_back({code, label(code), count});
    std::stable_sort(list.begin(), list.end(), [](const CountBucket& a, const CountBucket& b) { return a.count > b.count; });
    return list;
  }

 private:
  std::map<std::string, std::int64_t> m_counts;  // ordered by code, the order among equal counts
};

// A code's label in `list_name`; the code itself when the list lacks it (a list edited since the
// value was saved), "未填写" for a blank.
std::string code_label(const core::CodeLists& codes, const char* list_name, const std::string& code) {
  if (code.empty()) return kNotFilledIn;
  const core::CodeList* list = codes.find(list_name);
  if (!list) return code;
  auto label = list->label(code, list_name);
  return label ? *label : code;
}

// A province's label without its kind ("甘肃省" → "甘肃", "广西壮族自治区" → "广西"), the way a
// location is often written.
std::string short_province_name(std::string label) {
  for (std::string_view suffix : {"壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市"}) {
    if (label.size() > suffix.size() && label.ends_with(suffix)) return label.substr(0, label.size() - suffix.size());
  }
  return label;
}

// The province-level region code of a unit's location (单位所在地, free text such as
// "甘肃省兰州市" or "兰州市"): the province it starts with, in full or short, else the province of
// the prefecture-level city it starts with; empty when it names none.
class ProvinceFinder {
 public:
  explicit ProvinceFinder(const core::CodeLists& codes) {
    const core::CodeList* regions = codes.find("region");
    if (!regions) return;
    for (const auto& [code, label] : regions->entries) {
      if (code.size() != 6) continue;
      const std::string province = code.substr(0, 2) + "0000";
      if (code == province) {
        m_prefixes.emplace_back(label, province);
        m_prefixes.emplace_back(short_province_name(label), province);
      } else {
        m_prefixes.emplace_back(label, province);
      }
    }
    // The longest prefix first: "内蒙古自治区" before "内蒙古".
    std::stable_sort(m_prefixes.begin(), m_prefixes.end(),
                     [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  }

  std::string province_of(std::string_view location) const {
    if (location.empty()) return {};
    for (const auto& [prefix, province] : m_prefixes)
      if (location.starts_with(prefix)) return province;
    return {};
  }

 private:
  std::vector<std::pair<std::string, std::string>> m_prefixes;  // label → province code
};

SigningRate signing_rate(std::string college_code, std::string college_name, std::int64_t graduates,
                         std::int64_t signed_students) {
  const double rate = graduates == 0 ? 0.0 : static_cast<double>(signed_students) / static_cast<double>(graduates);
  return {std::move(college_code), std::move(college_name), graduates, signed_students, rate};
}

}  // namespace

Result<Statistics> statistics(const Context& context, const Actor& actor, std::optional<int> graduation_year) {
  const workflow::AgreementScope scope = TRY(report_scope(actor));
  store::StatisticsQuery query;
  query.college_code = scope.college_code;
  query.exclude_drafts = scope.exclude_drafts;
  query.graduation_year = graduation_year;
  const store::AgreementStatistics counted = TRY(context.store.agreement_statistics(query));

  Statistics statistics;
  statistics.graduation_year = graduation_year;
  Tally states, colleges, majors, natures, industries, regions;
  std::map<std::string, std::string> college_names;
  for (const store::AgreementTally& row : counted.agreements) {
    statistics.agreements += row.count;
    states.add(row.state, row.count);
    colleges.add(row.college_code, row.count);
    majors.add(row.major, row.count);
    if (!row.college_name.empty()) college_names[row.college_code] = row.college_name;
  }
  const ProvinceFinder provinces(context.codes);
  for (const store::EmployerTally& row : counted.employers) {
    natures.add(row.nature, row.count);
    industries.add(row.industry, row.count);
    regions.add(provinces.province_of(row.location), row.count);
  }

  statistics.by_state = states.buckets([](const std::string& code) -> std::string {
    auto state = workflow::parse_agreement_state(code);
    return state ? workflow::chinese_label(*state) : code;
  });
  statistics.by_college = colleges.buckets([&](const std::string& code) {
    const auto name = college_names.find(code);
    return name == college_names.end() ? code : name->second;
  });
  statistics.by_major = majors.buckets([](const std::string& major) { return major.empty() ? std::string(kNotFilledIn) : major; });
  statistics.by_employer_nature =
      natures.buckets([&](const std::string& code) { return code_label(context.codes, "employer_nature", code); });
  statistics.by_employer_industry =
      industries.buckets([&](const std::string& code) { return code_label(context.codes, "employer_industry", code); });
  statistics.by_employer_region = regions.buckets([&](const std::string& code) {
    return code.empty() ? std::string(kNoProvince) : code_label(context.codes, "region", code);
  });

  std::int64_t graduates = 0, signed_students = 0;
  for (const store::GraduateTally& row : counted.graduates) {
    statistics.signing_by_college.push_back(
        signing_rate(row.college_code, row.college_name.empty() ? row.college_code : row.college_name, row.graduates,
                     row.signed_students));
    graduates += row.graduates;
    signed_students += row.signed_students;
  }
  statistics.signing_overall = signing_rate({}, {}, graduates, signed_students);
  return statistics;
}

Status check_signed_agreement_export(const Actor& actor, const SignedAgreementFilter& filter) {
  TRY(report_scope(actor));
  TRY(workflow::signing_window(filter.signed_from, filter.signed_to));
  return {};
}

Result<std::vector<workflow::Agreement>> signed_agreements_page(const Context& context, const Actor& actor,
                                                                const SignedAgreementFilter& filter,
                                                                std::int64_t after_id, int limit) {
  const workflow::AgreementScope scope = TRY(report_scope(actor));
  // A college outside the reviewer's own finds nothing, as in the agreement list.
  if (scope.college_code && filter.college && *scope.college_code != *filter.college)
    return std::vector<workflow::Agreement>{};
  const workflow::SigningWindow window = TRY(workflow::signing_window(filter.signed_from, filter.signed_to));
  store::AgreementQuery query;
  query.state = workflow::AgreementState::Signed;
  query.college_code = scope.college_code ? scope.college_code : filter.college;
  query.signed_from = window.from;
  query.signed_until = window.until;
  query.after_id = after_id;
  query.order = store::AgreementOrder::Oldest;
  query.limit = limit;
  return context.store.list_agreements(query);
}

}  // namespace sanfang::app
