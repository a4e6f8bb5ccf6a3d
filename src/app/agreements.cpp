#include "app/agreements.h"

#include "core/field_labels.h"
#include "workflow/agreement_document.h"
#include "workflow/agreement_rules.h"
#include "workflow/limits.h"
#include "workflow/print_job.h"

#include <algorithm>
#include <utility>

namespace sanfang::app {

namespace {

using nlohmann::json;
using workflow::Actor;
using workflow::Agreement;
using workflow::AgreementChange;
using workflow::Role;

// The terms as sent, checked member by member; errors name the member under "content".
Status check_content(const Context& context, const json& content) {
  auto valid = workflow::validate_agreement_content(content, context.codes, context.print_check);
  if (valid) return {};
  Error error = valid.take_error();
  if (error.field != "content") error.field = "content." + error.field;
  return error;
}

Result<workflow::Parties> parties_of(const Context& context, const Agreement& agreement) {
  return context.store.parties_for(agreement.student_no, agreement.employer_id, agreement.id);
}

// Stores the change; the last approval signs, and its document is made in the same decision.
Result<Agreement> store_change(const Context& context, const AgreementChange& change, std::int64_t expected_version) {
  const bool signs = change.agreement.state == workflow::AgreementState::Signed && !change.agreement.serial;
  if (signs) return sign_agreement(context, change, expected_version);
  return context.store.apply_agreement_change(change, expected_version);
}

// One lifecycle action on a visible agreement: `rule` returns the change (or the refusal), which
// is stored with the version that was read.
template <typename Rule>
Result<Agreement> act(const Context& context, const Actor& actor, std::int64_t id, Rule&& rule) {
  const Agreement agreement = TRY(visible_agreement(context, actor, id));
  const AgreementChange change = TRY(rule(agreement));
  return store_change(context, change, agreement.version);
}

// SPEC: termination material (release letter 解约函, acceptance letter 接收函) is the student's own
// to upload, to a signed agreement; it is referenced by the termination request afterwards.
Status may_upload_termination_material(const Actor& actor, workflow::AttachmentPurpose purpose) {
  if (actor.role != Role::Student) return Error::make(ErrorKind::Forbidden, "只有毕业生本人可以上传解约材料");
  if (purpose == workflow::AttachmentPurpose::Proof)
    return Error::invalid("purpose", "已签约的协议只能上传解约材料：解约函、接收函或其他");
  return {};
}

}  // namespace

Status may_create_agreement(const Actor& actor) {
  if (actor.role == Role::Employer) {
    if (actor.employer_id == 0)
      return Error::make(ErrorKind::Forbidden, "请先登记本单位信息");
    return {};
  }
  if (actor.role == Role::Student) return {};
  return Error::make(ErrorKind::Forbidden, "只有用人单位或毕业生可以创建协议");
}

Result<Agreement> create_agreement(const Context& context, const Actor& actor, NewAgreement input) {
  TRY(may_create_agreement(actor));
  if (actor.role == Role::Student && !input.employer_id)
    return core::required_member("employer_id", "请从单位库中选择用人单位");
  TRY(check_content(context, input.content));
  const auto now = context.now();
  AgreementChange change;
  if (actor.role == Role::Employer) {
    const auto parties = TRY(context.store.parties_for(input.student_no, actor.employer_id, 0));
    change = TRY(workflow::create_invitation(actor, parties, std::move(input.content), now));
  } else {
    const auto parties = TRY(context.store.parties_for(actor.student_no, *input.employer_id, 0));
    change = TRY(workflow::create_student_initiated(actor, parties, std::move(input.content), now));
  }
  return context.store.insert_agreement(change);
}

namespace {

// The narrower of the scope's value and the filter's; nullopt and `conflict` set when both are
// set and differ (nothing can match).
template <typename T>
std::optional<T> narrower(const std::optional<T>& scope, const std::optional<T>& filter, bool& conflict) {
  if (scope && filter && *scope != *filter) conflict = true;
  return scope ? scope : filter;
}

}  // namespace

namespace {

// The store query of a filtered list as the actor sees it; nullopt when nothing can match (a
// filter outside the actor's scope).
Result<std::optional<store::AgreementQuery>> visible_query(const Actor& actor, const AgreementFilter& filter) {
  const workflow::SigningWindow window = TRY(workflow::signing_window(filter.signed_from, filter.signed_to));
  // The visibility rule's scope as the query's filter, so that paging counts visible rows only.
  const workflow::AgreementScope scope = workflow::agreement_scope(actor);
  bool outside_scope = scope.none;
  store::AgreementQuery query;
  query.student_no = narrower(scope.student_no, filter.student_no, outside_scope);
  query.college_code = narrower(scope.college_code, filter.college, outside_scope);
  query.state = filter.state;
  if (filter.waiting_for_me) {
    const workflow::AwaitedWork work = workflow::awaited_work(actor);
    outside_scope = outside_scope || (!work.review_level && !work.agreement_state);
    query.state = narrower(work.agreement_state, filter.state, outside_scope);
    query.awaiting_review_at = work.review_level;
  }
  if (outside_scope) return std::optional<store::AgreementQuery>();
  query.employer_id = scope.employer_id;
  query.origin = scope.origin;
  query.exclude_drafts = scope.exclude_drafts;
  query.exclude_unsent_invitations = scope.exclude_unsent_invitations;
  query.serial = filter.serial;
  query.major = filter.major;
  query.name_fragment = filter.name_fragment;
  query.signed_from = window.from;
  query.signed_until = window.until;
  query.order = filter.order;
  query.limit = filter.limit;
  query.offset = filter.offset;
  return std::optional<store::AgreementQuery>(std::move(query));
}

}  // namespace

Result<AgreementPage> list_agreements(const Context& context, const Actor& actor, const AgreementFilter& filter) {
  const auto query = TRY(visible_query(actor, filter));
  if (!query) return AgreementPage{};
  AgreementPage page;
  page.items = TRY(context.store.list_agreements(*query));
  page.total = TRY(context.store.count_agreements(*query));
  return page;
}

Result<std::int64_t> count_agreements(const Context& context, const Actor& actor, const AgreementFilter& filter) {
  const auto query = TRY(visible_query(actor, filter));
  if (!query) return std::int64_t{0};
  return context.store.count_agreements(*query);
}

Result<Agreement> visible_agreement(const Context& context, const Actor& actor, std::int64_t id,
                                    workflow::AgreementView view) {
  auto agreement = context.store.agreement(id);
  if (!agreement && agreement.error().kind != ErrorKind::NotFound) return agreement.take_error();
  if (!agreement || !workflow::may_see(actor, *agreement, view)) return Error::make(ErrorKind::NotFound, "协议不存在");
  return agreement;
}

Result<Agreement> printable_agreement(const Context& context, const Actor& actor, std::int64_t id) {
  const Agreement agreement = TRY(visible_agreement(context, actor, id, workflow::AgreementView::Document));
  if (agreement.snapshot.is_object()) return agreement;
  const auto parties = TRY(parties_of(context, agreement));
  return workflow::as_it_will_print(agreement, parties, context.now());
}

Result<AgreementDetails> agreement_details(const Context& context, const Actor& actor, std::int64_t id) {
  AgreementDetails details{TRY(visible_agreement(context, actor, id)), std::nullopt};
  if (details.agreement.state == workflow::AgreementState::TerminationRequested)
    details.termination = TRY(context.store.pending_termination(id));
  return details;
}

Result<std::vector<store::AuditRecord>> agreement_history(const Context& context, const Actor& actor, std::int64_t id) {
  const Agreement agreement = TRY(visible_agreement(context, actor, id, workflow::AgreementView::History));
  return context.store.audit_trail("agreement", std::to_string(agreement.id));
}

Result<Agreement> edit_agreement(const Context& context, const Actor& actor, std::int64_t id, json content,
                                 std::int64_t version) {
  const Agreement agreement = TRY(visible_agreement(context, actor, id));
  TRY(check_content(context, content));
  const AgreementChange change = TRY(workflow::edit_content(agreement, actor, std::move(content), context.workflow, context.now()));
  // The editor's version is the one checked: an edit made on a stale page loses.
  return store_change(context, change, version);
}

Result<Agreement> send_invitation(const Context& context, const Actor& actor, std::int64_t id) {
  return act(context, actor, id, [&](const Agreement& a) -> Result<AgreementChange> {
    return workflow::send_invitation(a, actor, TRY(parties_of(context, a)), context.now());
  });
}

Result<Agreement> accept_invitation(const Context& context, const Actor& actor, std::int64_t id,
                                    std::int64_t seen_version) {
  return act(context, actor, id, [&](const Agreement& a) -> Result<AgreementChange> {
    AgreementChange change =
        TRY(workflow::accept_invitation(a, actor, TRY(parties_of(context, a)), context.workflow, context.now()));
    TRY(workflow::require_invitation_as_seen(a, seen_version));
    return change;
  });
}

Result<Agreement> return_invitation(const Context& context, const Actor& actor, std::int64_t id,
                                    std::string_view reason) {
  return act(context, actor, id, [&](const Agreement& a) {
    return workflow::return_invitation(a, actor, reason, context.workflow, context.now());
  });
}

Result<Agreement> withdraw_agreement(const Context& context, const Actor& actor, std::int64_t id) {
  return act(context, actor, id, [&](const Agreement& a) { return workflow::withdraw(a, actor, context.now()); });
}

Result<Agreement> submit_agreement(const Context& context, const Actor& actor, std::int64_t id) {
  return act(context, actor, id, [&](const Agreement& a) -> Result<AgreementChange> {
    return workflow::submit_for_review(a, actor, TRY(parties_of(context, a)), context.workflow, context.now());
  });
}

Result<Agreement> review_agreement(const Context& context, const Actor& actor, std::int64_t id,
                                   workflow::ReviewDecision decision, std::string_view reason) {
  return act(context, actor, id, [&](const Agreement& a) {
    return workflow::review_agreement(a, actor, decision, reason, context.now());
  });
}

Result<Agreement> sign_agreement(const Context& context, const AgreementChange& change, std::int64_t expected_version) {
  if (!context.make_signed_document) return context.store.apply_agreement_change(change, expected_version);
  std::optional<Agreement> signed_agreement;
  TRY(context.store.in_one_transaction([&]() -> Status {
    Agreement applied = TRY(context.store.apply_agreement_change(change, expected_version));
    TRY(context.make_signed_document(applied));
    signed_agreement = std::move(applied);
    return {};
  }));
  return std::move(*signed_agreement);
}

Result<UploadedAttachment> upload_attachment(const Context& context, const Actor& actor, std::int64_t id,
                                             const Upload& upload) {
  const Agreement agreement = TRY(visible_agreement(context, actor, id));
  TRY(workflow::check_attachment_limit(static_cast<int>(TRY(context.store.uploads_of(id)).size())));
  if (!context.check_upload) return Error::make(ErrorKind::Internal, "no upload check configured");
  const auto media_type = TRY(context.check_upload(upload.bytes, upload.declared_type));
  const workflow::Attachment described{{}, media_type, static_cast<std::int64_t>(upload.bytes.size()), upload.purpose};
  const bool signed_agreement = agreement.state == workflow::AgreementState::Signed;
  // Asked before anything is written, so a refused upload stores nothing.
  if (signed_agreement)
    TRY(may_upload_termination_material(actor, upload.purpose));
  else
    TRY(workflow::add_attachment(agreement, actor, described, context.now()));
  const workflow::Attachment stored = TRY(context.store.store_attachment(upload.bytes, upload.purpose));
  UploadedAttachment result{{}, agreement};
  if (!signed_agreement) {
    const AgreementChange change = TRY(workflow::add_attachment(agreement, actor, stored, context.now()));
    result.agreement = TRY(context.store.apply_agreement_change(change, agreement.version));
  }
  result.upload = TRY(context.store.record_upload(id, actor.account_id, stored, context.now()));
  return result;
}

Result<std::vector<store::AgreementUpload>> agreement_uploads(const Context& context, const Actor& actor,
                                                              std::int64_t id) {
  TRY(visible_agreement(context, actor, id, workflow::AgreementView::Attachments));
  return context.store.uploads_of(id);
}

Result<store::AgreementUpload> agreement_upload(const Context& context, const Actor& actor, std::int64_t id,
                                                std::int64_t upload_id) {
  for (store::AgreementUpload& upload : TRY(agreement_uploads(context, actor, id)))
    if (upload.id == upload_id) return std::move(upload);
  return Error::make(ErrorKind::NotFound, "该协议没有这个附件", "attachment_id");
}

Result<Agreement> request_termination(const Context& context, const Actor& actor, std::int64_t id,
                                      std::string_view explanation, const std::vector<std::int64_t>& attachment_ids) {
  const Agreement agreement = TRY(visible_agreement(context, actor, id));
  const auto uploads = TRY(context.store.uploads_of(id));
  std::vector<workflow::Attachment> material;
  for (std::size_t i = 0; i < attachment_ids.size(); ++i) {
    const auto found = std::find_if(uploads.begin(), uploads.end(),
                                    [&](const store::AgreementUpload& u) { return u.id == attachment_ids[i]; });
    if (found == uploads.end())
      return Error::invalid("attachment_ids[" + std::to_string(i) + "]", "该协议没有这个附件");
    material.push_back(found->attachment);
  }
  const auto parties = TRY(parties_of(context, agreement));
  const AgreementChange change = TRY(workflow::request_termination(agreement, actor, parties, explanation,
                                                                   std::move(material), context.workflow, context.now()));
  return store_change(context, change, agreement.version);
}

Result<Agreement> review_termination(const Context& context, const Actor& actor, std::int64_t id,
                                     workflow::ReviewDecision decision, std::string_view reason) {
  return act(context, actor, id, [&](const Agreement& a) -> Result<AgreementChange> {
    // Not awaiting a termination review: the rule answers with the current state (Conflict).
    if (a.state != workflow::AgreementState::TerminationRequested)
      return workflow::review_termination(a, workflow::TerminationRequest{}, actor, decision, reason, context.now());
    const auto pending = TRY(context.store.pending_termination(a.id));
    return workflow::review_termination(a, pending, actor, decision, reason, context.now());
  });
}

}  // namespace sanfang::app
