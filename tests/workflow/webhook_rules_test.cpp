// Which changes reach the portal's webhooks, what a subscription may name, who manages
// endpoints, and the retry schedule (workflow/webhook_rules.h).
#include "workflow/webhook_rules.h"

#include <catch2/catch.hpp>

namespace sanfang::workflow {
namespace {

AuditEvent event(std::string entity, std::string action, std::string to_state) {
  AuditEvent e;
  e.entity = std::move(entity);
  e.entity_id = "7";
  e.action = std::move(action);
  e.to_state = std::move(to_state);
  return e;
}

TEST_CASE("agreement and print job changes are announced as entity.action, drafts and other entities are not",
          "[webhooks]") {
  CHECK(webhook_event_type(event("agreement", "review.approve.school", "signed")) == "agreement.review.approve.school");
  CHECK(webhook_event_type(event("agreement", "send", "invited")) == "agreement.send");
  CHECK(webhook_event_type(event("print_job", "done", "done")) == "print_job.done");
  CHECK_FALSE(webhook_event_type(event("agreement", "create", "draft")));
  CHECK_FALSE(webhook_event_type(event("agreement", "edit", "draft")));
  CHECK_FALSE(webhook_event_type(event("account", "create", "")));
  CHECK_FALSE(webhook_event_type(event("webhook", "create", "active")));
}

TEST_CASE("a subscription is sorted without duplicates and names only known types or wildcards", "[webhooks]") {
  CHECK(normalise_webhook_events({"print_job.done", "agreement.*", "print_job.done"}).value() ==
        std::vector<std::string>{"agreement.*", "print_job.done"});
  CHECK(normalise_webhook_events({"*"}).ok());
  for (const auto& refused : std::vector<std::vector<std::string>>{
           {}, {"agreement.sign"}, {"agreement"}, {"account.*"}, {"agreement.**"}, std::vector<std::string>(33, "*")}) {
    const auto result = normalise_webhook_events(refused);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().kind == ErrorKind::InvalidInput);
    CHECK(result.error().field == "events");
  }
}

TEST_CASE("a wildcard receives every type of its entity and nothing of the other", "[webhooks]") {
  const std::vector<std::string> agreements{"agreement.*"};
  CHECK(webhook_subscribes(agreements, "agreement.review.approve.school"));
  CHECK_FALSE(webhook_subscribes(agreements, "print_job.done"));
  CHECK(webhook_subscribes({"*"}, "print_job.done"));
  CHECK(webhook_subscribes({"print_job.done"}, "print_job.done"));
  CHECK_FALSE(webhook_subscribes({"print_job.done"}, "print_job.fail"));
  for (std::string_view type : webhook_event_types()) CHECK(webhook_subscribes({"*"}, type));
}

TEST_CASE("a failing delivery is retried with growing delays for about 24 hours, then given up", "[webhooks]") {
  std::chrono::seconds total{0};
  std::chrono::seconds previous{0};
  int retries = 0;
  while (const auto delay = webhook_retry_delay(retries + 1)) {
    CHECK(*delay >= previous);
    previous = *delay;
    total += *delay;
    ++retries;
  }
  CHECK(retries == 10);
  CHECK(webhook_retry_delay(1) == std::chrono::seconds{5});
  CHECK(total >= std::chrono::hours{24});
  CHECK(total < std::chrono::hours{25});
}

TEST_CASE("the portal and the school manage webhooks, for everyone else they do not exist", "[webhooks]") {
  for (Role role : {Role::Portal, Role::School}) CHECK(require_webhook_manager({role, 1, "", 0, ""}).ok());
  for (Role role : {Role::Student, Role::Employer, Role::College, Role::Print, Role::Admin}) {
    CAPTURE(to_string(role));
    const Status refused = require_webhook_manager({role, 1, "2022001", 3, "CS"});
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().kind == ErrorKind::NotFound);
  }
}

TEST_CASE("a description is one line of at most 200 characters", "[webhooks]") {
  CHECK(check_webhook_description("").ok());
  CHECK(check_webhook_description(std::string(200 * 3, 'a').substr(0, 200)).ok());
  CHECK(check_webhook_description("招聘门户正式环境").ok());
  CHECK(check_webhook_description(std::string(201, 'a')).error().field == "description");
  CHECK(check_webhook_description("two\nlines").error().field == "description");
}

}  // namespace
}  // namespace sanfang::workflow
