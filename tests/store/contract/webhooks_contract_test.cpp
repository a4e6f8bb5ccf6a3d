// The webhooks area's contract (store/webhook_store.h): endpoints, the outbox written with the
// audit events it announces, claims that two deliverers never share, attempts, replays and
// removal.
#include "contract/contract_fixture.h"
#include "workflow/webhook_rules.h"

#include <set>

namespace sanfang::test::contract {
namespace {

using namespace std::chrono_literals;

const workflow::Actor kPortal{workflow::Role::Portal, 0, "", 0, ""};

store::WebhookEndpoint endpoint_for(std::vector<std::string> events) {
  store::WebhookEndpoint endpoint;
  endpoint.url = "https://portal.example.edu.cn/hooks";
  endpoint.events = std::move(events);
  endpoint.description = "招聘门户";
  endpoint.secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  return endpoint;
}

store::WebhookEndpoint registered(ContractFixture& f, std::vector<std::string> events) {
  return ok(f.db->create_webhook_endpoint(endpoint_for(std::move(events)), ok(workflow::register_webhook(kPortal, kStart))));
}

std::vector<store::WebhookDelivery> deliveries_of(ContractFixture& f, std::int64_t endpoint_id) {
  return ok(f.db->webhook_deliveries({endpoint_id, std::nullopt, 0, 0}));
}

TEST_CASE("a registered endpoint is kept with its subscription and its registration is audited",
          "[contract][webhooks]") {
  EACH_STORE_BACKEND(f);
  const auto endpoint = registered(f, {"agreement.*", "print_job.done"});
  CHECK(endpoint.id > 0);
  CHECK(endpoint.url == "https://portal.example.edu.cn/hooks");
  CHECK(endpoint.events == std::vector<std::string>{"agreement.*", "print_job.done"});
  CHECK(endpoint.secret == "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  CHECK(endpoint.created_at == kStart);
  CHECK(ok(f.db->webhook_endpoint(endpoint.id)).description == "招聘门户");
  CHECK(ok(f.db->webhook_endpoints()).size() == 1);
  const auto trail = ok(f.db->audit_trail("webhook", std::to_string(endpoint.id)));
  REQUIRE(trail.size() == 1);
  CHECK(trail[0].event.action == "create");
  CHECK(f.db->webhook_endpoint(endpoint.id + 1).error().kind == ErrorKind::NotFound);
}

TEST_CASE("a signing writes one delivery per announced event to each endpoint subscribed to it",
          "[contract][webhooks]") {
  EACH_STORE_BACKEND(f);
  const auto everything = registered(f, {"agreement.*"});
  const auto signings_only = registered(f, {"agreement.review.approve.school"});
  const auto print_room = registered(f, {"print_job.*"});
  f.add_verified_student("2022001");
  const workflow::Agreement signed_agreement = f.sign("2022001");

  const auto all = deliveries_of(f, everything.id);
  std::set<std::string> types;
  for (const auto& delivery : all) {
    types.insert(delivery.event_type);
    CHECK(delivery.state == store::WebhookDeliveryState::Pending);
    CHECK(delivery.attempts == 0);
    CHECK(delivery.next_attempt_at.has_value());
  }
  // The draft's creation is the parties' own business: not announced.
  CHECK(types == std::set<std::string>{"agreement.send", "agreement.accept", "agreement.enter_review",
                                       "agreement.review.approve.college", "agreement.review.approve.school"});
  const auto signings = deliveries_of(f, signings_only.id);
  REQUIRE(signings.size() == 1);
  CHECK(signings[0].event_type == "agreement.review.approve.school");
  const auto trail = ok(f.db->audit_trail("agreement", std::to_string(signed_agreement.id)));
  CHECK(signings[0].audit_id == trail.back().id);
  CHECK(deliveries_of(f, print_room.id).empty());
  CHECK(ok(f.db->count_webhook_deliveries({everything.id, std::nullopt, 0, 0})) == 5);
}

TEST_CASE("a due delivery is claimed by one deliverer only until its claim runs out", "[contract][webhooks]") {
  EACH_STORE_BACKEND(f);
  const auto endpoint = registered(f, {"agreement.review.approve.school"});
  f.add_verified_student("2022001");
  f.sign("2022001");
  auto other = f.connect();

  const auto now = kStart + 1h;
  const auto claimed = ok(f.db->claim_due_webhooks(now, now + 5min, 10));
  REQUIRE(claimed.size() == 1);
  CHECK(claimed[0].endpoint.id == endpoint.id);
  CHECK(claimed[0].endpoint.secret == endpoint.secret);
  CHECK(claimed[0].event.entity == "agreement");
  CHECK(claimed[0].event.action == "review.approve.school");
  CHECK(claimed[0].event.to_state == "signed");
  CHECK(ok(other->claim_due_webhooks(now + 1min, now + 6min, 10)).empty());
  // A deliverer that died mid-attempt leaves it to be claimed again after the claim.
  CHECK(ok(other->claim_due_webhooks(now + 5min, now + 10min, 10)).size() == 1);
}

TEST_CASE("a failed attempt is retried at its next time, a 2xx delivers, and the last retry gives up",
          "[contract][webhooks]") {
  EACH_STORE_BACKEND(f);
  const auto endpoint = registered(f, {"agreement.review.approve.school"});
  f.add_verified_student("2022001");
  f.sign("2022001");
  const auto now = kStart + 1h;
  const auto first = ok(f.db->claim_due_webhooks(now, now + 5min, 10));
  REQUIRE(first.size() == 1);
  const std::int64_t id = first[0].delivery.id;

  ok(f.db->record_webhook_attempt(id, {now, 500, "HTTP 500", false, now + 5s}));
  auto delivery = ok(f.db->webhook_delivery(endpoint.id, id));
  CHECK(delivery.state == store::WebhookDeliveryState::Pending);
  CHECK(delivery.attempts == 1);
  CHECK(delivery.last_status_code == 500);
  CHECK(delivery.last_error == "HTTP 500");
  CHECK(delivery.next_attempt_at == now + 5s);
  CHECK(ok(f.db->claim_due_webhooks(now + 4s, now + 5min, 10)).empty());
  REQUIRE(ok(f.db->claim_due_webhooks(now + 5s, now + 5min, 10)).size() == 1);

  ok(f.db->record_webhook_attempt(id, {now + 6s, 204, "", true, std::nullopt}));
  delivery = ok(f.db->webhook_delivery(endpoint.id, id));
  CHECK(delivery.state == store::WebhookDeliveryState::Delivered);
  CHECK(delivery.attempts == 2);
  CHECK(delivery.delivered_at == now + 6s);
  CHECK_FALSE(delivery.next_attempt_at.has_value());
  // A late answer of an earlier attempt changes nothing once it was delivered.
  ok(f.db->record_webhook_attempt(id, {now + 7s, 0, "timeout", false, now + 1h}));
  CHECK(ok(f.db->webhook_delivery(endpoint.id, id)).state == store::WebhookDeliveryState::Delivered);
  CHECK(ok(f.db->count_webhook_deliveries({endpoint.id, store::WebhookDeliveryState::Delivered, 0, 0})) == 1);
  CHECK(ok(f.db->count_webhook_deliveries({endpoint.id, store::WebhookDeliveryState::Pending, 0, 0})) == 0);

  const auto replayed = ok(f.db->replay_webhook_delivery(
      endpoint.id, id, now + 1h, ok(workflow::replay_webhook_delivery(kPortal, endpoint.id, id, now + 1h))));
  CHECK(replayed.state == store::WebhookDeliveryState::Pending);
  CHECK(replayed.attempts == 0);
  CHECK(replayed.audit_id == first[0].delivery.audit_id);
  const auto again = ok(f.db->claim_due_webhooks(now + 1h, now + 2h, 10));
  REQUIRE(again.size() == 1);
  ok(f.db->record_webhook_attempt(id, {now + 1h, 0, "connection refused", false, std::nullopt}));
  delivery = ok(f.db->webhook_delivery(endpoint.id, id));
  CHECK(delivery.state == store::WebhookDeliveryState::Failed);
  CHECK_FALSE(delivery.next_attempt_at.has_value());
}

TEST_CASE("a removed endpoint receives nothing more and keeps its delivery log", "[contract][webhooks]") {
  EACH_STORE_BACKEND(f);
  const auto endpoint = registered(f, {"agreement.*"});
  f.add_verified_student("2022001");
  const auto invited = f.invite("2022001");
  const auto before = deliveries_of(f, endpoint.id);
  REQUIRE(before.size() == 1);

  ok(f.db->remove_webhook_endpoint(endpoint.id, ok(workflow::remove_webhook(kPortal, endpoint.id, kStart))));
  CHECK(f.db->webhook_endpoint(endpoint.id).error().kind == ErrorKind::NotFound);
  CHECK(ok(f.db->webhook_endpoints()).empty());
  f.accept(invited);
  const auto after = deliveries_of(f, endpoint.id);
  REQUIRE(after.size() == 1);
  CHECK(after[0].state == store::WebhookDeliveryState::Failed);
  CHECK(ok(f.db->claim_due_webhooks(kStart + 1h, kStart + 2h, 10)).empty());
  CHECK(f.db->remove_webhook_endpoint(endpoint.id, ok(workflow::remove_webhook(kPortal, endpoint.id, kStart)))
            .error()
            .kind == ErrorKind::NotFound);
  CHECK(f.db->replay_webhook_delivery(endpoint.id, after[0].id, kStart,
                                      ok(workflow::replay_webhook_delivery(kPortal, endpoint.id, after[0].id, kStart)))
            .error()
            .kind == ErrorKind::NotFound);
}

}  // namespace
}  // namespace sanfang::test::contract
