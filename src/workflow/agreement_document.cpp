#include "workflow/agreement_document.h"

#include "core/field_labels.h"
#include "core/field_rules.h"
#include "core/validate.h"

#include <algorithm>
#include <ctime>
#include <vector>

namespace sanfang::workflow {

namespace {

using nlohmann::json;

// A member of a saved object and the printed field it fills.
struct Member {
  const char* name;
  const char* path;  // render-input path, the key of its rule in core/field_rules.h
};

struct Printed {
  std::string field;  // the member as the request names it ("basic.birth_date")
  std::string path;
  std::string raw;
  std::string printed;
};

// The shape of one saved object — only known members, each a string or null — and every
// non-empty value through its field rule. `prefix` names the object in errors ("contact").
Result<std::vector<Printed>> check_object(const json& object, std::initializer_list<Member> members,
                                          const std::string& prefix, const core::CodeLists& codes) {
  if (!object.is_object()) return core::member_of_wrong_type(prefix, "对象");
  std::vector<Printed> values;
  for (auto it = object.begin(); it != object.end(); ++it) {
    const std::string field = prefix.empty() ? it.key() : prefix + "." + it.key();
    const Member* member = nullptr;
    for (const Member& m : members) {
      if (it.key() == m.name) member = &m;
    }
    if (!member) return core::unknown_member(field, prefix);
    if (it->is_null()) continue;
    const core::FieldRule* rule = core::field_rule(member->path);
    if (!rule) return Error::make(ErrorKind::Internal, std::string("no field rule for ") + member->path);
    if (!it->is_string()) return Error::invalid(field, std::string(rule->label) + "应为文本");
    const std::string value = it->get<std::string>();
    if (value.empty()) continue;
    // TRY before the aggregate: leaving a statement expression in the middle of an initializer
    // would skip the destructors of the members already built.
    std::string printed = TRY(core::printed_value(*rule, value, field, codes));
    values.push_back({field, member->path, value, std::move(printed)});
  }
  return values;
}

Status check_printable(const std::vector<Printed>& values, const PrintCheck& print) {
  for (const Printed& v : values) TRY(print.check(v.path, v.printed, v.field));
  return {};
}

Printed* find_path(std::vector<Printed>& values, std::string_view path) {
  for (Printed& v : values) {
    if (v.path == path) return &v;
  }
  return nullptr;
}

void append(std::vector<Printed>& to, std::vector<Printed> from) {
  for (Printed& v : from) to.push_back(std::move(v));
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
std::string gender_code(const std::string& gender) { return core::gender_code(gender).value_or(gender); }

}  // namespace

Status validate_source_sections(const SourceSections& s, const Student& student, const core::CodeLists& codes,
                                const PrintCheck& print) {
  std::vector<Printed> values = TRY(check_object(s.basic,
                                                 {{"ethnicity", "student.ethnicity"},
                                                  {"political_status", "student.political_status"},
                                                  {"birth_date", "student.birth_date"}},
                                                 "basic", codes));
  append(values, TRY(check_object(s.contact,
                                  {{"mobile", "student.mobile"},
                                   {"email", "student.email"},
                                   {"home_address", "student.home_address"}},
                                  "contact", codes)));
  append(values, TRY(check_object(s.enrolment,
                                  {{"education_level", "student.education_level"},
                                   {"length_of_schooling", "student.length_of_schooling"},
                                   {"training_mode", "student.training_mode"},
                                   {"training_unit", "student.training_unit"}},
                                  "enrolment", codes)));
  append(values, TRY(check_object(s.archive, {{"origin_region", "student.origin_region"}}, "archive", codes)));
  if (const Printed* birth_date = find_path(values, "student.birth_date")) {
    TRY(core::check_birth_date_matches_id(birth_date->raw, student.id_number, birth_date->field));
  }
  if (Printed* mode = find_path(values, "student.training_mode")) {
    const Printed* unit = find_path(values, "student.training_unit");
    mode->printed = TRY(core::printed_training_mode(mode->printed, unit ? unit->raw : "", "enrolment.training_unit"));
  }
  return check_printable(values, print);
}

Status validate_employer(std::string_view name, std::string_view uscc, const json& profile,
                         const core::CodeLists& codes, const PrintCheck& print) {
  std::vector<Printed> values = TRY(check_object(json{{"name", name}, {"uscc", uscc}},
                                                 {{"name", "employer.name"}, {"uscc", "employer.uscc"}}, "", codes));
  for (const char* required : {"name", "uscc"}) {
    if (!std::any_of(values.begin(), values.end(), [&](const Printed& v) { return v.field == required; }))
      return core::missing_field(*core::field_rule(std::string("employer.") + required), required);
  }
  append(values, TRY(check_object(profile,
                                  {{"nature", "employer.nature"},
                                   {"industry", "employer.industry"},
                                   {"location", "employer.location"},
                                   {"address", "employer.address"},
                                   {"postcode", "employer.postcode"},
                                   {"contact", "employer.contact"},
                                   {"phone", "employer.phone"},
                                   {"supervisor", "employer.supervisor"}},
                                  "profile", codes)));
  return check_printable(values, print);
}

Status validate_agreement_content(const json& content, const core::CodeLists& codes, const PrintCheck& print) {
  if (!content.is_object()) return core::member_of_wrong_type("content", "对象");
  std::vector<Printed> values;
  for (auto it = content.begin(); it != content.end(); ++it) {
    const std::string& key = it.key();
    if (key == "job") {
      append(values, TRY(check_object(*it,
                                      {{"position", "job.position"},
                                       {"location", "job.location"},
                                       {"salary", "job.salary"},
                                       {"probation", "job.probation"},
                                       {"contract_term", "job.contract_term"}},
                                      "job", codes)));
    } else if (key == "archive") {
      append(values, TRY(check_object(*it,
                                      {{"unit", "archive.unit"},
                                       {"address", "archive.address"},
                                       {"postcode", "archive.postcode"},
                                       {"contact", "archive.contact"},
                                       {"phone", "archive.phone"}},
                                      "archive", codes)));
    } else if (key == "hukou") {
      append(values, TRY(check_object(*it, {{"address", "hukou.address"}}, "hukou", codes)));
    } else if (key == "remarks" || key == "employer_opinion" || key == "student_opinion") {
      append(values, TRY(check_object(json{{key, *it}},
                                      {{"remarks", "remarks"},
                                       {"employer_opinion", "employer.opinion"},
                                       {"student_opinion", "student.opinion"}},
                                      "", codes)));
    } else {
      return core::unknown_member(key, "content");
    }
  }
  return check_printable(values, print);
}

Status validate_student_record(const Student& student, std::string_view college_name, const core::CodeLists& codes,
                               const PrintCheck& print) {
  std::vector<Printed> values = TRY(check_object(json{{"student_no", student.student_no},
                                                            {"name", student.name},
                                                            {"id_number", student.id_number},
                                                            {"gender", gender_code(student.gender)},
                                                            {"major", student.major},
                                                            {"college_name", college_name}},
                                                           {{"student_no", "student.student_no"},
                                                            {"name", "student.name"},
                                                            {"id_number", "student.id_number"},
                                                            {"gender", "student.gender"},
                                                            {"major", "student.major"},
                                                            {"college_name", "student.college"}},
                                                           "", codes));
  for (const Member& required : {Member{"student_no", "student.student_no"}, Member{"name", "student.name"},
                                 Member{"id_number", "student.id_number"}, Member{"gender", "student.gender"},
                                 Member{"major", "student.major"}, Member{"college_name", "student.college"}}) {
    if (!find_path(values, required.path)) return core::missing_field(*core::field_rule(required.path), required.name);
  }
  TRY(core::check_gender_matches_id(student.gender, find_path(values, "student.id_number")->printed, "gender"));
  return check_printable(values, print);
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
