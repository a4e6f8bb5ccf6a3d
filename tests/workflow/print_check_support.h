// The workflow's print check as the service runs it: jobs::RendererPrintCheck over a render pool
// with the project's fonts and default layout (one render thread, made once per test binary).
#pragma once

#include "core/code_lists.h"
#include "workflow/agreement_document.h"

namespace sanfang::testing {

const workflow::PrintCheck& print_check();
const core::CodeLists& code_lists();

}  // namespace sanfang::testing
