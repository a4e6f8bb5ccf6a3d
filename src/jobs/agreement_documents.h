// The renderer's view of a stored agreement, shared by single downloads (api/documents), print
// jobs and `sanfang doctor`: the render input assembled from the agreement's snapshot, the
// school's profile and the printed name of the student's college, checked by the field rules.
// Also the workflow's print check (workflow::PrintCheck) implemented with the render core.
#pragma once

#include "core/code_lists.h"
#include "core/result.h"
#include "jobs/render_pool.h"
#include "render/document.h"
#include "store/store.h"
#include "workflow/agreement_document.h"
#include "workflow/entities.h"

#include <string>
#include <vector>

namespace sanfang::jobs {

// The school's profile as documents print it now: `configured` (the 丙方 block of the
// configuration) with the public address stored with the data, so that every process prints the
// same QR URL; a store that has none yet keeps `configured.public_base`.
Result<workflow::SchoolProfile> school_profile(store::Store& store, const workflow::SchoolProfile& configured);

// The document carries `school.public_base` as the base of its QR codes' URL.
Result<render::AgreementDocument> agreement_document(const workflow::Agreement& agreement,
                                                     const workflow::SchoolProfile& school,
                                                     const std::string& college_name,
                                                     const core::CodeLists& codes);

// workflow::PrintCheck on a render pool: each check runs Renderer::check_value on a render thread
// (Pango is thread-confined) as interactive work and waits for it. Trade-off: a save waits behind
// the interactive renders queued before it, and while a print job runs, at most one slice of it,
// instead of keeping a Pango font map (tens of megabytes) per I/O thread. The detail of an error
// is prefixed with the field's name on the form ("姓名：字体无法显示字符 U+9FFF").
class RendererPrintCheck final : public workflow::PrintCheck {
 public:
  explicit RendererPrintCheck(RenderPool& pool) : m_pool(pool) {}
  Status check(std::string_view path, std::string_view printed, std::string_view field) const override;

 private:
  RenderPool& m_pool;
};

// What `sanfang doctor` finds wrong with one signed agreement.
struct DocumentProblem {
  std::int64_t agreement_id = 0;
  std::string serial;
  std::string problem;  // English, for operators: "stored document missing", "field student.name: ..."
};

struct DocumentAudit {
  int agreements_checked = 0;
  std::vector<DocumentProblem> problems;
};

// Re-checks every agreement that carries a serial (signed, termination requested, terminated):
// its stored document is recorded, its file is present and its bytes hash to the recorded
// sha256, and its content still passes the field rules. Errors only when the store cannot be read.
Result<DocumentAudit> audit_signed_documents(store::Store& store, const workflow::SchoolProfile& school,
                                             const core::CodeLists& codes);

}  // namespace sanfang::jobs
