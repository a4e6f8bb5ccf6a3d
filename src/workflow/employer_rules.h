// The employer library 单位库 as pure rules (SPEC roles and rules): the school's vetting, which
// admits a unit (marked 云; only vetted units may invite), and edits of a unit's profile by its
// own HR account or by the school.
//
// A unit's legal identity — name, unified social credit code and nature (单位性质) — is what the
// school checked when it vetted the unit. An edit by the unit that changes any of them puts a
// vetted unit back to pending (unvetted) until the school looks again; contact details, address
// and the rest change freely. The school's own edits keep the unit vetted. The school may also
// withdraw a vetting (un-vet) with a reason, for a unit found to be unreliable. Error kinds as in
// agreement_rules.h.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "workflow/entities.h"

namespace sanfang::workflow {

struct EmployerChange {
  Employer employer;
  std::vector<AuditEvent> events;
};

// The school admits a unit to the employer library (marked 云); only vetted units may invite.
Result<EmployerChange> vet_employer(const Employer& current, const Actor& actor, Timestamp now);

// The school withdraws its vetting; `reason` (required) is kept in the audit log.
Result<EmployerChange> unvet_employer(const Employer& current, const Actor& actor, std::string_view reason,
                                      Timestamp now);

// The unit's own HR account or the school edits it: `edited` is the whole new unit (name, uscc,
// profile), already validated by the caller. Forbidden for anyone else who may see the library;
// Conflict naming the unit when nothing changes.
Result<EmployerChange> edit_employer(const Employer& current, const Actor& actor, const Employer& edited,
                                     Timestamp now);

}  // namespace sanfang::workflow
