#include "workflow/employer_rules.h"

#include "workflow/rule_support.h"

namespace sanfang::workflow {

namespace {

constexpr const char* kEntity = "employer";
constexpr const char* kLegalProfileMembers[] = {"nature"};

const char* vetting_state(bool vetted) { return vetted ? "vetted" : "unvetted"; }

bool legal_identity_changed(const Employer& before, const Employer& after) {
  if (before.name != after.name || before.uscc != after.uscc) return true;
  for (const char* member : kLegalProfileMembers) {
    const auto was = before.profile.find(member);
    const auto is = after.profile.find(member);
    const bool had = was != before.profile.end();
    const bool has = is != after.profile.end();
    if (had != has || (had && *was != *is)) return true;
  }
  return false;
}

}  // namespace

Result<EmployerChange> vet_employer(const Employer& current, const Actor& actor, Timestamp now) {
  if (actor.role != Role::School)
    return Error::make(ErrorKind::Forbidden, "只有学校就业指导服务中心可以审核单位库");
  if (current.vetted) return Error::make(ErrorKind::Conflict, "该单位已在单位库中", "vetted");
  EmployerChange change{current, {}};
  change.employer.vetted = true;
  change.events.push_back(detail::make_event(kEntity, std::to_string(current.id), "vet", actor, now,
                                             vetting_state(false), vetting_state(true)));
  return change;
}

Result<EmployerChange> unvet_employer(const Employer& current, const Actor& actor, std::string_view reason,
                                      Timestamp now) {
  if (actor.role != Role::School)
    return Error::make(ErrorKind::Forbidden, "只有学校就业指导服务中心可以审核单位库");
  if (!current.vetted) return Error::make(ErrorKind::Conflict, "该单位尚未通过审核", "vetted");
  if (reason.empty()) return Error::invalid("reason", "请填写撤销审核的原因");
  EmployerChange change{current, {}};
  change.employer.vetted = false;
  change.events.push_back(detail::make_event(kEntity, std::to_string(current.id), "unvet", actor, now,
                                             vetting_state(true), vetting_state(false), std::string(reason)));
  return change;
}

Result<EmployerChange> edit_employer(const Employer& current, const Actor& actor, const Employer& edited,
                                     Timestamp now) {
  const bool own_unit = actor.role == Role::Employer && actor.employer_id == current.id;
  if (!own_unit && actor.role != Role::School)
    return Error::make(ErrorKind::Forbidden, "只有本单位的账户和学校就业指导服务中心可以修改单位信息");
  if (edited.name == current.name && edited.uscc == current.uscc && edited.profile == current.profile)
    return Error::make(ErrorKind::Conflict, "单位信息没有变化", "employer");
  EmployerChange change{current, {}};
  change.employer.name = edited.name;
  change.employer.uscc = edited.uscc;
  change.employer.profile = edited.profile;
  // The school checked the unit as it was: the unit's own change of who it is must be checked again.
  if (own_unit && current.vetted && legal_identity_changed(current, edited)) change.employer.vetted = false;
  change.events.push_back(detail::make_event(kEntity, std::to_string(current.id), "edit", actor, now,
                                             vetting_state(current.vetted), vetting_state(change.employer.vetted)));
  return change;
}

}  // namespace sanfang::workflow
