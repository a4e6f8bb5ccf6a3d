#include "jobs/agreement_documents.h"

namespace sanfang::jobs {

Result<render::AgreementDocument> agreement_document(const workflow::Agreement& agreement,
                                                     const workflow::SchoolProfile& school,
                                                     const std::string& college_name,
                                                     const core::CodeLists& codes) {
  const nlohmann::json input = TRY(workflow::render_input(agreement, school, college_name));
  return render::make_document(input, codes);
}

}  // namespace sanfang::jobs
