#include "workflow/uniqueness_rules.h"

namespace sanfang::workflow {

Error student_has_live_agreement() {
  return Error::make(ErrorKind::Conflict, "该学生已有有效协议", "student_no");
}

Error employer_invitation_still_open() {
  return Error::make(ErrorKind::Conflict, "本单位已向该学生发出邀约且尚未结束，不能重复邀约", "student_no");
}

Error termination_already_used() {
  // SPEC: one termination per student, ever (the seed: "每位学生仅有一次解约机会").
  return Error::make(ErrorKind::Conflict, "每位毕业生仅有一次解约机会，你已使用过，不能再次申请解约",
                     "student_no");
}

Error signed_agreement_is_final() { return Error::make(ErrorKind::Conflict, "已签约的协议不能修改", "state"); }

Error employer_already_registered() {
  return Error::make(ErrorKind::Conflict, "该统一社会信用代码的单位已存在", "uscc");
}

Error username_taken() { return Error::make(ErrorKind::Conflict, "用户名已被使用", "username"); }

Error agreement_changed_meanwhile(AgreementState current) {
  return Error::make(ErrorKind::Conflict,
                     std::string("协议已被他人修改，当前状态为“") + chinese_label(current) + "”，请刷新后重试",
                     "version");
}

}  // namespace sanfang::workflow
