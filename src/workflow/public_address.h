// The school's public address: the base of the verification URL printed in every QR code (SPEC
// "Serial numbers and verification": public base URL + /V/ + token). One per school, kept with the
// data (store settings), so that every document of an agreement — the signed PDF, every print and
// reprint — carries the same URL whichever instance or port made it. Set on the first start from
// the configuration; after that changed only by an explicit, audited action.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "workflow/entities.h"

namespace sanfang::workflow {

// An absolute http or https URL with a host and without query, fragment, user information,
// white space or control characters; returned without trailing slashes. InvalidInput naming
// `field` otherwise.
Result<std::string> validate_public_base(std::string_view url, std::string_view field = "public_base");

// The audit event of a change (from "" on the first setting): entity "school", entity id
// "public_base", action "set_public_base", old address → new address.
AuditEvent public_base_change(const std::string& old_url, const std::string& new_url, const Actor& by, Timestamp at);

}  // namespace sanfang::workflow
