#include "store/invitation_expiry.h"

#include <algorithm>

namespace sanfang::store {

Result<ExpirySweep> expire_due_invitations(AgreementStore& store, const workflow::WorkflowOptions& options,
                                           workflow::Timestamp now) {
  const auto invited = TRY(store.agreements_in_state(workflow::AgreementState::Invited));
  ExpirySweep sweep;
  for (std::int64_t id : workflow::expired_invitations(invited, options, now)) {
    const auto found = std::find_if(invited.begin(), invited.end(),
                                    [id](const workflow::Agreement& a) { return a.id == id; });
    const auto change = TRY(workflow::expire_invitation(*found, options, now));
    auto applied = store.apply_agreement_change(change, found->version);
    if (applied.ok()) {
      ++sweep.expired;
    } else if (applied.error().kind == ErrorKind::Conflict) {
      ++sweep.lost_to_answer;
    } else {
      return applied.take_error();
    }
  }
  return sweep;
}

}  // namespace sanfang::store
