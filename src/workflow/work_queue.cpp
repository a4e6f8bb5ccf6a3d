#include "workflow/work_queue.h"

namespace sanfang::workflow {

AwaitedWork awaited_work(const Actor& actor) {
  AwaitedWork work;
  switch (actor.role) {
    case Role::Student: work.agreement_state = AgreementState::Invited; break;
    case Role::Employer: work.agreement_state = AgreementState::Returned; break;
    case Role::College:
      work.review_level = ReviewLevel::College;
      work.source_infos = true;
      break;
    case Role::School:
      work.review_level = ReviewLevel::School;
      break;
    case Role::Print:
    case Role::Portal:
    case Role::Admin:
    case Role::System: break;
  }
  return work;
}

std::optional<ReviewLevel> pending_review_level(const Agreement& agreement) {
  if (agreement.state != AgreementState::InReview || agreement.review_step >= agreement.review_chain.size())
    return std::nullopt;
  return agreement.review_chain[agreement.review_step];
}

}  // namespace sanfang::workflow
