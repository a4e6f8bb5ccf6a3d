// What waits on whom: the "waiting for me" list of each person who acts in the workflow. Each
// reviewer's agreements are those whose review (or termination review) waits at their level, by
// the chain the agreement entered review with; a student's are invitations to answer; an employer
// HR account's are invitations the student returned. The lists are further narrowed by the
// actor's visibility scope (workflow/visibility.h), so a college reviewer sees only their college.
// Pure functions: no HTTP, no SQL.
#pragma once

#include "workflow/entities.h"

#include <optional>

namespace sanfang::workflow {

struct AwaitedWork {
  // Agreements in review, and agreements whose termination is in review, waiting at this level.
  std::optional<ReviewLevel> review_level;
  // Agreements in this state wait on the actor.
  std::optional<AgreementState> agreement_state;
  bool source_infos = false;  // submitted 生源核查 of the actor's college (its reviewers verify them)
};

AwaitedWork awaited_work(const Actor& actor);

// The level at which the agreement's review (in_review) waits now; none in any other state.
std::optional<ReviewLevel> pending_review_level(const Agreement& agreement);

}  // namespace sanfang::workflow
