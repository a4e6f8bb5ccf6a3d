// The agreement lifecycle of SPEC.md as pure functions: current state + actor + input in, the
// new state and its audit events out, or an Error. Nothing here reads a clock, a database or a
// request; the caller loads what a rule needs (Parties), calls the rule, and hands the change to
// the store, whose version check makes exactly one of two concurrent actions win.
//
// Error kinds, so that the HTTP layer can map them once:
//   Conflict      the agreement is in the wrong state for the action (the message names the
//                 current state), or a rule about other records forbids it (second live agreement,
//                 second termination, second open invitation, source info not verified, expired).
//   Forbidden     the actor's role may never do this (a reviewer "accepting" for a student, an
//                 unvetted employer inviting, a school reviewer at the college step).
//   NotFound      the actor has the right role but the record is outside their scope (another
//                 student's, another employer's, another college's): SPEC "Bad input" wants 404
//                 so that existence does not leak.
//   InvalidInput  a required input is missing (reason, explanation, proof, material).
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "workflow/entities.h"
#include "workflow/print_job.h"

namespace sanfang::workflow {

// SPEC: "The review chain is configuration". A chain names each level at most once, the college
// before the school (the school's approval is the university's last word, so nothing may follow
// it): college → school, school only, or college only — the permitted chains.
// check_review_chain: InvalidInput naming `field` for any other. An agreement keeps the chain it
// entered review with, so a changed configuration only applies to agreements that enter review
// afterwards.
std::span<const ReviewChain> permitted_review_chains();
Status check_review_chain(const ReviewChain& chain, std::string_view field);

struct WorkflowOptions {
  // SPEC: "The review chain is configuration; default: college then school for both origins."
  ReviewChain invitation_review_chain{ReviewLevel::College, ReviewLevel::School};
  ReviewChain student_initiated_review_chain{ReviewLevel::College, ReviewLevel::School};
  // SPEC: termination is approved by the college, then the school.
  ReviewChain termination_review_chain{ReviewLevel::College, ReviewLevel::School};
  // SPEC: an invitation expires 14 days after it was (last) sent.
  std::chrono::seconds invitation_lifetime = std::chrono::days{14};
  // SPEC "Print room": the most agreements in one part of a print job (workflow/print_job.h).
  int print_part_limit = kDefaultPartLimit;
};

// What the rules need to know beyond the agreement itself, read by the caller in the same
// snapshot. The store also enforces the cross-record rules with unique indexes, so a race between
// two agreements of one student still ends with one winner.
struct Parties {
  Student student;
  SourceInfo source_info;
  Employer employer;
  bool student_has_other_live_agreement = false;   // some other agreement of the student is live
  bool student_has_used_termination = false;      // a termination is pending or was approved
  bool employer_has_other_open_invitation = false; // same employer, same student, still open
};

// The outcome of one action. `termination` is set when the action creates or decides a
// termination request; `events` go to the audit log in the same transaction.
struct AgreementChange {
  Agreement agreement;
  std::optional<TerminationRequest> termination;
  std::vector<AuditEvent> events;
};

// An employer's HR account drafts an invitation to a student (origin invitation, state draft).
Result<AgreementChange> create_invitation(const Actor& actor, const Parties& parties,
                                          nlohmann::json content, Timestamp now);

// A student drafts a signing they initiate themselves (origin student_initiated, state draft).
Result<AgreementChange> create_student_initiated(const Actor& actor, const Parties& parties,
                                                 nlohmann::json content, Timestamp now);

// The originator changes the terms while the agreement is a draft, returned or rejected, and the
// employer also while its invitation is out with the student (invited): the student then has to
// look again, since an acceptance names the version it saw (require_invitation_as_seen). An edit
// is not a sending, so it does not restart the 14-day expiry (SPEC: "expires 14 days after it
// was (last) sent"); otherwise an employer could keep an invitation open for ever by editing it.
Result<AgreementChange> edit_content(const Agreement& agreement, const Actor& actor,
                                     nlohmann::json content, const WorkflowOptions& options,
                                     Timestamp now);

// The originator attaches a stored file (proof 接收函 for a student-initiated signing).
Result<AgreementChange> add_attachment(const Agreement& agreement, const Actor& actor,
                                       const Attachment& attachment, Timestamp now);

// draft | returned | rejected → invited; restarts the 14-day expiry.
Result<AgreementChange> send_invitation(const Agreement& agreement, const Actor& actor,
                                        const Parties& parties, Timestamp now);

// The originator gives up: draft | invited | returned | rejected → withdrawn (terminal).
Result<AgreementChange> withdraw(const Agreement& agreement, const Actor& actor, Timestamp now);

// The student 应约: invited → accepted → in_review in one step (the seed: "学生应约或发起后，
// 等待学校管理员审核"), taking the snapshot and fixing the review chain.
Result<AgreementChange> accept_invitation(const Agreement& agreement, const Actor& actor,
                                          const Parties& parties, const WorkflowOptions& options,
                                          Timestamp now);

// The student accepts what they saw: `seen_version` is the version of the invitation they read.
// Conflict naming "version" when the employer edited it since, so that nobody agrees to terms
// they have not seen.
Status require_invitation_as_seen(const Agreement& agreement, std::int64_t seen_version);

// The agreement as it will print, for its preview: once it entered review, with the snapshot it
// took then; while an invitation is out with the student (invited), with the snapshot accepting
// it would take at `now` — the student's source info and the employer as they are — so that both
// parties see exactly what the student is asked to accept. Conflict naming "state" for anything
// else (nothing printable yet, e.g. a draft or a returned invitation).
Result<Agreement> as_it_will_print(const Agreement& agreement, const Parties& parties, Timestamp now);

// The student 打回 with a reason: invited → returned.
Result<AgreementChange> return_invitation(const Agreement& agreement, const Actor& actor,
                                          std::string_view reason, const WorkflowOptions& options,
                                          Timestamp now);

// The student submits a signing they initiated: draft | rejected → in_review (proof required).
Result<AgreementChange> submit_for_review(const Agreement& agreement, const Actor& actor,
                                          const Parties& parties, const WorkflowOptions& options,
                                          Timestamp now);

// The reviewer whose turn it is approves (the last approval → signed; the store then assigns the
// serial in the same transaction) or rejects with a reason (→ rejected).
Result<AgreementChange> review_agreement(const Agreement& agreement, const Actor& actor,
                                         ReviewDecision decision, std::string_view reason,
                                         Timestamp now);

// When an invitation in state invited stops being answerable; nullopt for anything else.
std::optional<Timestamp> invitation_expires_at(const Agreement& agreement,
                                               const WorkflowOptions& options);

// The ids of the invitations that are due to expire at `now` (the sweeper's work list).
std::vector<std::int64_t> expired_invitations(std::span<const Agreement> agreements,
                                              const WorkflowOptions& options, Timestamp now);

// invited → expired, performed by the system once the 14 days are over.
Result<AgreementChange> expire_invitation(const Agreement& agreement, const WorkflowOptions& options,
                                          Timestamp now);

// The student 申请解约: signed → termination_requested, with an explanation, the original
// employer's release letter and the new employer's acceptance letter (images).
Result<AgreementChange> request_termination(const Agreement& agreement, const Actor& actor,
                                            const Parties& parties, std::string_view explanation,
                                            std::vector<Attachment> material,
                                            const WorkflowOptions& options, Timestamp now);

// The reviewer whose turn it is decides on the pending termination. The last approval →
// terminated (the student may sign again); a rejection at any level → back to signed.
Result<AgreementChange> review_termination(const Agreement& agreement,
                                           const TerminationRequest& termination,
                                           const Actor& actor, ReviewDecision decision,
                                           std::string_view reason, Timestamp now);

}  // namespace sanfang::workflow
