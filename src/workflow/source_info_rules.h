// 生源核查 as pure rules (SPEC "Source-info verification"): draft → submitted → verified |
// rejected(reason); a rejected or verified record can be edited (back to draft) and submitted again.
// Error kinds as in agreement_rules.h.
#pragma once

#include <string_view>
#include <vector>

#include "core/result.h"
#include "workflow/entities.h"

namespace sanfang::workflow {

struct SourceInfoChange {
  SourceInfo source_info;
  std::vector<AuditEvent> events;
};

// The student edits their own record. Editing a verified record withdraws the verification: the
// changed data has not been checked, so the student cannot accept invitations until it is again.
Result<SourceInfoChange> edit_source_info(const SourceInfo& current, const Actor& actor,
                                          SourceSections sections, Timestamp now);

// The student submits for review: draft | rejected → submitted. Every section must be filled in.
Result<SourceInfoChange> submit_source_info(const SourceInfo& current, const Actor& actor,
                                            Timestamp now);

// A reviewer of the student's college decides: submitted → verified | rejected (reason required).
Result<SourceInfoChange> review_source_info(const SourceInfo& current, const Actor& actor,
                                            ReviewDecision decision, std::string_view reason,
                                            Timestamp now);

}  // namespace sanfang::workflow
