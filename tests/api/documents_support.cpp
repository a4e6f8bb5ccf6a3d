#include "documents_support.h"
#include "../support/sample_employer.h"

#include "api/documents.h"

#include "workflow/agreement_rules.h"
#include "workflow/source_info_rules.h"

#include <cairo.h>

#include <memory>

namespace sanfang::testing {

namespace {

using workflow::Actor;
using workflow::Role;

Actor college_reviewer() { return {Role::College, 0, "", 0, "CS"}; }
Actor school_reviewer() { return {Role::School, 0, "", 0, ""}; }
Actor student(const std::string& student_no) { return {Role::Student, 0, student_no, 0, ""}; }

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// A real (decodable) PNG image, as scanned letters are.
std::string letter_png() {
  std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> surface(
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, 40, 30), &cairo_surface_destroy);
  std::string png;
  REQUIRE(cairo_surface_write_to_png_stream(surface.get(), append, &png) == CAIRO_STATUS_SUCCESS);
  return png;
}

}  // namespace

DocumentsWorld::DocumentsWorld(api::App& app) : m_app(app) {
  require_ok(app.store->put_college({"CS", "计算机与通信学院"}));
  const workflow::Employer unit = testing::sample_vetted_employer();
  employer_id = require_ok(app.store->insert_employer(unit)).id;
}

void DocumentsWorld::add_verified_student(const std::string& student_no, const std::string& name) {
  const auto now = m_app.clock->now();
  require_ok(m_app.store->put_student(
      {student_no, name, "620102200305010032", "男", "CS", "计算机科学与技术", "本科", 2026}));
  workflow::SourceSections sections;
  sections.basic = {{"ethnicity", "01"}, {"political_status", "03"}, {"birth_date", "2003-05-01"}};
  sections.contact = {{"mobile", "13912345678"}, {"email", "student@example.com"}, {"home_address", "甘肃省兰州市城关区东岗西路100号"}};
  sections.enrolment = {{"education_level", "21"}, {"length_of_schooling", "四年"}, {"training_mode", "1"}};
  sections.archive = {{"origin_region", "620100"}};
  auto info = require_ok(m_app.store->source_info(student_no));
  info = require_ok(m_app.store->apply_source_info_change(
      require_ok(workflow::edit_source_info(info, student(student_no), sections, now)), info.version));
  info = require_ok(m_app.store->apply_source_info_change(
      require_ok(workflow::submit_source_info(info, student(student_no), now)), info.version));
  info = require_ok(m_app.store->apply_source_info_change(
      require_ok(workflow::review_source_info(info, college_reviewer(), workflow::ReviewDecision::Approve, "", now)),
      info.version));
}

workflow::Agreement DocumentsWorld::apply(Result<workflow::AgreementChange> change, const workflow::Agreement& before) {
  return require_ok(m_app.store->apply_agreement_change(require_ok(std::move(change)), before.version));
}

workflow::Agreement DocumentsWorld::invited(const std::string& student_no) {
  const auto now = m_app.clock->now();
  const Actor employer{Role::Employer, 0, "", employer_id, ""};
  const nlohmann::json content = {
      {"job", {{"position", "软件开发工程师"}, {"location", "兰州市"}, {"salary", "月薪 8000 元"}}},
      {"archive", {{"unit", "甘肃省人才交流中心"}, {"postcode", "730030"}}},
      {"remarks", "违约金 5000 元。"},
      {"employer_opinion", "同意录用。"}};
  auto parties = require_ok(m_app.store->parties_for(student_no, employer_id, 0));
  auto draft = require_ok(m_app.store->insert_agreement(
      require_ok(workflow::create_invitation(employer, parties, content, now))));
  auto invited = apply(workflow::send_invitation(draft, employer,
                                                 require_ok(m_app.store->parties_for(student_no, employer_id, draft.id)), now),
                       draft);
  return invited;
}

workflow::Agreement DocumentsWorld::in_review(const std::string& student_no) {
  const auto now = m_app.clock->now();
  const workflow::Agreement invited = this->invited(student_no);
  return apply(workflow::accept_invitation(invited, student(student_no),
                                           require_ok(m_app.store->parties_for(student_no, employer_id, invited.id)),
                                           m_app.workflow, now),
               invited);
}

workflow::Agreement DocumentsWorld::sign(const workflow::Agreement& in_review) {
  const auto now = m_app.clock->now();
  auto approved = apply(workflow::review_agreement(in_review, college_reviewer(), workflow::ReviewDecision::Approve, "", now),
                        in_review);
  auto signed_agreement = require_ok(api::sign_agreement(
      m_app, require_ok(workflow::review_agreement(approved, school_reviewer(), workflow::ReviewDecision::Approve, "", now)),
      approved.version));
  REQUIRE(signed_agreement.state == workflow::AgreementState::Signed);
  return signed_agreement;
}

workflow::Agreement DocumentsWorld::terminate(const workflow::Agreement& signed_agreement) {
  const auto now = m_app.clock->now();
  const std::string png = letter_png();
  std::vector<workflow::Attachment> material{
      require_ok(m_app.store->store_attachment(png, workflow::AttachmentPurpose::ReleaseLetter)),
      require_ok(m_app.store->store_attachment(png, workflow::AttachmentPurpose::AcceptanceLetter))};
  auto parties = require_ok(
      m_app.store->parties_for(signed_agreement.student_no, signed_agreement.employer_id, signed_agreement.id));
  auto requested = apply(workflow::request_termination(signed_agreement, student(signed_agreement.student_no), parties,
                                                       "已与原单位协商一致解约", material, m_app.workflow, now),
                         signed_agreement);
  for (const Actor& reviewer : {college_reviewer(), school_reviewer()}) {
    auto pending = require_ok(m_app.store->pending_termination(requested.id));
    requested = apply(workflow::review_termination(requested, pending, reviewer, workflow::ReviewDecision::Approve, "", now),
                      requested);
  }
  REQUIRE(requested.state == workflow::AgreementState::Terminated);
  return requested;
}

std::string DocumentsWorld::token(Role role, const std::string& scope) {
  store::NewAccount account;
  account.username = std::string(workflow::to_string(role)) + "-" + std::to_string(++m_accounts);
  account.password = "Demo-Passw0rd";
  account.role = role;
  if (role == Role::Student) account.student_no = scope;
  if (role == Role::College) account.college_code = scope;
  if (role == Role::Employer) account.employer_id = employer_id;
  const auto created = require_ok(m_app.store->create_account(account, m_app.clock->now()));
  return require_ok(m_app.store->create_session(created.id, m_app.clock->now()));
}

}  // namespace sanfang::testing
