#include "render/document.h"

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

enum class Kind {
  Text,        // one line of free text
  Multiline,   // free text that may contain line breaks (备注)
  Code,        // a code of `code_list`, printed as its label
  Date,        // YYYY-MM-DD, printed 2003年5月1日
  ResidentId,  // GB 11643
  Uscc,        // GB 32100
  Mobile,      // 1[3-9] + 9 digits
  Phone,       // mobile or landline with area code / extension
  Postcode,
  Email,
};

struct FieldRule {
  const char* path;
  Kind kind;
  bool required;
  std::size_t max_chars;
  const char* code_list = nullptr;
};

// The render input's fields (agreement-form.md "Sections and fields"). The fixed paths that
// outside checks rely on — serial, student.name, student.id_number, employer.name,
// employer.uscc — are among them; api/render-input.schema.json documents the same shape.
constexpr FieldRule kFields[] = {
    {"school.name", Kind::Text, true, 64},
    {"school.code", Kind::Text, false, 5},
    {"school.department", Kind::Text, false, 64},
    {"school.address", Kind::Text, false, 128},
    {"school.postcode", Kind::Postcode, false, 6},
    {"school.contact", Kind::Text, false, 32},
    {"school.phone", Kind::Phone, false, 32},

    {"student.name", Kind::Text, true, 64},
    {"student.gender", Kind::Code, true, 2, "gender"},
    {"student.ethnicity", Kind::Code, false, 2, "ethnicity"},
    {"student.political_status", Kind::Code, false, 2, "political_status"},
    {"student.birth_date", Kind::Date, false, 10},
    {"student.id_number", Kind::ResidentId, true, 18},
    {"student.student_no", Kind::Text, true, 32},
    {"student.college", Kind::Text, true, 64},
    {"student.major", Kind::Text, true, 64},
    {"student.education_level", Kind::Code, true, 4, "education_level"},
    {"student.length_of_schooling", Kind::Text, false, 16},
    {"student.training_mode", Kind::Code, false, 4, "training_mode"},
    {"student.training_unit", Kind::Text, false, 128},
    {"student.origin_region", Kind::Code, false, 6, "region"},
    {"student.mobile", Kind::Mobile, false, 11},
    {"student.email", Kind::Email, false, 64},
    {"student.home_address", Kind::Text, false, 128},
    {"student.opinion", Kind::Multiline, false, 200},

    {"employer.name", Kind::Text, true, 128},
    {"employer.uscc", Kind::Uscc, true, 18},
    {"employer.nature", Kind::Code, false, 2, "employer_nature"},
    {"employer.industry", Kind::Code, false, 2, "employer_industry"},
    {"employer.location", Kind::Text, false, 64},
    {"employer.address", Kind::Text, false, 128},
    {"employer.postcode", Kind::Postcode, false, 6},
    {"employer.contact", Kind::Text, false, 32},
    {"employer.phone", Kind::Phone, false, 32},
    {"employer.supervisor", Kind::Text, false, 128},
    {"employer.opinion", Kind::Multiline, false, 200},

    {"job.position", Kind::Text, false, 64},
    {"job.location", Kind::Text, false, 64},
    {"job.salary", Kind::Text, false, 64},
    {"job.probation", Kind::Text, false, 32},
    {"job.contract_term", Kind::Text, false, 32},

    {"archive.unit", Kind::Text, false, 128},
    {"archive.address", Kind::Text, false, 128},
    {"archive.postcode", Kind::Postcode, false, 6},
    {"archive.contact", Kind::Text, false, 32},
    {"archive.phone", Kind::Phone, false, 32},

    {"hukou.address", Kind::Text, false, 128},
    {"remarks", Kind::Multiline, false, 1200},
};

// Values derived while preparing, not read from the input.
constexpr const char* kDerivedPaths[] = {"serial", "signed_date"};

const std::set<std::string, std::less<>> kTopLevelKeys = {
    "serial", "signed_at", "school", "student", "employer", "job", "archive", "hukou", "remarks"};

std::size_t count_code_points(std::string_view utf8) {
  return static_cast<std::size_t>(
      std::count_if(utf8.begin(), utf8.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

Result<std::string> format_date(std::string_view text, std::string_view field) {
  int y = 0, m = 0, d = 0;
  char tail = 0;
  std::string s(text);
  if (s.size() != 10 || std::sscanf(s.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) {
    return Error::invalid(std::string(field), "日期格式应为 YYYY-MM-DD");
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > kDays[m - 1] + (m == 2 && leap)) {
    return Error::invalid(std::string(field), "日期不存在");
  }
  return std::to_string(y) + "年" + std::to_string(m) + "月" + std::to_string(d) + "日";
}

Status check_phone(std::string_view text, std::string_view field) {
  static const std::regex kPhone(R"(^\+?[0-9][0-9 ()\-]{4,24}([ ]?(转|ext\.?)[ ]?[0-9]{1,6})?$)");
  if (!std::regex_match(std::string(text), kPhone)) {
    return Error::invalid(std::string(field), "电话号码格式不正确");
  }
  return {};
}

Status check_email(std::string_view text, std::string_view field) {
  static const std::regex kEmail(R"(^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+$)");
  if (!std::regex_match(std::string(text), kEmail)) {
    return Error::invalid(std::string(field), "电子邮箱格式不正确");
  }
  return {};
}

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
        bool known = std::any_of(std::begin(kFields), std::end(kFields),
                                 [&](const FieldRule& f) { return path == f.path; });
        if (!known) return Error::invalid(path, "未知字段");
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

Result<std::string> prepare_value(const FieldRule& rule, const std::string& raw, const core::CodeLists& codes) {
  const std::string field = rule.path;
  TRY(core::check_text_policy(raw, field, rule.kind == Kind::Multiline));
  if (count_code_points(raw) > rule.max_chars) {
    return Error::invalid(field, "超过 " + std::to_string(rule.max_chars) + " 个字符");
  }
  switch (rule.kind) {
    case Kind::Text:
    case Kind::Multiline: return raw;
    case Kind::Code: {
      const core::CodeList* list = codes.find(rule.code_list);
      if (!list) return Error::make(ErrorKind::Internal, std::string("code list missing: ") + rule.code_list);
      return list->label(raw, field);
    }
    case Kind::Date: return format_date(raw, field);
    case Kind::ResidentId: return core::validate_resident_id(raw, field);
    case Kind::Uscc: return core::validate_uscc(raw, field);
    case Kind::Mobile: TRY(core::validate_mobile(raw, field)); return raw;
    case Kind::Phone: TRY(check_phone(raw, field)); return raw;
    case Kind::Postcode: TRY(core::validate_postcode(raw, field)); return raw;
    case Kind::Email: TRY(check_email(raw, field)); return raw;
  }
  return raw;
}

// Cross-field rules: the resident ID carries the birth date (digits 7–14) and the sex (digit
// 17: odd = male), GB 11643-1999 §5; 定向/委培 students name the unit they are bound to.
Status check_consistency(const json& input, AgreementDocument& doc) {
  const std::string normalised_id(doc.value("student.id_number"));
  if (doc.values.count("student.birth_date")) {
    std::string digits = lookup(input, "student.birth_date")->get<std::string>();
    digits.erase(std::remove(digits.begin(), digits.end(), '-'), digits.end());
    if (normalised_id.substr(6, 8) != digits) {
      return Error::invalid("student.birth_date", "出生日期与身份证号不一致");
    }
  }
  if (doc.values.count("student.gender")) {
    const std::string code = lookup(input, "student.gender")->get<std::string>();
    const bool odd = (normalised_id[16] - '0') % 2 == 1;
    if ((code == "1" && !odd) || (code == "2" && odd)) {
      return Error::invalid("student.gender", "性别与身份证号不一致");
    }
  }
  auto mode = doc.values.find("student.training_mode");
  if (mode != doc.values.end() && mode->second != "非定向") {
    auto unit = doc.values.find("student.training_unit");
    if (unit == doc.values.end() || unit->second.empty()) {
      return Error::invalid("student.training_unit", "定向或委培须填写定向（委培）单位");
    }
    mode->second += "（" + unit->second + "）";
  }
  return {};
}

}  // namespace

std::string_view AgreementDocument::value(std::string_view path) const {
  auto it = values.find(path);
  return it == values.end() ? std::string_view() : std::string_view(it->second);
}

bool is_document_path(std::string_view path) {
  return std::any_of(std::begin(kFields), std::end(kFields), [&](const FieldRule& f) { return path == f.path; }) ||
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
  for (const FieldRule& rule : kFields) {
    const json* node = lookup(input, rule.path);
    if (!node || node->is_null()) {
      if (rule.required) return Error::invalid(rule.path, "必填");
      continue;
    }
    if (!node->is_string()) return Error::invalid(rule.path, "应为字符串");
    std::string raw = node->get<std::string>();
    if (raw.empty()) {
      if (rule.required) return Error::invalid(rule.path, "必填");
      continue;
    }
    doc.values[rule.path] = TRY(prepare_value(rule, raw, codes));
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
