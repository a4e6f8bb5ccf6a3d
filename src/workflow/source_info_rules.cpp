#include "workflow/source_info_rules.h"

#include <utility>

#include "core/field_rules.h"
#include "workflow/rule_support.h"

namespace sanfang::workflow {
namespace {

constexpr const char* kEntity = "source_info";

Status require_the_student(const SourceInfo& info, const Actor& actor) {
  if (actor.role != Role::Student)
    return Error::make(ErrorKind::Forbidden, "只有毕业生本人可以填写和提交生源信息");
  if (actor.student_no != info.student_no) return Error::make(ErrorKind::NotFound, "学生不存在");
  return {};
}

Error source_info_in_wrong_state(SourceInfoState state, std::string_view action_label) {
  return Error::make(ErrorKind::Conflict,
                     std::string("生源信息当前状态为“") + chinese_label(state) + "”，不能" + std::string(action_label),
                     "state");
}

bool is_filled(const nlohmann::json& section) { return section.is_object() && !section.empty(); }

}  // namespace

Result<SourceInfoChange> edit_source_info(const SourceInfo& current, const Actor& actor,
                                          SourceSections sections, Timestamp now) {
  TRY(require_the_student(current, actor));
  if (current.state == SourceInfoState::Submitted)
    return source_info_in_wrong_state(current.state, "修改（正在审核）");
  SourceInfoChange change{current, {}};
  change.source_info.sections = std::move(sections);
  change.source_info.state = SourceInfoState::Draft;
  change.source_info.updated_at = now;
  change.events.push_back(detail::make_event(kEntity, current.student_no, "edit", actor, now,
                                             to_string(current.state),
                                             to_string(SourceInfoState::Draft)));
  return change;
}

Result<SourceInfoChange> submit_source_info(const SourceInfo& current, const Actor& actor,
                                            Timestamp now) {
  TRY(require_the_student(current, actor));
  if (current.state != SourceInfoState::Draft && current.state != SourceInfoState::Rejected)
    return source_info_in_wrong_state(current.state, "提交");
  const SourceSections& s = current.sections;
  if (!is_filled(s.basic)) return Error::invalid("sections.basic", "请填写基本信息");
  if (!is_filled(s.contact)) return Error::invalid("sections.contact", "请填写联系方式");
  if (!is_filled(s.enrolment)) return Error::invalid("sections.enrolment", "请填写学籍信息");
  if (!is_filled(s.archive)) return Error::invalid("sections.archive", "请填写档案信息");
  SourceInfoChange change{current, {}};
  change.source_info.state = SourceInfoState::Submitted;
  change.source_info.reject_reason.clear();
  change.source_info.updated_at = now;
  change.events.push_back(detail::make_event(kEntity, current.student_no, "submit", actor, now,
                                             to_string(current.state),
                                             to_string(SourceInfoState::Submitted)));
  return change;
}

Result<SourceInfoChange> review_source_info(const SourceInfo& current, const Actor& actor,
                                            ReviewDecision decision, std::string_view reason,
                                            Timestamp now) {
  // SPEC roles: college reviewers review source info of their own college only.
  if (actor.role != Role::College)
    return Error::make(ErrorKind::Forbidden, "生源信息由学院审核");
  if (actor.college_code != current.college_code)
    return Error::make(ErrorKind::NotFound, "学生不存在");
  if (current.state != SourceInfoState::Submitted)
    return source_info_in_wrong_state(current.state, "审核");
  SourceInfoChange change{current, {}};
  change.source_info.updated_at = now;
  if (decision == ReviewDecision::Reject) {
    TRY(core::check_reason(reason, "reason", true, "驳回生源信息必须填写原因"));
    change.source_info.state = SourceInfoState::Rejected;
    change.source_info.reject_reason = std::string(reason);
  } else {
    TRY(core::check_reason(reason, "reason", false, {}));
    change.source_info.state = SourceInfoState::Verified;
  }
  change.events.push_back(detail::make_event(
      kEntity, current.student_no, decision == ReviewDecision::Reject ? "review.reject" : "review.approve",
      actor, now, to_string(current.state), to_string(change.source_info.state),
      std::string(reason)));
  return change;
}

}  // namespace sanfang::workflow
