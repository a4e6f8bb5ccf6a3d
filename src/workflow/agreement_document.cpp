#include "workflow/agreement_document.h"

#include "core/validate.h"

#include <ctime>
#include <regex>

namespace sanfang::workflow {

namespace {

using nlohmann::json;

enum class Check { Text, Multiline, Code, Date, Mobile, Phone, Postcode, Email };

struct Member {
  const char* name;
  Check check;
  std::size_t max_chars;
  const char* code_list = nullptr;
};

std::size_t code_points(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

Status check_value(const Member& m, const std::string& value, const std::string& field, const core::CodeLists* codes) {
  TRY(core::check_text_policy(value, field, m.check == Check::Multiline));
  if (code_points(value) > m.max_chars) return Error::invalid(field, "超过 " + std::to_string(m.max_chars) + " 个字符");
  switch (m.check) {
    case Check::Text:
    case Check::Multiline: return {};
    case Check::Code: {
      const core::CodeList* list = codes ? codes->find(m.code_list) : nullptr;
      if (!list) return Error::make(ErrorKind::Internal, std::string("code list missing: ") + m.code_list);
      TRY(list->label(value, field));
      return {};
    }
    case Check::Date: {
      static const std::regex kDate(R"(^[0-9]{4}-[0-9]{2}-[0-9]{2}$)");
      std::tm tm{};
      if (!std::regex_match(value, kDate) || !strptime(value.c_str(), "%Y-%m-%d", &tm)) {
        return Error::invalid(field, "日期格式应为 YYYY-MM-DD");
      }
      return {};
    }
    case Check::Mobile: return core::validate_mobile(value, field);
    case Check::Postcode: return core::validate_postcode(value, field);
    case Check::Phone: {
      static const std::regex kPhone(R"(^\+?[0-9][0-9 ()\-]{4,24}$)");
      if (!std::regex_match(value, kPhone)) return Error::invalid(field, "电话号码格式不正确");
      return {};
    }
    case Check::Email: {
      static const std::regex kEmail(R"(^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+$)");
      if (!std::regex_match(value, kEmail)) return Error::invalid(field, "电子邮箱格式不正确");
      return {};
    }
  }
  return {};
}

// Checks one JSON object against its members; `prefix` names it in errors ("contact").
Status check_object(const json& object, std::initializer_list<Member> members, const std::string& prefix,
                    const core::CodeLists* codes) {
  if (!object.is_object()) return Error::invalid(prefix, "应为对象");
  for (auto it = object.begin(); it != object.end(); ++it) {
    const std::string field = prefix.empty() ? it.key() : prefix + "." + it.key();
    const Member* member = nullptr;
    for (const Member& m : members) {
      if (it.key() == m.name) member = &m;
    }
    if (!member) return Error::invalid(field, "未知字段");
    if (it->is_null()) continue;
    if (!it->is_string()) return Error::invalid(field, "应为字符串");
    const std::string value = it->get<std::string>();
    if (!value.empty()) TRY(check_value(*member, value, field, codes));
  }
  return {};
}

std::string text_at(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Copies the non-empty string members of `from` into `to`.
void copy_present(const json& from, json& to, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    std::string value = text_at(from, key);
    if (!value.empty()) to[key] = value;
  }
}

std::string rfc3339_utc(Timestamp t) {
  std::time_t seconds = to_unix_seconds(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Imported records may carry 男/女 or the GB/T 2261.1 code.
std::string gender_code(const std::string& gender) {
  if (gender == "男") return "1";
  if (gender == "女") return "2";
  return gender;
}

}  // namespace

Status validate_source_sections(const SourceSections& s, const core::CodeLists& codes) {
  TRY(check_object(s.basic,
                   {{"ethnicity", Check::Code, 2, "ethnicity"},
                    {"political_status", Check::Code, 2, "political_status"},
                    {"birth_date", Check::Date, 10}},
                   "basic", &codes));
  TRY(check_object(s.contact,
                   {{"mobile", Check::Mobile, 11}, {"email", Check::Email, 64}, {"home_address", Check::Text, 128}},
                   "contact", &codes));
  TRY(check_object(s.enrolment,
                   {{"education_level", Check::Code, 4, "education_level"},
                    {"length_of_schooling", Check::Text, 16},
                    {"training_mode", Check::Code, 4, "training_mode"},
                    {"training_unit", Check::Text, 128}},
                   "enrolment", &codes));
  TRY(check_object(s.archive, {{"origin_region", Check::Code, 6, "region"}}, "archive", &codes));
  return {};
}

Status validate_employer_profile(const json& profile, const core::CodeLists& codes) {
  return check_object(profile,
                      {{"nature", Check::Code, 2, "employer_nature"},
                       {"industry", Check::Code, 2, "employer_industry"},
                       {"location", Check::Text, 64},
                       {"address", Check::Text, 128},
                       {"postcode", Check::Postcode, 6},
                       {"contact", Check::Text, 32},
                       {"phone", Check::Phone, 32},
                       {"supervisor", Check::Text, 128}},
                      "profile", &codes);
}

Status validate_agreement_content(const json& content) {
  if (!content.is_object()) return Error::invalid("content", "应为对象");
  for (auto it = content.begin(); it != content.end(); ++it) {
    const std::string& key = it.key();
    if (key == "job") {
      TRY(check_object(*it,
                       {{"position", Check::Text, 64},
                        {"location", Check::Text, 64},
                        {"salary", Check::Text, 64},
                        {"probation", Check::Text, 32},
                        {"contract_term", Check::Text, 32}},
                       "job", nullptr));
    } else if (key == "archive") {
      TRY(check_object(*it,
                       {{"unit", Check::Text, 128},
                        {"address", Check::Text, 128},
                        {"postcode", Check::Postcode, 6},
                        {"contact", Check::Text, 32},
                        {"phone", Check::Phone, 32}},
                       "archive", nullptr));
    } else if (key == "hukou") {
      TRY(check_object(*it, {{"address", Check::Text, 128}}, "hukou", nullptr));
    } else if (key == "remarks" || key == "employer_opinion" || key == "student_opinion") {
      TRY(check_object(json{{key, *it}},
                       {{"remarks", Check::Multiline, 1200},
                        {"employer_opinion", Check::Multiline, 200},
                        {"student_opinion", Check::Multiline, 200}},
                       "", nullptr));
    } else {
      return Error::invalid(key, "未知字段");
    }
  }
  return {};
}

Result<json> render_input(const Agreement& agreement, const SchoolProfile& school, const std::string& college_name) {
  if (!agreement.snapshot.is_object()) {
    return Error::make(ErrorKind::Conflict, "协议尚未进入审核，没有可打印的内容");
  }
  const json& student = agreement.snapshot["student"];
  const json& sections = student["source_info"];
  const json& employer = agreement.snapshot["employer"];
  const json& content = agreement.content;

  json input = json::object();
  if (agreement.serial && agreement.signed_at) {
    input["serial"] = *agreement.serial;
    input["signed_at"] = rfc3339_utc(*agreement.signed_at);
  }
  json school_block = {{"name", school.name}, {"code", school.code}};
  if (!school.department.empty()) school_block["department"] = school.department;
  if (!school.address.empty()) school_block["address"] = school.address;
  if (!school.postcode.empty()) school_block["postcode"] = school.postcode;
  if (!school.contact.empty()) school_block["contact"] = school.contact;
  if (!school.phone.empty()) school_block["phone"] = school.phone;
  input["school"] = school_block;

  json s = {{"name", text_at(student, "name")},
            {"id_number", text_at(student, "id_number")},
            {"gender", gender_code(text_at(student, "gender"))},
            {"student_no", text_at(student, "student_no")},
            {"college", college_name},
            {"major", text_at(student, "major")}};
  copy_present(sections.value("basic", json::object()), s, {"ethnicity", "political_status", "birth_date"});
  copy_present(sections.value("contact", json::object()), s, {"mobile", "email", "home_address"});
  copy_present(sections.value("enrolment", json::object()), s,
               {"education_level", "length_of_schooling", "training_mode", "training_unit"});
  copy_present(sections.value("archive", json::object()), s, {"origin_region"});
  std::string student_opinion = text_at(content, "student_opinion");
  if (!student_opinion.empty()) s["opinion"] = student_opinion;
  input["student"] = s;

  json e = {{"name", text_at(employer, "name")}, {"uscc", text_at(employer, "uscc")}};
  copy_present(employer.value("profile", json::object()), e,
               {"nature", "industry", "location", "address", "postcode", "contact", "phone", "supervisor"});
  std::string employer_opinion = text_at(content, "employer_opinion");
  if (!employer_opinion.empty()) e["opinion"] = employer_opinion;
  input["employer"] = e;

  for (const char* section : {"job", "archive", "hukou"}) {
    if (content.contains(section) && content[section].is_object()) {
      json block = json::object();
      for (auto it = content[section].begin(); it != content[section].end(); ++it) {
        if (it->is_string() && !it->get<std::string>().empty()) block[it.key()] = *it;
      }
      if (!block.empty()) input[section] = block;
    }
  }
  std::string remarks = text_at(content, "remarks");
  if (!remarks.empty()) input["remarks"] = remarks;
  return input;
}

}  // namespace sanfang::workflow
