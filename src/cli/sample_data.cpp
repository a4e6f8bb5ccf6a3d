#include "cli/sample_data.h"

#include "app/agreements.h"
#include "app/source_info.h"
#include "core/validate.h"

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

Actor sample_student(const std::string& student_no) { return {Role::Student, 0, student_no, 0, ""}; }
Actor sample_employer(std::int64_t employer_id) { return {Role::Employer, 0, "", employer_id, ""}; }
Actor sample_college_reviewer(const std::string& college_code) { return {Role::College, 0, "", 0, college_code}; }
Actor sample_school() { return {Role::School, 0, "", 0, ""}; }

Actor sample_reviewer(workflow::ReviewLevel level, const std::string& college_code) {
  return level == workflow::ReviewLevel::College ? sample_college_reviewer(college_code) : sample_school();
}

Actor sample_pending_reviewer(const workflow::Agreement& in_review) {
  const auto level = in_review.review_step < in_review.review_chain.size()
                         ? in_review.review_chain[in_review.review_step]
                         : workflow::ReviewLevel::School;
  return sample_reviewer(level, in_review.college_code);
}

Result<workflow::Agreement> approve_through_chain(const app::Context& context, workflow::Agreement in_review) {
  while (in_review.state == workflow::AgreementState::InReview)
    in_review = TRY(app::review_agreement(context, sample_pending_reviewer(in_review), in_review.id,
                                          workflow::ReviewDecision::Approve, ""));
  return in_review;
}

Result<workflow::Agreement> approve_termination_through_chain(const app::Context& context,
                                                              const workflow::Agreement& agreement) {
  const workflow::TerminationRequest termination = TRY(context.store.pending_termination(agreement.id));
  workflow::Agreement current = agreement;
  for (const workflow::ReviewLevel level : termination.review_chain)
    current = TRY(app::review_termination(context, sample_reviewer(level, agreement.college_code), agreement.id,
                                          workflow::ReviewDecision::Approve, ""));
  return current;
}

Status submit_sample_source_info(const app::Context& context, const workflow::Student& student,
                                 const std::string& id_base) {
  const Actor as_student = sample_student(student.student_no);
  const auto current = TRY(app::source_info(context, as_student, student.student_no));
  const auto saved = TRY(app::save_source_info(context, as_student, student.student_no,
                                               sample_source_sections(student.student_no, id_base), current.info.version));
  TRY(app::submit_source_info(context, as_student, student.student_no, saved.info.version));
  return {};
}

Status approve_source_info(const app::Context& context, const workflow::Student& student) {
  TRY(app::review_source_info(context, sample_college_reviewer(student.college_code), student.student_no,
                              workflow::ReviewDecision::Approve, ""));
  return {};
}

Result<workflow::Agreement> sign_invitation(const app::Context& context, const workflow::Employer& employer,
                                            const workflow::Student& student) {
  const Actor hr = sample_employer(employer.id);
  const workflow::Agreement draft =
      TRY(app::create_agreement(context, hr, {student.student_no, std::nullopt, sample_agreement_content()}));
  const workflow::Agreement invited = TRY(app::send_invitation(context, hr, draft.id));
  return approve_through_chain(
      context, TRY(app::accept_invitation(context, sample_student(student.student_no), draft.id, invited.version)));
}

}  // namespace sanfang::cli
