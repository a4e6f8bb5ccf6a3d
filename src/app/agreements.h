// The agreement lifecycle as use cases (SPEC "Agreement lifecycle"), one function per action of
// a party or reviewer. Every action follows one pattern: read the agreement (NotFound when the
// actor may not see it: workflow/visibility.h), read what the rule needs, run the workflow rule
// (which decides Forbidden / Conflict / InvalidInput), then hand the change to the store with the
// version that was read — so of two concurrent actions exactly one wins and the other gets
// Conflict. The last approval signs, and the signed PDF is made in the same decision.
#pragma once

#include "app/context.h"
#include "core/result.h"
#include "store/store.h"
#include "workflow/entities.h"
#include "workflow/visibility.h"
#include "workflow/work_queue.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sanfang::app {

// Only an employer HR account bound to a unit, or a student, may create an agreement (Forbidden
// otherwise). Asked by create_agreement(), and by callers that must know before they read input.
Status may_create_agreement(const workflow::Actor& actor);

struct NewAgreement {
  std::string student_no;                   // an employer's invitation: the student invited
  std::optional<std::int64_t> employer_id;  // a student's own signing: the unit in the library
  nlohmann::json content = nlohmann::json::object();  // the terms; errors name "content.<member>"
};

// An employer's invitation or a student's own signing, as a draft.
Result<workflow::Agreement> create_agreement(const Context& context, const workflow::Actor& actor,
                                             NewAgreement input);

// What a person searches an agreement list by; unset members do not narrow.
struct AgreementFilter {
  std::optional<workflow::AgreementState> state;
  std::optional<std::string> college;     // college code
  std::optional<std::string> major;
  std::optional<std::string> student_no;
  std::optional<std::string> serial;
  std::optional<std::string> name_fragment;  // of the student's or the employer's name
  std::optional<std::chrono::year_month_day> signed_from, signed_to;  // both days included
  // Only what waits on the actor now (workflow/work_queue.h): the reviews at a reviewer's level,
  // a student's invitations to answer, an employer's returned invitations.
  bool waiting_for_me = false;
  store::AgreementOrder order = store::AgreementOrder::Oldest;
  int limit = 50;
  int offset = 0;
};

struct AgreementPage {
  std::vector<workflow::Agreement> items;
  std::int64_t total = 0;  // every agreement the filter selects for this actor, not only this page
};

// The agreements the actor may see that the filter selects, a page at a time. The visibility
// scope is part of the query, so paging and the total count visible rows only; a filter outside
// the actor's scope (a student naming another student, a reviewer another college) finds nothing.
// InvalidInput naming signed_to when the dates are the wrong way round.
Result<AgreementPage> list_agreements(const Context& context, const workflow::Actor& actor,
                                      const AgreementFilter& filter);
// The same list's total alone (its limit and offset do not matter).
Result<std::int64_t> count_agreements(const Context& context, const workflow::Actor& actor,
                                      const AgreementFilter& filter);

// The agreement with `id` if the actor may see it in `view`; NotFound otherwise.
Result<workflow::Agreement> visible_agreement(const Context& context, const workflow::Actor& actor, std::int64_t id,
                                              workflow::AgreementView view = workflow::AgreementView::Record);

// The agreement as its documents print it (workflow::as_it_will_print), if the actor may see its
// documents: NotFound otherwise; Conflict naming "state" when nothing is printable yet.
Result<workflow::Agreement> printable_agreement(const Context& context, const workflow::Actor& actor,
                                                std::int64_t id);

struct AgreementDetails {
  workflow::Agreement agreement;
  std::optional<workflow::TerminationRequest> termination;  // while a termination is pending
};
Result<AgreementDetails> agreement_details(const Context& context, const workflow::Actor& actor, std::int64_t id);

// The audit trail of a visible agreement, for the parties and the reviewers.
Result<std::vector<store::AuditRecord>> agreement_history(const Context& context, const workflow::Actor& actor,
                                                          std::int64_t id);

// The originator changes the terms (an employer also while its invitation is out with the
// student); `version` is the one the editor read, so an edit made on a stale page loses
// (Conflict). Every edit bumps the version and is recorded in the history ("edit").
Result<workflow::Agreement> edit_agreement(const Context& context, const workflow::Actor& actor, std::int64_t id,
                                           nlohmann::json content, std::int64_t version);

Result<workflow::Agreement> send_invitation(const Context& context, const workflow::Actor& actor, std::int64_t id);
// The student accepts the invitation as they saw it: `seen_version` is the version they read;
// Conflict (naming "version") when the employer edited it since.
Result<workflow::Agreement> accept_invitation(const Context& context, const workflow::Actor& actor, std::int64_t id,
                                              std::int64_t seen_version);
Result<workflow::Agreement> return_invitation(const Context& context, const workflow::Actor& actor, std::int64_t id,
                                              std::string_view reason);
Result<workflow::Agreement> withdraw_agreement(const Context& context, const workflow::Actor& actor, std::int64_t id);
Result<workflow::Agreement> submit_agreement(const Context& context, const workflow::Actor& actor, std::int64_t id);

// College review, then school review; the last approval signs (sign_agreement).
Result<workflow::Agreement> review_agreement(const Context& context, const workflow::Actor& actor, std::int64_t id,
                                             workflow::ReviewDecision decision, std::string_view reason);

// The last approval as one decision: applies `change` (which signs the agreement) and, in the
// same store transaction, makes its PDF with the serial just allocated
// (Context::make_signed_document). If the document cannot be made, nothing is kept: the
// agreement stays in review, no serial is consumed, and the error names the field at fault.
// Trade-off: the store's writer is held for the length of one render (tens of milliseconds) so
// that no signed agreement ever exists without its document.
Result<workflow::Agreement> sign_agreement(const Context& context, const workflow::AgreementChange& change,
                                           std::int64_t expected_version);

struct Upload {
  workflow::AttachmentPurpose purpose = workflow::AttachmentPurpose::Proof;
  std::string_view bytes;
  std::optional<std::string> declared_type;  // the media type the uploader claimed, if any
};

struct UploadedAttachment {
  store::AgreementUpload upload;
  workflow::Agreement agreement;  // as it is after the upload
};

// Proof of a student-initiated signing (the originator, before review), or termination material
// of a signed agreement (the student). A refused upload stores nothing.
Result<UploadedAttachment> upload_attachment(const Context& context, const workflow::Actor& actor, std::int64_t id,
                                             const Upload& upload);

// The files uploaded to an agreement (proof of a student-initiated signing, termination letters),
// oldest first, for whoever may see its attachments (workflow::AgreementView::Attachments: the
// parties and the reviewers in scope); NotFound for anyone else, as if the agreement did not exist.
Result<std::vector<store::AgreementUpload>> agreement_uploads(const Context& context, const workflow::Actor& actor,
                                                              std::int64_t id);
// One of them by the id its upload answered; NotFound when the agreement has no such upload.
Result<store::AgreementUpload> agreement_upload(const Context& context, const workflow::Actor& actor, std::int64_t id,
                                                std::int64_t upload_id);

// The student asks to end a signed agreement. `attachment_ids` name uploads of this agreement
// (release and acceptance letters); an id that does not is InvalidInput naming attachment_ids[i].
Result<workflow::Agreement> request_termination(const Context& context, const workflow::Actor& actor,
                                                std::int64_t id, std::string_view explanation,
                                                const std::vector<std::int64_t>& attachment_ids);

Result<workflow::Agreement> review_termination(const Context& context, const workflow::Actor& actor, std::int64_t id,
                                               workflow::ReviewDecision decision, std::string_view reason);

}  // namespace sanfang::app
