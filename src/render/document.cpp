#include "render/document.h"

#include "core/field_rules.h"
#include "core/validate.h"

#include <nlohmann/json.hpp>
#include <openssl/sha.h>

#include <algorithm>
#include <ctime>
#include <regex>
#include <set>

namespace sanfang::render {

namespace {

using nlohmann::json;

// Values derived while preparing, not read from the input.
constexpr const char* kDerivedPaths[] = {"serial", "signed_date"};

const std::set<std::string, std::less<>> kTopLevelKeys = {
    "serial", "signed_at", "school", "student", "employer", "job", "archive", "hukou", "remarks"};

// Converts RFC 3339 ("2026-05-20T10:00:00+08:00" or "...Z") to a time_t.
Result<std::time_t> parse_timestamp(const std::string& text) {
  static const std::regex kRfc3339(R"(^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})$)");
  int y, mo, d, h, mi, s, consumed = 0;
  if (!std::regex_match(text, kRfc3339) ||
      std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &consumed) != 6) {
    return Error::invalid("signed_at", "签署时间格式应为 RFC 3339，例如 2026-05-20T10:00:00+08:00");
  }
  std::string zone = text.substr(consumed);
  int offset_minutes = 0;
  if (zone == "Z") {
    offset_minutes = 0;
  } else {
    int zh = 0, zm = 0;
    char sign = 0;
    if (std::sscanf(zone.c_str(), "%c%2d:%2d", &sign, &zh, &zm) != 3 || zh > 14 || zm > 59) {
      return Error::invalid("signed_at", "签署时间须带时区，例如 +08:00 或 Z");
    }
    offset_minutes = (sign == '-' ? -1 : 1) * (zh * 60 + zm);
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 || y < 1970 || y > 2100) {
    return Error::invalid("signed_at", "签署时间不存在");
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return timegm(&tm) - offset_minutes * 60;
}

std::string format_utc(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// The agreement's date as the parties read it: Beijing time (UTC+8, no daylight saving).
std::string format_beijing_date(std::time_t t) {
  std::time_t beijing = t + 8 * 3600;
  std::tm tm{};
  gmtime_r(&beijing, &tm);
  return std::to_string(tm.tm_year + 1900) + "年" + std::to_string(tm.tm_mon + 1) + "月" +
         std::to_string(tm.tm_mday) + "日";
}

const json* lookup(const json& root, std::string_view path) {
  const json* node = &root;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t dot = path.find('.', start);
    std::string key(path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (!node->is_object()) return nullptr;
    auto it = node->find(key);
    if (it == node->end()) return nullptr;
    node = &*it;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return node;
}

// Every key of the input must be a known field: a misspelt key would otherwise vanish from
// the printed agreement without anyone noticing.
Status reject_unknown_keys(const json& input) {
  for (auto it = input.begin(); it != input.end(); ++it) {
    if (!kTopLevelKeys.count(it.key())) return Error::invalid(it.key(), "未知字段");
    if (it.value().is_object()) {
      for (auto inner = it.value().begin(); inner != it.value().end(); ++inner) {
        std::string path = it.key() + "." + inner.key();
        if (!core::field_rule(path)) return Error::invalid(path, "未知字段");
      }
    }
  }
  for (const char* section : {"school", "student", "employer", "job", "archive", "hukou"}) {
    if (input.contains(section) && !input[section].is_object()) {
      return Error::invalid(section, "应为对象");
    }
  }
  return {};
}

// Cross-field rules (core/field_rules.h), on the values as given.
Status check_consistency(const json& input, AgreementDocument& doc) {
  const std::string normalised_id(doc.value("student.id_number"));
  if (doc.values.count("student.birth_date")) {
    TRY(core::check_birth_date_matches_id(lookup(input, "student.birth_date")->get<std::string>(), normalised_id,
                                          "student.birth_date"));
  }
  if (doc.values.count("student.gender")) {
    TRY(core::check_gender_matches_id(lookup(input, "student.gender")->get<std::string>(), normalised_id,
                                      "student.gender"));
  }
  auto mode = doc.values.find("student.training_mode");
  if (mode != doc.values.end()) {
    mode->second = TRY(core::printed_training_mode(mode->second, doc.value("student.training_unit"),
                                                   "student.training_unit"));
  }
  return {};
}

}  // namespace

std::string_view AgreementDocument::value(std::string_view path) const {
  auto it = values.find(path);
  return it == values.end() ? std::string_view() : std::string_view(it->second);
}

bool is_document_path(std::string_view path) {
  return core::field_rule(path) != nullptr ||
         std::any_of(std::begin(kDerivedPaths), std::end(kDerivedPaths), [&](const char* p) { return path == p; });
}

Result<AgreementDocument> parse_document(std::string_view json_text, const core::CodeLists& codes) {
  json input = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (input.is_discarded()) return Error::invalid("$", "不是有效的 JSON");
  return make_document(input, codes);
}

Result<AgreementDocument> make_document(const json& input, const core::CodeLists& codes) {
  if (!input.is_object()) return Error::invalid("$", "协议数据应为 JSON 对象");
  TRY(reject_unknown_keys(input));

  AgreementDocument doc;
  for (const core::FieldRule& rule : core::field_rules()) {
    const std::string path(rule.path);
    const json* node = lookup(input, path);
    if (!node || node->is_null()) {
      if (rule.required) return core::missing_field(rule, path);
      continue;
    }
    if (!node->is_string()) return Error::invalid(path, "应为字符串");
    std::string raw = node->get<std::string>();
    if (raw.empty()) {
      if (rule.required) return core::missing_field(rule, path);
      continue;
    }
    doc.values[path] = TRY(core::printed_value(rule, raw, path, codes));
  }
  TRY(check_consistency(input, doc));

  const json* serial = lookup(input, "serial");
  if (serial && !serial->is_null()) {
    if (!serial->is_string()) return Error::invalid("serial", "应为字符串");
    doc.serial = TRY(core::validate_serial(serial->get<std::string>(), "serial"));
    doc.values["serial"] = core::format_serial_for_print(*doc.serial);
  } else {
    doc.values["serial"] = "（预览，未编号）";
  }

  const json* signed_at = lookup(input, "signed_at");
  if (signed_at && !signed_at->is_null()) {
    if (!signed_at->is_string()) return Error::invalid("signed_at", "应为字符串");
    std::time_t t = TRY(parse_timestamp(signed_at->get<std::string>()));
    doc.timestamp_utc = format_utc(t);
    doc.values["signed_date"] = format_beijing_date(t);
  } else if (doc.serial) {
    return Error::invalid("signed_at", "已编号的协议须有签署时间");
  } else {
    doc.timestamp_utc = format_utc(0);
  }

  // nlohmann's objects are ordered maps, so dump() is canonical for equal content.
  const std::string canonical = input.dump();
  SHA256(reinterpret_cast<const unsigned char*>(canonical.data()), canonical.size(), doc.content_hash.data());
  return doc;
}

}  // namespace sanfang::render
