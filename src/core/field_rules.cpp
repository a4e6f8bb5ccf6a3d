#include "core/field_rules.h"

#include "core/field_labels.h"
#include "core/validate.h"

#include <algorithm>
#include <array>
#include <regex>

namespace sanfang::core {

std::size_t count_code_points(std::string_view utf8) {
  return static_cast<std::size_t>(std::count_if(
      utf8.begin(), utf8.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

namespace {

using K = FieldKind;

// The agreement's printed fields (agreement-form.md "Sections and fields"). Lengths are what the
// form's boxes hold at the layout's floor sizes; the renderer's fit check has the last word.
constexpr FieldRule kFields[] = {
    {"school.name", "学校名称", K::Text, true, 64},
    {"school.code", "院校代码", K::Text, false, 5},
    {"school.department", "学校就业部门", K::Text, false, 64},
    {"school.address", "学校通讯地址", K::Text, false, 128},
    {"school.postcode", "学校邮政编码", K::Postcode, false, 6},
    {"school.contact", "学校联系人", K::Text, false, 32},
    {"school.phone", "学校联系电话", K::Phone, false, 32},

    {"student.name", "姓名", K::Text, true, 32},
    {"student.gender", "性别", K::Code, true, 2, "gender"},
    {"student.ethnicity", "民族", K::Code, false, 2, "ethnicity"},
    {"student.political_status", "政治面貌", K::Code, false, 2, "political_status"},
    {"student.birth_date", "出生日期", K::Date, false, 10},
    {"student.id_number", "身份证号", K::ResidentId, true, 18},
    {"student.student_no", "学号", K::Text, true, 32},
    {"student.college", "学院", K::Text, true, 64},
    {"student.major", "专业", K::Text, true, 64},
    {"student.education_level", "学历", K::Code, true, 4, "education_level"},
    {"student.length_of_schooling", "学制", K::Text, false, 16},
    {"student.training_mode", "培养方式", K::Code, false, 4, "training_mode"},
    {"student.training_unit", "定向（委培）单位", K::Text, false, 128},
    {"student.origin_region", "生源地", K::Code, false, 6, "region"},
    {"student.mobile", "手机号码", K::Mobile, false, 11},
    {"student.email", "电子邮箱", K::Email, false, 64},
    {"student.home_address", "家庭地址", K::Text, false, 128},
    {"student.opinion", "毕业生意见", K::Multiline, false, 200},

    {"employer.name", "单位名称", K::Text, true, 128},
    {"employer.uscc", "统一社会信用代码", K::Uscc, true, 18},
    {"employer.nature", "单位性质", K::Code, false, 2, "employer_nature"},
    {"employer.industry", "单位行业", K::Code, false, 2, "employer_industry"},
    {"employer.location", "单位所在地", K::Text, false, 64},
    {"employer.address", "单位地址", K::Text, false, 128},
    {"employer.postcode", "单位邮政编码", K::Postcode, false, 6},
    {"employer.contact", "单位联系人", K::Text, false, 32},
    {"employer.phone", "单位联系电话", K::Phone, false, 32},
    {"employer.supervisor", "单位主管部门", K::Text, false, 128},
    {"employer.opinion", "用人单位意见", K::Multiline, false, 200},

    {"job.position", "工作岗位", K::Text, false, 64},
    {"job.location", "工作地点", K::Text, false, 64},
    {"job.salary", "薪酬待遇", K::Text, false, 64},
    {"job.probation", "试用期", K::Text, false, 32},
    {"job.contract_term", "合同期限", K::Text, false, 32},

    {"archive.unit", "档案接收单位", K::Text, false, 128},
    {"archive.address", "档案接收地址", K::Text, false, 128},
    {"archive.postcode", "档案接收邮政编码", K::Postcode, false, 6},
    {"archive.contact", "档案接收联系人", K::Text, false, 32},
    {"archive.phone", "档案接收联系电话", K::Phone, false, 32},

    {"hukou.address", "户口迁移地址", K::Text, false, 128},
    {"remarks", "备注", K::Multiline, false, 1200},
};

Error invalid(std::string_view field, const FieldRule& rule, std::string_view detail) {
  return Error::invalid(std::string(field), std::string(rule.label) + std::string(detail));
}

// The label leads every detail, so a message from a shared check ("身份证号校验位错误", a text
// policy refusal) still says which box of the form is meant.
Error labelled(const FieldRule& rule, Error error) {
  if (!error.message.starts_with(rule.label)) error.message = std::string(rule.label) + "：" + error.message;
  return error;
}

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

Result<std::string> printed_date(const FieldRule& rule, std::string_view text, std::string_view field) {
  static const std::regex kDate(R"(^([0-9]{4})-([0-9]{2})-([0-9]{2})$)");
  std::match_results<std::string_view::const_iterator> parts;
  if (!std::regex_match(text.begin(), text.end(), parts, kDate)) {
    return invalid(field, rule, "格式应为 YYYY-MM-DD，例如 2003-05-01");
  }
  const int year = std::stoi(parts[1].str()), month = std::stoi(parts[2].str()), day = std::stoi(parts[3].str());
  static constexpr std::array<int, 12> kDaysInMonth = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 ||
      day > kDaysInMonth[month - 1] + (month == 2 && is_leap_year(year) ? 1 : 0)) {
    return invalid(field, rule, "必须是有效日期");
  }
  if (year < kMinDateYear || year > kMaxDateYear) {
    return invalid(field, rule,
                   "的年份应在 " + std::to_string(kMinDateYear) + " 到 " + std::to_string(kMaxDateYear) + " 之间");
  }
  return std::to_string(year) + "年" + std::to_string(month) + "月" + std::to_string(day) + "日";
}

Status check_phone(const FieldRule& rule, std::string_view text, std::string_view field) {
  static const std::regex kPhone(R"(^\+?[0-9][0-9 ()\-]{4,24}([ ]?(转|ext\.?)[ ]?[0-9]{1,6})?$)");
  if (!std::regex_match(text.begin(), text.end(), kPhone)) return invalid(field, rule, "格式不正确");
  return {};
}

Status check_email(const FieldRule& rule, std::string_view text, std::string_view field) {
  static const std::regex kEmail(R"(^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+$)");
  if (!std::regex_match(text.begin(), text.end(), kEmail)) return invalid(field, rule, "格式不正确");
  return {};
}

Result<std::string> checked_value(const FieldRule& rule, std::string_view value, std::string_view field,
                                  const CodeLists& codes) {
  TRY(check_text_policy(value, field, rule.kind == K::Multiline));
  if (count_code_points(value) > rule.max_chars) {
    return invalid(field, rule, "不能超过 " + std::to_string(rule.max_chars) + " 个字");
  }
  switch (rule.kind) {
    case K::Text:
    case K::Multiline: return std::string(value);
    case K::Code: {
      const CodeList* list = codes.find(rule.code_list);
      if (!list) return Error::make(ErrorKind::Internal, "code list missing: " + std::string(rule.code_list));
      return list->label(value, field);
    }
    case K::Date: return printed_date(rule, value, field);
    case K::ResidentId: return validate_resident_id(value, field);
    case K::Uscc: return validate_uscc(value, field);
    case K::Mobile: TRY(validate_mobile(value, field)); return std::string(value);
    case K::Phone: TRY(check_phone(rule, value, field)); return std::string(value);
    case K::Postcode: TRY(validate_postcode(value, field)); return std::string(value);
    case K::Email: TRY(check_email(rule, value, field)); return std::string(value);
  }
  return std::string(value);
}

}  // namespace

std::span<const FieldRule> field_rules() { return kFields; }

const FieldRule* field_rule(std::string_view path) {
  auto it = std::find_if(std::begin(kFields), std::end(kFields), [&](const FieldRule& r) { return r.path == path; });
  return it == std::end(kFields) ? nullptr : &*it;
}

Result<std::string> printed_value(const FieldRule& rule, std::string_view value, std::string_view field,
                                  const CodeLists& codes) {
  auto printed = checked_value(rule, value, field, codes);
  if (!printed) return labelled(rule, printed.take_error());
  return printed;
}

Error missing_field(const FieldRule& rule, std::string_view field) {
  return Error::invalid(std::string(field), "请填写" + std::string(rule.label));
}

std::optional<std::string> gender_code(std::string_view gender) {
  if (gender == "男" || gender == "1") return "1";
  if (gender == "女" || gender == "2") return "2";
  return std::nullopt;
}

Status check_birth_date_matches_id(std::string_view birth_date, std::string_view resident_id, std::string_view field) {
  std::string digits(birth_date);
  digits.erase(std::remove(digits.begin(), digits.end(), '-'), digits.end());
  if (resident_id.size() != 18 || resident_id.substr(6, 8) != digits) {
    return Error::invalid(std::string(field), "出生日期与身份证号不一致");
  }
  return {};
}

Status check_gender_matches_id(std::string_view gender, std::string_view resident_id, std::string_view field) {
  const auto code = gender_code(gender);
  if (!code || resident_id.size() != 18) return Error::invalid(std::string(field), "性别应为 男、女（或代码 1、2）");
  const bool odd = (resident_id[16] - '0') % 2 == 1;
  if ((*code == "1") != odd) return Error::invalid(std::string(field), "性别与身份证号不一致");
  return {};
}

Result<std::string> printed_training_mode(std::string_view mode_label, std::string_view unit,
                                          std::string_view unit_field) {
  if (mode_label == "非定向") return std::string(mode_label);
  if (is_blank_text(unit)) return Error::invalid(std::string(unit_field), "定向或委培须填写定向（委培）单位");
  return std::string(mode_label) + "（" + std::string(unit) + "）";
}

Status check_reason(std::string_view text, std::string_view field, bool required, std::string_view missing_detail) {
  if (is_blank_text(text)) {
    if (required) return Error::invalid(std::string(field), std::string(missing_detail));
    if (text.empty()) return {};
  }
  if (Status policy = check_text_policy(text, field, true); !policy) return core::labelled(policy.take_error());
  if (count_code_points(text) > kMaxReasonChars) {
    return Error::invalid(std::string(field), field_label(field) + "不能超过 " + std::to_string(kMaxReasonChars) + " 个字");
  }
  return {};
}

}  // namespace sanfang::core
