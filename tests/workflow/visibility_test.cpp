// The visibility rule as a pure function: the agreement scope used for reads is the same value the
// store filters listings with, and the narrower views of an agreement.
#include "workflow/visibility.h"

#include <catch2/catch.hpp>

namespace sanfang::workflow {
namespace {

Agreement invitation(AgreementState state, bool sent) {
  Agreement a;
  a.id = 7;
  a.origin = AgreementOrigin::Invitation;
  a.state = state;
  a.student_no = "2026001";
  a.employer_id = 3;
  a.college_code = "CS";
  if (sent) a.sent_at = from_unix_seconds(1'780'000'000);
  return a;
}

TEST_CASE("an unsent invitation is its employer's alone", "[workflow][visibility]") {
  const Agreement draft = invitation(AgreementState::Draft, false);
  CHECK(may_see({Role::Employer, 1, "", 3, ""}, draft));
  CHECK_FALSE(may_see({Role::Employer, 1, "", 4, ""}, draft));
  CHECK_FALSE(may_see({Role::Student, 2, "2026001", 0, ""}, draft));
  CHECK_FALSE(may_see({Role::College, 3, "", 0, "CS"}, draft));
  CHECK_FALSE(may_see({Role::School, 4, "", 0, ""}, draft));
  CHECK_FALSE(may_see(Actor::system(), draft));
}

TEST_CASE("the narrower views of an agreement: history, attachments, documents", "[workflow][visibility]") {
  const Agreement sent = invitation(AgreementState::InReview, true);
  const Actor portal{Role::Portal, 1, "", 0, ""}, print{Role::Print, 2, "", 0, ""}, employer{Role::Employer, 3, "", 3, ""};
  CHECK(may_see(portal, sent));
  CHECK_FALSE(may_see(portal, sent, AgreementView::History));
  CHECK_FALSE(may_see(portal, sent, AgreementView::Attachments));
  CHECK(may_see(portal, sent, AgreementView::Document));
  CHECK_FALSE(may_see(print, sent, AgreementView::Document));
  CHECK(may_see(employer, sent, AgreementView::History));
  CHECK_FALSE(may_see(employer, sent, AgreementView::Document));
  // An account without its scope set sees nothing rather than everything.
  CHECK_FALSE(may_see({Role::College, 5, "", 0, ""}, sent));
  CHECK_FALSE(may_see({Role::Student, 6, "", 0, ""}, sent));
}

}  // namespace
}  // namespace sanfang::workflow
