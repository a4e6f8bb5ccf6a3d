// The renderer's view of a stored agreement, shared by single downloads (api/documents) and
// print jobs: the render input assembled from the agreement's snapshot, the school's profile and
// the printed name of the student's college, checked against the code lists.
#pragma once

#include "core/code_lists.h"
#include "core/result.h"
#include "render/document.h"
#include "workflow/agreement_document.h"
#include "workflow/entities.h"

#include <string>

namespace sanfang::jobs {

Result<render::AgreementDocument> agreement_document(const workflow::Agreement& agreement,
                                                     const workflow::SchoolProfile& school,
                                                     const std::string& college_name,
                                                     const core::CodeLists& codes);

}  // namespace sanfang::jobs
