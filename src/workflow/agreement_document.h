// The agreement as a document: which stored data fills which field of the printed form.
//
// The parties edit three kinds of data, each with a fixed shape checked here when it is saved
// (unknown members, wrong types, bad national codes and unknown codes are InvalidInput errors
// naming the member, e.g. "contact.mobile"):
//   source info sections (the student's 生源, verified by the college)
//     basic     {ethnicity, political_status, birth_date}
//     contact   {mobile, email, home_address}
//     enrolment {education_level, length_of_schooling, training_mode, training_unit}
//     archive   {origin_region}
//   employer profile (the unit in the library)
//     {nature, industry, location, address, postcode, contact, phone, supervisor}
//   agreement content (the terms the employer fills and both parties see)
//     {job: {position, location, salary, probation, contract_term},
//      archive: {unit, address, postcode, contact, phone}, hukou: {address},
//      remarks, employer_opinion, student_opinion}
// Identity (name, resident ID, gender, major) comes from the imported student record. The
// document is assembled from the agreement's snapshot, so later edits never change it.
#pragma once

#include "core/code_lists.h"
#include "core/result.h"
#include "workflow/entities.h"

#include <nlohmann/json.hpp>

#include <string>

namespace sanfang::workflow {

// The school's own block of the form (丙方), from configuration.
struct SchoolProfile {
  std::string name = "示范大学";
  std::string code = "10731";  // 院校代码
  std::string department = "就业指导服务中心";
  std::string address;
  std::string postcode;
  std::string contact;
  std::string phone;
};

Status validate_source_sections(const SourceSections& sections, const core::CodeLists& codes);
Status validate_employer_profile(const nlohmann::json& profile, const core::CodeLists& codes);
Status validate_agreement_content(const nlohmann::json& content);

// The render input (api/render-input.schema.json) for an agreement that has a snapshot (it
// entered review). Signed agreements carry their serial and signing time; others render as
// previews. `college_name` is the printed name of the student's college.
Result<nlohmann::json> render_input(const Agreement& agreement, const SchoolProfile& school,
                                    const std::string& college_name);

}  // namespace sanfang::workflow
