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

TEST_CASE("an invitation's documents are the parties' until it reaches review", "[workflow][visibility]") {
  const Agreement invited = invitation(AgreementState::Invited, true);
  const Actor student{Role::Student, 1, "2026001", 0, ""}, employer{Role::Employer, 2, "", 3, ""};
  CHECK(may_see(student, invited, AgreementView::Document));
  CHECK(may_see(employer, invited, AgreementView::Document));
  CHECK_FALSE(may_see({Role::Student, 3, "2026002", 0, ""}, invited, AgreementView::Document));
  CHECK_FALSE(may_see({Role::Employer, 4, "", 4, ""}, invited, AgreementView::Document));
  for (const Actor& before_their_turn : {Actor{Role::College, 5, "", 0, "CS"}, Actor{Role::School, 6, "", 0, ""},
                                         Actor{Role::Portal, 7, "", 0, ""}}) {
    CHECK(may_see(before_their_turn, invited));
    CHECK_FALSE(may_see(before_their_turn, invited, AgreementView::Document));
    CHECK(may_see(before_their_turn, invitation(AgreementState::InReview, true), AgreementView::Document));
  }
}

TEST_CASE("the office's reports are the school's over every college and a reviewer's over their own",
          "[workflow][visibility]") {
  const auto school = office_report_scope({Role::School, 1, "", 0, ""});
  REQUIRE(school);
  CHECK_FALSE(school->college_code);
  CHECK(school->exclude_drafts);
  const auto college = office_report_scope({Role::College, 2, "", 0, "CS"});
  REQUIRE(college);
  CHECK(college->college_code == "CS");
  CHECK(college->exclude_drafts);
  // A reviewer bound to no college sees no report rather than every college's.
  CHECK_FALSE(office_report_scope({Role::College, 3, "", 0, ""}));
  CHECK_FALSE(office_report_scope({Role::Student, 4, "2026001", 0, ""}));
  CHECK_FALSE(office_report_scope({Role::Employer, 5, "", 3, ""}));
  CHECK_FALSE(office_report_scope({Role::Portal, 6, "", 0, ""}));
  CHECK_FALSE(office_report_scope({Role::Print, 7, "", 0, ""}));
  CHECK_FALSE(office_report_scope(Actor::system()));
}

}  // namespace
}  // namespace sanfang::workflow
