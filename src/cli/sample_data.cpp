#include "cli/sample_data.h"

#include "core/validate.h"
#include "workflow/source_info_rules.h"

#include <cstdio>

namespace sanfang::cli {

using workflow::Actor;
using workflow::Role;

Status prepare_sample_folder(const std::filesystem::path& dir, const std::string& marker, const std::string& command) {
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec) || std::filesystem::is_empty(dir, ec)) return {};
  if (!std::filesystem::exists(dir / marker))
    return Error::invalid("--data", dir.string() + " is not empty and not a previous " + command + " folder; " +
                                        command + " needs a fresh folder");
  std::printf("sanfang %s: replacing the previous %s data in %s\n", command.c_str(), command.c_str(), dir.c_str());
  std::filesystem::remove_all(dir, ec);
  if (ec) return Error::make(ErrorKind::Io, "cannot remove " + dir.string() + ": " + ec.message());
  return {};
}

std::string resident_id(const std::string& seventeen_digits) {
  return seventeen_digits + core::iso7064_mod11_2(seventeen_digits);
}

workflow::SourceSections sample_source_sections(const std::string& student_no, const std::string& id_base) {
  workflow::SourceSections sections;
  sections.basic = {{"ethnicity", "01"},
                    {"political_status", "03"},
                    {"birth_date", id_base.substr(6, 4) + "-" + id_base.substr(10, 2) + "-" + id_base.substr(12, 2)}};
  sections.contact = {{"mobile", "13912345678"}, {"email", student_no + "@stu.example.edu.cn"},
                      {"home_address", "甘肃省兰州市城关区东岗西路100号"}};
  sections.enrolment = {{"education_level", "21"}, {"length_of_schooling", "四年"}, {"training_mode", "1"}};
  sections.archive = {{"origin_region", "620100"}};
  return sections;
}

nlohmann::json sample_agreement_content() {
  return {{"job", {{"position", "软件开发工程师"}, {"location", "兰州市"}, {"salary", "月薪 8000 元，年终奖另计"},
                   {"probation", "3 个月"}, {"contract_term", "3 年"}}},
          {"archive", {{"unit", "甘肃省人才交流中心"}, {"address", "甘肃省兰州市城关区南昌路 1688 号"}, {"postcode", "730030"}}},
          {"hukou", {{"address", "甘肃省兰州市安宁区"}}},
          {"remarks", "违约金：任何一方违约，向守约方支付违约金人民币 5000 元。"},
          {"employer_opinion", "同意录用。"}};
}

Status submit_sample_source_info(store::Store& store, const workflow::Student& student, const std::string& id_base,
                                 workflow::Timestamp now) {
  const Actor as_student{Role::Student, 0, student.student_no, 0, ""};
  auto info = TRY(store.source_info(student.student_no));
  info = TRY(store.apply_source_info_change(
      TRY(workflow::edit_source_info(info, as_student, sample_source_sections(student.student_no, id_base), now)),
      info.version));
  TRY(store.apply_source_info_change(TRY(workflow::submit_source_info(info, as_student, now)), info.version));
  return {};
}

Status approve_source_info(store::Store& store, const workflow::Student& student, workflow::Timestamp now) {
  const Actor reviewer{Role::College, 0, "", 0, student.college_code};
  const auto info = TRY(store.source_info(student.student_no));
  TRY(store.apply_source_info_change(
      TRY(workflow::review_source_info(info, reviewer, workflow::ReviewDecision::Approve, "", now)), info.version));
  return {};
}

Result<workflow::Agreement> sign_invitation(store::Store& store, const workflow::WorkflowOptions& options,
                                            const workflow::Employer& employer, const workflow::Student& student,
                                            workflow::Timestamp now) {
  const Actor hr{Role::Employer, 0, "", employer.id, ""};
  const Actor as_student{Role::Student, 0, student.student_no, 0, ""};
  const Actor college{Role::College, 0, "", 0, student.college_code};
  const Actor school{Role::School, 0, "", 0, ""};
  auto apply = [&](Result<workflow::AgreementChange> change,
                   const workflow::Agreement& before) -> Result<workflow::Agreement> {
    if (!change) return change.take_error();
    return store.apply_agreement_change(change.value(), before.version);
  };
  auto parties = [&](std::int64_t agreement_id) -> Result<workflow::Parties> { return store.parties_for(student.student_no, employer.id, agreement_id); };
  workflow::Agreement a = TRY(store.insert_agreement(
      TRY(workflow::create_invitation(hr, TRY(parties(0)), sample_agreement_content(), now))));
  a = TRY(apply(workflow::send_invitation(a, hr, TRY(parties(a.id)), now), a));
  a = TRY(apply(workflow::accept_invitation(a, as_student, TRY(parties(a.id)), options, now), a));
  a = TRY(apply(workflow::review_agreement(a, college, workflow::ReviewDecision::Approve, "", now), a));
  return apply(workflow::review_agreement(a, school, workflow::ReviewDecision::Approve, "", now), a);
}

}  // namespace sanfang::cli
