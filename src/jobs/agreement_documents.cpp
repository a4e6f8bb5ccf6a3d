#include "jobs/agreement_documents.h"

#include "core/field_rules.h"
#include "store/secrets.h"

#include <future>
#include <memory>

namespace sanfang::jobs {

namespace {

constexpr workflow::AgreementState kStatesWithSerial[] = {workflow::AgreementState::Signed,
                                                          workflow::AgreementState::TerminationRequested,
                                                          workflow::AgreementState::Terminated};

}  // namespace

Result<render::AgreementDocument> agreement_document(const workflow::Agreement& agreement,
                                                     const workflow::SchoolProfile& school,
                                                     const std::string& college_name,
                                                     const core::CodeLists& codes) {
  const nlohmann::json input = TRY(workflow::render_input(agreement, school, college_name));
  render::AgreementDocument document = TRY(render::make_document(input, codes));
  document.public_base = school.public_base;
  return document;
}

Result<workflow::SchoolProfile> school_profile(store::Store& store, const workflow::SchoolProfile& configured) {
  workflow::SchoolProfile school = configured;
  if (auto stored = TRY(store.public_base())) school.public_base = std::move(*stored);
  return school;
}

Status RendererPrintCheck::check(std::string_view path, std::string_view printed, std::string_view field) const {
  auto outcome = std::make_shared<std::promise<Status>>();
  auto done = outcome->get_future();
  m_pool.submit([outcome, path = std::string(path), printed = std::string(printed),
                 field = std::string(field)](render::Renderer& renderer) {
    outcome->set_value(renderer.check_value(path, printed, field));
  });
  Status status = done.get();
  if (status.ok()) return status;
  Error error = status.take_error();
  if (const core::FieldRule* rule = core::field_rule(path)) error.message = std::string(rule->label) + "：" + error.message;
  return error;
}

Result<DocumentAudit> audit_signed_documents(store::Store& store, const workflow::SchoolProfile& school,
                                             const core::CodeLists& codes) {
  DocumentAudit audit;
  for (workflow::AgreementState state : kStatesWithSerial) {
    for (const workflow::Agreement& agreement : TRY(store.agreements_in_state(state))) {
      ++audit.agreements_checked;
      const std::string serial = agreement.serial.value_or("");
      auto report = [&](std::string problem) {
        audit.problems.push_back({agreement.id, serial, std::move(problem)});
      };
      auto record = store.signed_document(agreement.id);
      if (!record) {
        if (record.error().kind != ErrorKind::NotFound) return record.take_error();
        report("no stored document");
      } else if (auto bytes = store.blob_bytes(record->sha256); !bytes) {
        report("stored document file missing or unreadable (" + record->sha256 + ")");
      } else if (const std::string actual = store::sha256_hex(*bytes); actual != record->sha256) {
        report("stored document bytes do not match the recorded hash (recorded " + record->sha256 + ", file " +
               actual + ")");
      }
      auto college = store.college_name(agreement.college_code);
      if (!college) {
        report("college " + agreement.college_code + " not found");
        continue;
      }
      if (auto document = agreement_document(agreement, school, *college, codes); !document) {
        report("content fails the field rules: " + document.error().describe());
      }
    }
  }
  return audit;
}

}  // namespace sanfang::jobs
