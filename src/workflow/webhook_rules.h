// Webhooks for the portal (SPEC "HTTP API": event subscriptions, HMAC-signed, at-least-once): which
// changes are announced and under which event type, what a subscription may name, who manages
// endpoints, and how long a delivery that keeps failing is retried.
//
// An announced change is an audit event of an agreement or a print job — the log every change
// already writes in its own transaction — so the outbox row is written in that same transaction
// and a change is never announced without having happened, nor happens unannounced. The event type
// is "<entity>.<action>" ("agreement.review.approve.school", "print_job.done"). Agreements still
// in draft are the employer's or the student's own and are not announced: the portal cannot read
// them either (workflow/visibility.h).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "workflow/entities.h"

namespace sanfang::workflow {

// The event types a subscription may name one by one (besides "*" and "agreement.*",
// "print_job.*"), in the order they are documented.
const std::vector<std::string_view>& webhook_event_types();

// The event type of an announced change; nullopt for a change that is not announced.
std::optional<std::string> webhook_event_type(const AuditEvent& event);

// A subscription as saved: 1 to 32 entries, each "*", "agreement.*", "print_job.*" or one of
// webhook_event_types(), sorted with duplicates removed. InvalidInput naming "events" otherwise.
Result<std::vector<std::string>> normalise_webhook_events(const std::vector<std::string>& events);

// Whether an endpoint subscribed to `subscription` (as normalised) receives `event_type`.
bool webhook_subscribes(const std::vector<std::string>& subscription, std::string_view event_type);

// A free description of an endpoint ("招聘门户正式环境"): at most 200 characters, one line.
Status check_webhook_description(std::string_view description);

// Retry with exponential back-off for a day: after the n-th failed attempt the next one is 5 s,
// 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, 8 h and 9 h later (24 h 42 min 35 s in all), so a
// receiver down for a whole day still gets the change; nullopt after the eleventh attempt, when
// the delivery is given up as failed (a replay sends it again).
std::optional<std::chrono::seconds> webhook_retry_delay(int failed_attempts);

// The portal and the school office register, list and remove endpoints and replay deliveries; for
// anyone else the webhook routes do not exist (NotFound, as workflow/visibility.h answers).
Status require_webhook_manager(const Actor& actor);

// The audit events of managing endpoints ("webhook", id, "create" | "delete" | "replay");
// the entity id of a new endpoint is filled in by the store. Not announced themselves.
Result<AuditEvent> register_webhook(const Actor& actor, Timestamp now);
Result<AuditEvent> remove_webhook(const Actor& actor, std::int64_t endpoint_id, Timestamp now);
Result<AuditEvent> replay_webhook_delivery(const Actor& actor, std::int64_t endpoint_id, std::int64_t delivery_id,
                                           Timestamp now);

}  // namespace sanfang::workflow
