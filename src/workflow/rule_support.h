// Small pieces shared by the rule files of this folder; not part of the workflow's public API.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "workflow/entities.h"

namespace sanfang::workflow::detail {

AuditEvent make_event(std::string entity, std::string entity_id, std::string action,
                      const Actor& actor, Timestamp at, std::string from_state,
                      std::string to_state, std::string reason = {});

// Conflict naming the current state, e.g. “协议当前状态为“已签约”，不能应约”.
Error agreement_in_wrong_state(AgreementState current, std::string_view action_label);

}  // namespace sanfang::workflow::detail
