// What every use case works with: the store, the clock, the workflow configuration, the checks a
// saved value must pass, and the two things only the outer layers can do — make a signed PDF and
// recognise an uploaded file. The HTTP layer builds one per request from its App (so a test that
// swaps App::make_signed_document is seen at once); the CLI builds one over its own store.
//
// Trade-off: references rather than owned copies, so a Context is cheap to build per request but
// must not outlive what it refers to.
#pragma once

#include "core/code_lists.h"
#include "core/result.h"
#include "jobs/print_runner.h"
#include "store/store.h"
#include "workflow/agreement_document.h"
#include "workflow/agreement_rules.h"
#include "workflow/clock.h"
#include "workflow/entities.h"

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace sanfang::app {

struct Context {
  store::Store& store;
  const workflow::Clock& clock;
  const workflow::WorkflowOptions& workflow;
  const core::CodeLists& codes;
  // Fonts and fit of every value saved (jobs::RendererPrintCheck).
  const workflow::PrintCheck& print_check;
  // Renders and stores the PDF of an agreement being signed, inside the signing transaction and
  // with the serial just allocated, so that an error leaves the agreement unsigned. Empty where
  // documents are made on their first download instead (api::signed_document): the bulk load of
  // `sanfang bench-seed`, which would otherwise spend its time rendering.
  std::function<Status(const workflow::Agreement&)> make_signed_document;
  // The media type of uploaded bytes, decided from the bytes (`declared_type` is what the uploader
  // claimed, if anything); an error when they are not an acceptable image or PDF
  // (api/upload_check.h). Empty: uploads are refused.
  std::function<Result<workflow::MediaType>(std::string_view bytes, const std::optional<std::string>& declared_type)>
      check_upload;
  // The layout's copy numbers: what a print job may ask for.
  std::span<const int> copy_numbers;
  // The queue that runs print jobs in the background; null where none runs in this process.
  jobs::PrintRunner* prints = nullptr;

  workflow::Timestamp now() const { return clock.now(); }
};

// NotFound unless `visible` (a decision of workflow/visibility.h): for resources that are wholly
// out of some callers' scope (the employer library, print jobs, the verification log, documents
// by serial), which answer as an address that does not exist.
inline Status require_visible(bool visible) {
  if (!visible) return Error::make(ErrorKind::NotFound, "没有这个地址");
  return {};
}

}  // namespace sanfang::app
