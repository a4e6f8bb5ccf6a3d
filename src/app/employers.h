// The employer library 单位库 as use cases (SPEC roles and rules): search and read for those who
// may see the library (workflow/visibility.h), registration of a unit by its HR account (which
// is bound to it) or by a student or the school, and the school's vetting.
#pragma once

#include "app/context.h"
#include "core/result.h"
#include "workflow/entities.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sanfang::app {

// Units whose name contains `name_part`, vetted first; InvalidInput naming q for a search text
// that is not plain text or longer than 64 characters.
Result<std::vector<workflow::Employer>> search_employers(const Context& context, const workflow::Actor& actor,
                                                         std::string_view name_part, int limit);

Result<workflow::Employer> visible_employer(const Context& context, const workflow::Actor& actor, std::int64_t id);

// Only employer HR accounts not yet bound to a unit, students and the school register units
// (Forbidden / Conflict otherwise). Asked by register_employer(), and by callers that must know
// before they read input.
Status may_register_employer(const workflow::Actor& actor);

struct NewEmployer {
  std::string name;
  std::string uscc;
  nlohmann::json profile;  // every member the agreement prints of the unit
};

// A new, unvetted unit; an HR account registering its own unit is bound to it.
Result<workflow::Employer> register_employer(const Context& context, const workflow::Actor& actor,
                                             const NewEmployer& input);

// The school admits a unit to the library (marked 云); only vetted units may invite.
Result<workflow::Employer> vet_employer(const Context& context, const workflow::Actor& actor, std::int64_t id);

}  // namespace sanfang::app
