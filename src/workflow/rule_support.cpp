#include "workflow/rule_support.h"

namespace sanfang::workflow::detail {

AuditEvent make_event(std::string entity, std::string entity_id, std::string action,
                      const Actor& actor, Timestamp at, std::string from_state,
                      std::string to_state, std::string reason) {
  return AuditEvent{std::move(entity), std::move(entity_id), std::move(action), actor.account_id,
                    actor.role,        at,                     std::move(from_state),
                    std::move(to_state), std::move(reason)};
}

Error agreement_in_wrong_state(AgreementState current, std::string_view action_label) {
  return Error::make(ErrorKind::Conflict,
                     std::string("协议当前状态为“") + chinese_label(current) + "”，不能" + std::string(action_label),
                     "state");
}

}  // namespace sanfang::workflow::detail
