#include "workflow/account_rules.h"

#include "workflow/rule_support.h"
#include "workflow/visibility.h"

namespace sanfang::workflow {

Result<AuditEvent> reset_student_password(const Actor& actor, const Account& account, const Student& student,
                                          Timestamp now) {
  const bool reviewer = actor.role == Role::College || actor.role == Role::School;
  if (!reviewer || !may_see_student(actor, student) || account.role != Role::Student ||
      account.student_no != student.student_no)
    return Error::make(ErrorKind::NotFound, "学生不存在", "student_no");
  return detail::make_event("account", std::to_string(account.id), "password.reset", actor, now, "", "");
}

}  // namespace sanfang::workflow
