// The sweeper's single pass (SPEC: "expiry happens on time whether or not anyone is looking").
// The server runs it on a timer with the system clock; tests call it with a ManualClock's time.
// Independent of any store implementation: it uses only the agreements area and workflow rules.
#pragma once

#include "core/result.h"
#include "store/agreement_store.h"
#include "workflow/agreement_rules.h"

namespace sanfang::store {

struct ExpirySweep {
  int expired = 0;
  int lost_to_answer = 0;  // the student answered between the read and the update: theirs wins
};

Result<ExpirySweep> expire_due_invitations(AgreementStore& store, const workflow::WorkflowOptions& options,
                                           workflow::Timestamp now);

}  // namespace sanfang::store
