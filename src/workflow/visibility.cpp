#include "workflow/visibility.h"

namespace sanfang::workflow {

namespace {

// Reviewers and the portal look at an agreement's documents once it was handed to review: an
// invitation still between the employer and the student is none of their business yet.
bool reached_review(AgreementState state) {
  switch (state) {
    case AgreementState::Draft:
    case AgreementState::Invited:
    case AgreementState::Returned:
    case AgreementState::Expired:
    case AgreementState::Withdrawn: return false;
    case AgreementState::Accepted:
    case AgreementState::InReview:
    case AgreementState::Signed:
    case AgreementState::Rejected:
    case AgreementState::TerminationRequested:
    case AgreementState::Terminated: return true;
  }
  return false;
}

}  // namespace

bool AgreementScope::contains(const Agreement& a) const {
  if (none) return false;
  if (student_no && *student_no != a.student_no) return false;
  if (employer_id && *employer_id != a.employer_id) return false;
  if (origin && *origin != a.origin) return false;
  if (college_code && *college_code != a.college_code) return false;
  if (exclude_drafts && a.state == AgreementState::Draft) return false;
  if (exclude_unsent_invitations && a.origin == AgreementOrigin::Invitation && !a.sent_at) return false;
  return true;
}

AgreementScope agreement_scope(const Actor& actor) {
  AgreementScope scope;
  switch (actor.role) {
    case Role::Student:
      scope.student_no = actor.student_no;
      scope.exclude_unsent_invitations = true;
      scope.none = actor.student_no.empty();
      break;
    case Role::Employer:
      // An HR account that has not registered its unit yet has no agreements.
      scope.employer_id = actor.employer_id;
      scope.origin = AgreementOrigin::Invitation;
      scope.none = actor.employer_id == 0;
      break;
    case Role::College:
      scope.college_code = actor.college_code;
      scope.exclude_drafts = true;
      scope.none = actor.college_code.empty();
      break;
    case Role::School:
    case Role::Portal:
    case Role::Print: scope.exclude_drafts = true; break;
    case Role::Admin:
    case Role::System: scope.none = true; break;
  }
  return scope;
}

bool may_see(const Actor& actor, const Agreement& agreement, AgreementView view) {
  if (!agreement_scope(actor).contains(agreement)) return false;
  const Role role = actor.role;
  switch (view) {
    case AgreementView::Record: return true;
    case AgreementView::History:
    case AgreementView::Attachments: return role != Role::Portal && role != Role::Print;
    case AgreementView::Document:
      if (role == Role::Student) return true;
      // The inviting employer previews what the student is asked to accept; the signed copies
      // reach the employer on paper, as before.
      if (role == Role::Employer) return agreement.state == AgreementState::Invited;
      return (role == Role::College || role == Role::School || role == Role::Portal) && reached_review(agreement.state);
  }
  return false;
}

bool may_see_student(const Actor& actor, const Student& student) {
  switch (actor.role) {
    case Role::Student: return !actor.student_no.empty() && actor.student_no == student.student_no;
    case Role::College: return !actor.college_code.empty() && actor.college_code == student.college_code;
    case Role::School: return true;
    default: return false;
  }
}

StudentListScope student_list_scope(const Actor& actor) {
  StudentListScope scope;
  switch (actor.role) {
    case Role::College:
      scope.none = actor.college_code.empty();
      scope.college_code = actor.college_code;
      break;
    case Role::School: scope.none = false; break;
    default: break;
  }
  return scope;
}

bool may_see_employers(const Actor& actor) {
  const Role role = actor.role;
  return role == Role::Student || role == Role::Employer || role == Role::College || role == Role::School;
}

bool may_see_by_serial(const Actor& actor) { return actor.role == Role::Portal || actor.role == Role::Print; }

bool may_see_print_jobs(const Actor& actor) { return actor.role == Role::Print || actor.role == Role::School; }

std::optional<AgreementScope> office_report_scope(const Actor& actor) {
  if (actor.role != Role::School && actor.role != Role::College) return std::nullopt;
  const AgreementScope scope = agreement_scope(actor);
  if (scope.none) return std::nullopt;
  return scope;
}

bool may_see_verification_log(const Actor& actor) { return actor.role == Role::School; }

bool may_see_audit_log(const Actor& actor) { return actor.role == Role::School || actor.role == Role::Admin; }

}  // namespace sanfang::workflow
