// Who may see what (SPEC "Bad input": a record outside the caller's scope answers as if it did not
// exist). Every route that reads or acts on a record asks here first and answers 404 when the
// answer is no — never 403, 409 or the record's state, which would tell that it exists.
//
// The agreement scope is one value (AgreementScope) used two ways: as a predicate on one
// agreement and, by the store, as the filter of a listing, so that what a list shows and what a
// read allows cannot drift apart. The narrower views of an agreement (history, attachments,
// documents) are that scope further narrowed by role. Pure functions: no HTTP, no SQL.
#pragma once

#include "workflow/entities.h"

#include <optional>
#include <string>

namespace sanfang::workflow {

// The agreements an actor may see, as filters; unset members do not narrow. `none` is the empty
// scope (the service itself, which reads through other paths).
struct AgreementScope {
  bool none = false;
  std::optional<std::string> student_no;
  std::optional<std::int64_t> employer_id;
  std::optional<AgreementOrigin> origin;
  std::optional<std::string> college_code;
  bool exclude_drafts = false;              // a draft is private to its originator
  bool exclude_unsent_invitations = false;  // a student sees an invitation once it was sent

  bool contains(const Agreement& agreement) const;
};

// Students see their own agreements (an employer's invitation once it was sent), an employer HR
// account its own unit's invitations in every state, a college reviewer their college's once
// they left draft, the school, the portal and the print room every agreement past draft.
AgreementScope agreement_scope(const Actor& actor);

// What of a visible agreement is being looked at.
enum class AgreementView {
  Record,       // the agreement itself, and every action on it
  History,      // the audit trail: the parties and the reviewers, not the portal or print room
  Attachments,  // uploaded proof and termination material: the parties and the reviewers
  Document,     // its PDF and page images: the student; the inviting employer while the
                // invitation is out (a preview of what the student is asked to accept); the
                // reviewers and the portal once it reached review
};

bool may_see(const Actor& actor, const Agreement& agreement, AgreementView view = AgreementView::Record);

// A student's record and source info (生源信息): the student, reviewers of their college, the
// school.
bool may_see_student(const Actor& actor, const Student& student);

// Listing students (a college's 生源核查 queue, the school's lookup): the reviewers of a college
// list their college's students, the school every student; nobody else lists students (`none`).
// The same people as may_see_student, so that a listed student can always be opened.
struct StudentListScope {
  bool none = true;
  std::optional<std::string> college_code;
};
StudentListScope student_list_scope(const Actor& actor);

// The employer library (单位库) and its units: every role that picks or reviews employers —
// students, employer HR accounts, college reviewers and the school.
bool may_see_employers(const Actor& actor);

// Signed agreements looked up by serial, with their PDFs: the portal and the print room.
bool may_see_by_serial(const Actor& actor);

// Print jobs, their files and their lists: the print room and the school.
bool may_see_print_jobs(const Actor& actor);

// The employment office's statistics and exports of agreements: the school over every college, a
// college reviewer over their own (the agreement scope of either); nobody else (nullopt).
std::optional<AgreementScope> office_report_scope(const Actor& actor);

// The log of QR verification checks: the school.
bool may_see_verification_log(const Actor& actor);

// The whole audit log, every entity and actor (GET /api/v1/audit): the school, and its account
// administrator, who answers for what was done to accounts. The parties and the
// reviewers see an agreement's own history instead (AgreementView::History).
bool may_see_audit_log(const Actor& actor);

}  // namespace sanfang::workflow
