#include "workflow/webhook_rules.h"

#include <algorithm>
#include <array>

#include "core/field_labels.h"
#include "core/field_rules.h"
#include "core/validate.h"
#include "workflow/rule_support.h"

namespace sanfang::workflow {

namespace {

constexpr std::string_view kAgreement = "agreement";
constexpr std::string_view kPrintJob = "print_job";
constexpr std::size_t kMaxSubscriptionEntries = 32;
constexpr std::size_t kMaxDescriptionChars = 200;
constexpr const char* kWebhookEntity = "webhook";

bool is_wildcard(std::string_view entry) {
  return entry == "*" || entry == "agreement.*" || entry == "print_job.*";
}

}  // namespace

const std::vector<std::string_view>& webhook_event_types() {
  // The actions workflow/agreement_rules.cpp and the print room's stores audit.
  static const std::vector<std::string_view> kTypes{
      "agreement.edit",
      "agreement.attach",
      "agreement.send",
      "agreement.withdraw",
      "agreement.accept",
      "agreement.return",
      "agreement.submit",
      "agreement.enter_review",
      "agreement.review.approve.college",
      "agreement.review.approve.school",
      "agreement.review.reject.college",
      "agreement.review.reject.school",
      "agreement.expire",
      "agreement.print",
      "agreement.termination.request",
      "agreement.termination.approve.college",
      "agreement.termination.approve.school",
      "agreement.termination.reject.college",
      "agreement.termination.reject.school",
      "print_job.create",
      "print_job.take_over",
      "print_job.done",
      "print_job.fail",
      "print_job.cancel",
  };
  return kTypes;
}

std::optional<std::string> webhook_event_type(const AuditEvent& event) {
  if (event.entity != kAgreement && event.entity != kPrintJob) return std::nullopt;
  if (event.entity == kAgreement && event.to_state == to_string(AgreementState::Draft)) return std::nullopt;
  return event.entity + "." + event.action;
}

Result<std::vector<std::string>> normalise_webhook_events(const std::vector<std::string>& events) {
  if (events.empty()) return Error::invalid("events", "至少订阅一种事件");
  if (events.size() > kMaxSubscriptionEntries)
    return Error::invalid("events", "最多订阅 " + std::to_string(kMaxSubscriptionEntries) + " 项");
  const auto& known = webhook_event_types();
  std::vector<std::string> saved;
  for (const std::string& entry : events) {
    if (!is_wildcard(entry) && std::find(known.begin(), known.end(), entry) == known.end())
      return Error::invalid("events", "未知的事件类型“" + entry + "”");
    saved.push_back(entry);
  }
  std::sort(saved.begin(), saved.end());
  saved.erase(std::unique(saved.begin(), saved.end()), saved.end());
  return saved;
}

bool webhook_subscribes(const std::vector<std::string>& subscription, std::string_view event_type) {
  for (const std::string& entry : subscription) {
    if (entry == "*" || entry == event_type) return true;
    if (entry.ends_with(".*") && event_type.starts_with(std::string_view(entry).substr(0, entry.size() - 1)))
      return true;
  }
  return false;
}

Status check_webhook_description(std::string_view description) {
  if (Status policy = core::check_text_policy(description, "description", false); !policy)
    return core::labelled(policy.take_error());
  if (core::count_code_points(description) > kMaxDescriptionChars)
    return Error::invalid("description", "说明不能超过 " + std::to_string(kMaxDescriptionChars) + " 个字");
  return {};
}

std::optional<std::chrono::seconds> webhook_retry_delay(int failed_attempts) {
  using std::chrono::seconds;
  static constexpr std::array<seconds, 10> kDelays{seconds{5},     seconds{30},   seconds{120},  seconds{600},
                                                   seconds{1800},  seconds{3600}, seconds{7200}, seconds{14400},
                                                   seconds{28800}, seconds{32400}};
  if (failed_attempts < 1 || failed_attempts > static_cast<int>(kDelays.size())) return std::nullopt;
  return kDelays[static_cast<std::size_t>(failed_attempts - 1)];
}

Status require_webhook_manager(const Actor& actor) {
  if (actor.role != Role::Portal && actor.role != Role::School) return Error::make(ErrorKind::NotFound, "没有这个地址");
  return {};
}

Result<AuditEvent> register_webhook(const Actor& actor, Timestamp now) {
  TRY(require_webhook_manager(actor));
  return detail::make_event(kWebhookEntity, {}, "create", actor, now, "", "active");
}

Result<AuditEvent> remove_webhook(const Actor& actor, std::int64_t endpoint_id, Timestamp now) {
  TRY(require_webhook_manager(actor));
  return detail::make_event(kWebhookEntity, std::to_string(endpoint_id), "delete", actor, now, "active", "deleted");
}

Result<AuditEvent> replay_webhook_delivery(const Actor& actor, std::int64_t endpoint_id, std::int64_t delivery_id,
                                           Timestamp now) {
  TRY(require_webhook_manager(actor));
  return detail::make_event(kWebhookEntity, std::to_string(endpoint_id), "replay", actor, now, "active", "active",
                            "重发投递 #" + std::to_string(delivery_id));
}

}  // namespace sanfang::workflow
