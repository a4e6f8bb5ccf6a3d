// The employer library 单位库 as use cases (SPEC roles and rules): search and read for those who
// may see the library (workflow/visibility.h), registration of a unit by its HR account (which
// is bound to it) or by a student or the school, and the school's vetting.
#pragma once

#include "app/context.h"
#include "core/result.h"
#include "workflow/entities.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
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

// The school withdraws its vetting, with a reason kept in the audit log.
Result<workflow::Employer> unvet_employer(const Context& context, const workflow::Actor& actor, std::int64_t id,
                                          std::string_view reason);

// The unit's own HR account or the school replaces the unit's name, code and profile (validated
// as at registration). The unit's own change of its legal identity puts a vetted unit back to
// pending (workflow/employer_rules.h). Conflict when the unit changed since `expected_version`.
Result<workflow::Employer> edit_employer(const Context& context, const workflow::Actor& actor, std::int64_t id,
                                         const NewEmployer& edited, std::int64_t expected_version);

// A unit onboards itself: an HR account and its unit, pending until the school vets it, made
// together or not at all. The password must pass the password policy and the captcha must be
// solved (app/sign_in.h); the captcha is checked after everything else, so that a form with a
// mistake in it does not use up the captcha its sender solved. Conflict naming username or uscc
// when taken.
struct EmployerSignUp {
  std::string username;
  std::string password;
  NewEmployer unit;
  std::optional<std::string> captcha_id;
  std::optional<std::string> captcha_answer;
};
struct SignedUpEmployer {
  workflow::Account account;
  workflow::Employer employer;
};
Result<SignedUpEmployer> sign_up_employer(const Context& context, const EmployerSignUp& sign_up);

}  // namespace sanfang::app
