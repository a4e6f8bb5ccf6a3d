// Who may do what to an account besides its owner (SPEC "Accounts"). A student who lost the
// password asks the college or the school, who set a temporary one that must be changed at the
// next login; every session the student had ends with it (a reset is also how a stolen session
// is ended), and the reset is recorded in the audit log as the reviewer's action.
#pragma once

#include "core/result.h"
#include "workflow/entities.h"

namespace sanfang::workflow {

// The reviewers of the student's college and the school reset a student's password; for anyone
// else the student does not exist (NotFound naming student_no, as workflow/visibility.h answers).
// The audit event of the reset ("account", the account's id, "password.reset").
Result<AuditEvent> reset_student_password(const Actor& actor, const Account& account, const Student& student,
                                          Timestamp now);

}  // namespace sanfang::workflow
