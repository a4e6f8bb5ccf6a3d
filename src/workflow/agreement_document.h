// The agreement as a document: which stored data fills which field of the printed form.
//
// The parties edit three kinds of data, each with a fixed shape checked here when it is saved
// (unknown members and wrong types here; formats, dates, codes and text policy by the field-rule
// table of core/field_rules.h; fonts and fit by the PrintCheck below — InvalidInput,
// FontCoverage or Overflow errors naming the member, e.g. "contact.mobile"):
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
#include <string_view>

namespace sanfang::workflow {

// The school's own block of the form (丙方), from configuration. The defaults are the fictional
// school of the samples and the demo (陇原理工大学): a real school sets every member.
struct SchoolProfile {
  std::string name = "陇原理工大学";
  std::string code = "10731";  // 院校代码
  std::string department = "就业指导服务中心";
  std::string address = "甘肃省兰州市安宁区陇原大道88号";
  std::string postcode = "730070";
  std::string contact = "就业指导服务中心";
  std::string phone = "0931-7652000";
  // The base of the verification URL in QR codes (workflow/public_address.h): the address stored
  // with the data once the service first started; the configured one before that.
  std::string public_base;
};

// What only the renderer can tell about a value that will be printed: whether the font chain
// covers every character and whether it fits its box(es) on the form. Asked for every value when
// it is saved, so that a value the workflow accepts always renders; implemented with the render
// core (jobs::RendererPrintCheck), so this module knows nothing of fonts or layouts.
class PrintCheck {
 public:
  virtual ~PrintCheck() = default;
  // `path` is the render-input path ("student.name"), `printed` the value as it is printed (code
  // labels, dates in 年月日), `field` the caller's name for it. FontCoverage or Overflow naming
  // `field`, with a detail that names the field as the form does.
  virtual Status check(std::string_view path, std::string_view printed, std::string_view field) const = 0;
};

// The checks on save. Each value passes its field rule (core/field_rules.h) and the print check;
// the first failure is returned, naming the member as the request does ("basic.birth_date",
// "job.position"). Nothing is changed by a caller that stops at an error.
//
// Source info of `student` (whose resident ID the birth date must match).
Status validate_source_sections(const SourceSections& sections, const Student& student,
                                const core::CodeLists& codes, const PrintCheck& print);
// An employer as registered: name, credit code and profile ("name", "uscc", "profile.phone").
Status validate_employer(std::string_view name, std::string_view uscc, const nlohmann::json& profile,
                         const core::CodeLists& codes, const PrintCheck& print);
// Agreement terms ("job.position", "remarks", ...).
Status validate_agreement_content(const nlohmann::json& content, const core::CodeLists& codes,
                                  const PrintCheck& print);
// An imported student record and the name of their college, errors naming the import's columns
// (name, id_number, gender, student_no, major, college_name).
Status validate_student_record(const Student& student, std::string_view college_name,
                               const core::CodeLists& codes, const PrintCheck& print);

// The render input (api/render-input.schema.json) for an agreement that has a snapshot (it
// entered review). Signed agreements carry their serial and signing time; others render as
// previews. `college_name` is the printed name of the student's college.
Result<nlohmann::json> render_input(const Agreement& agreement, const SchoolProfile& school,
                                    const std::string& college_name);

}  // namespace sanfang::workflow
