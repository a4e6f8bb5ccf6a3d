// The SPEC's rules that span records — one live agreement per student, one open invitation per
// employer and student, one termination per student, a signed agreement never changes, one unit
// per unified social credit code, one account per user name — and the answer each gives.
//
// The workflow rules refuse on the facts they were given (workflow::Parties); the store holds the
// same rules in its schema, so that two requests that both read stale facts cannot both succeed.
// Both answer with these errors, so a person gets the same words whichever of them caught it.
#pragma once

#include "core/result.h"
#include "workflow/entities.h"

namespace sanfang::workflow {

Error student_has_live_agreement();
Error employer_invitation_still_open();
Error termination_already_used();
Error signed_agreement_is_final();
Error employer_already_registered();
Error username_taken();
// An agreement changed by someone else between this request's read and its write (the version
// check): names the state it is in now, so the person knows what to refresh to.
Error agreement_changed_meanwhile(AgreementState current);

}  // namespace sanfang::workflow
