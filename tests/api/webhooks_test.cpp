// Webhooks for the portal over HTTP (workflow/webhook_rules.h, jobs/webhook_deliverer.h): an
// endpoint registered by the portal, a real receiver on a loopback port (Pistache) that answers
// 500 to its first requests, and a signing whose every event must arrive exactly once by
// webhook-id, signed as Standard Webhooks 1.0 says, after the retries — with the delivery log,
// a replay, and the refusals that change nothing.
#include "jobs/webhook_signature.h"
#include "workflow_test_support.h"

#include <pistache/endpoint.h>
#include <pistache/http.h>

#include <catch2/catch.hpp>

#include <map>
#include <mutex>
#include <set>

using namespace sanfang;
using namespace sanfang::testing;
using nlohmann::json;

namespace {

struct ReceivedRequest {
  std::string id;
  std::string timestamp;
  std::string signature;
  std::string body;
  int answered = 0;
};

// What the receiver saw, shared by the clones Pistache makes of its handler.
struct ReceiverLog {
  std::mutex mutex;
  int failures_left = 0;  // answer 500 to this many requests first
  std::vector<ReceivedRequest> requests;
};

class ReceiverHandler : public Pistache::Http::Handler {
 public:
  HTTP_PROTOTYPE(ReceiverHandler)
  explicit ReceiverHandler(std::shared_ptr<ReceiverLog> log) : m_log(std::move(log)) {}

  void onRequest(const Pistache::Http::Request& request, Pistache::Http::ResponseWriter response) override {
    const auto header = [&](const char* name) {
      const auto raw = request.headers().tryGetRaw(name);
      return raw ? raw->value() : std::string();
    };
    ReceivedRequest received{header("webhook-id"), header("webhook-timestamp"), header("webhook-signature"),
                             request.body(), 200};
    {
      std::lock_guard lock(m_log->mutex);
      if (m_log->failures_left > 0) {
        --m_log->failures_left;
        received.answered = 500;
      }
      m_log->requests.push_back(received);
    }
    response.send(received.answered == 200 ? Pistache::Http::Code::Ok : Pistache::Http::Code::Internal_Server_Error);
  }

 private:
  std::shared_ptr<ReceiverLog> m_log;
};

class Receiver {
 public:
  explicit Receiver(int failures_first) : m_log(std::make_shared<ReceiverLog>()) {
    m_log->failures_left = failures_first;
    m_endpoint = std::make_unique<Pistache::Http::Endpoint>(Pistache::Address(Pistache::Ipv4::loopback(), Pistache::Port(0)));
    m_endpoint->init(Pistache::Http::Endpoint::options().threads(1));
    m_endpoint->setHandler(std::make_shared<ReceiverHandler>(m_log));
    m_endpoint->serveThreaded();
  }
  ~Receiver() { m_endpoint->shutdown(); }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(static_cast<std::uint16_t>(m_endpoint->getPort())) + "/hooks"; }
  std::vector<ReceivedRequest> requests() {
    std::lock_guard lock(m_log->mutex);
    return m_log->requests;
  }

 private:
  std::shared_ptr<ReceiverLog> m_log;
  std::unique_ptr<Pistache::Http::Endpoint> m_endpoint;
};

std::string hooks(std::int64_t id, const std::string& suffix = {}) {
  return "/api/v1/webhooks/" + std::to_string(id) + suffix;
}

// invite → accept → college → school, through the routes.
std::int64_t sign_agreement(WorkflowWorld& world, const std::string& student_no) {
  world.add_student(student_no);
  world.verify_source_info(student_no);
  Party student = world.student(student_no);
  const std::int64_t id = send_invitation(*world.employer, student_no);
  expect(student->post_json(at(id, "/accept"), seen_version(*student, id)), 200);
  expect(world.college->post_json(at(id, "/review"), {{"decision", "approve"}}), 200);
  CHECK(expect(world.school->post_json(at(id, "/review"), {{"decision", "approve"}}), 200)["state"] == "signed");
  return id;
}

// Passes of the deliverer, the clock moved past each retry delay, until nothing is pending.
void deliver_everything(WorkflowWorld& world, HttpClient& portal, std::int64_t endpoint_id) {
  for (int pass = 0; pass < 12; ++pass) {
    REQUIRE(world.fixture().service().webhook_deliverer().run_once().ok());
    if (expect(portal.get(hooks(endpoint_id, "/deliveries?state=pending")), 200)["total"] == 0) return;
    world.fixture().clock().advance(std::chrono::minutes(10));
  }
  FAIL("deliveries still pending after 12 passes");
}

}  // namespace

TEST_CASE("the portal's receiver gets every event of a signing exactly once, signed, after answering 500 first",
          "[api][webhooks]") {
  WorkflowWorld world;
  Party portal = world.sign_in(workflow::Role::Portal, "portal");
  Receiver receiver(3);

  const HttpResult registered =
      portal->post_json("/api/v1/webhooks", {{"url", receiver.url()}, {"events", {"agreement.*", "print_job.*"}},
                                             {"description", "招聘门户"}});
  const json endpoint = expect(registered, 201);
  CHECK(registered.header("cache-control") == "no-store");
  const std::string secret = endpoint["secret"];
  CHECK(secret.starts_with("whsec_"));
  CHECK(endpoint["events"] == json{"agreement.*", "print_job.*"});
  const std::int64_t endpoint_id = endpoint["id"];
  const json listed = expect(portal->get("/api/v1/webhooks"), 200);
  REQUIRE(listed["items"].size() == 1);
  CHECK_FALSE(listed["items"][0].contains("secret"));

  const std::int64_t agreement_id = sign_agreement(world, "2022001");
  // Nothing was sent on the requests' threads: the deliverer had no pass yet.
  CHECK(receiver.requests().empty());
  deliver_everything(world, *portal, endpoint_id);

  const std::vector<ReceivedRequest> requests = receiver.requests();
  CHECK(requests.size() == 5 + 3);
  std::map<std::string, int> delivered_by_id;
  std::set<std::string> failed_ids;
  std::set<std::string> delivered_types;
  for (const ReceivedRequest& request : requests) {
    CAPTURE(request.id, request.body);
    const auto expected = jobs::webhook_signature(secret, request.id, std::stoll(request.timestamp), request.body);
    REQUIRE(expected.ok());
    CHECK(request.signature == expected.value());
    const json body = json::parse(request.body);
    CHECK(body["data"]["entity"] == "agreement");
    CHECK(body["data"]["id"] == std::to_string(agreement_id));
    CHECK(body["data"]["url"] == at(agreement_id));
    if (request.answered == 200) {
      ++delivered_by_id[request.id];
      delivered_types.insert(body["type"]);
    } else {
      failed_ids.insert(request.id);
    }
  }
  CHECK(delivered_by_id.size() == 5);
  for (const auto& [id, times] : delivered_by_id) {
    CAPTURE(id);
    CHECK(times == 1);
  }
  // A retry carries the id of the attempt that failed.
  CHECK(failed_ids.size() == 3);
  for (const std::string& id : failed_ids) CHECK(delivered_by_id.count(id) == 1);
  CHECK(delivered_types == std::set<std::string>{"agreement.send", "agreement.accept", "agreement.enter_review",
                                                 "agreement.review.approve.college", "agreement.review.approve.school"});

  const json log = expect(portal->get(hooks(endpoint_id, "/deliveries")), 200);
  CHECK(log["total"] == 5);
  int retried = 0;
  for (const json& delivery : log["items"]) {
    CHECK(delivery["state"] == "delivered");
    CHECK(delivery["last_status_code"] == 200);
    if (delivery["attempts"] == 2) ++retried;
  }
  CHECK(retried == 3);
}

TEST_CASE("a replayed delivery is sent again under the same webhook-id", "[api][webhooks]") {
  WorkflowWorld world;
  Party portal = world.sign_in(workflow::Role::Portal, "portal");
  Receiver receiver(0);
  const json endpoint = expect(portal->post_json("/api/v1/webhooks", {{"url", receiver.url()},
                                                                      {"events", {"agreement.review.approve.school"}}}),
                               201);
  const std::int64_t endpoint_id = endpoint["id"];
  sign_agreement(world, "2022001");
  deliver_everything(world, *portal, endpoint_id);
  REQUIRE(receiver.requests().size() == 1);
  const json delivery = expect(portal->get(hooks(endpoint_id, "/deliveries")), 200)["items"][0];
  const std::string path = hooks(endpoint_id, "/deliveries/" + std::to_string(delivery["id"].get<std::int64_t>()));
  CHECK(expect(portal->get(path), 200)["webhook_id"] == receiver.requests()[0].id);

  const json replayed = expect(portal->post_json(path + "/replay", json::object()), 202);
  CHECK(replayed["state"] == "pending");
  deliver_everything(world, *portal, endpoint_id);
  const auto requests = receiver.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[1].id == requests[0].id);
  CHECK(requests[1].body == requests[0].body);
  CHECK(expect(portal->get(path), 200)["state"] == "delivered");
}

TEST_CASE("webhooks are the portal's and the school's: others get 404 and bad registrations save nothing",
          "[api][webhooks]") {
  WorkflowWorld world;
  Party portal = world.sign_in(workflow::Role::Portal, "portal");
  world.add_student("2022001");
  Party student = world.student("2022001");
  const json good = {{"url", "https://portal.example.edu.cn/hooks"}, {"events", {"agreement.*"}}};

  for (HttpClient* outsider : {student.client.get(), world.college.client.get(), world.employer.client.get()}) {
    CHECK(outsider->post_json("/api/v1/webhooks", good).status == 404);
    CHECK(outsider->get("/api/v1/webhooks").status == 404);
  }
  CHECK(expect(portal->post_json("/api/v1/webhooks", {{"url", "ftp://portal.example.edu.cn/x"}, {"events", {"*"}}}), 400)["field"] == "url");
  CHECK(expect(portal->post_json("/api/v1/webhooks", {{"url", "portal.example.edu.cn/hooks"}, {"events", {"*"}}}), 400)["field"] == "url");
  CHECK(expect(portal->post_json("/api/v1/webhooks", {{"url", "https://user:pw@portal.example.edu.cn/"}, {"events", {"*"}}}), 400)["field"] == "url");
  CHECK(expect(portal->post_json("/api/v1/webhooks", {{"url", good["url"]}, {"events", {"agreement.signed"}}}), 400)["field"] == "events");
  CHECK(expect(portal->post_json("/api/v1/webhooks", {{"url", good["url"]}, {"events", json::array()}}), 400)["field"] == "events");
  CHECK(expect(portal->post_json("/api/v1/webhooks", {{"url", good["url"]}, {"events", "agreement.*"}}), 400)["field"] == "events");
  CHECK(expect(portal->post_json("/api/v1/webhooks", {{"url", good["url"]}, {"events", {"*"}}, {"secret", "hunter2"}}), 400)["field"] == "secret");
  CHECK(expect(portal->post_json("/api/v1/webhooks", {{"url", good["url"]}, {"events", {"*"}}, {"colour", "red"}}), 400)["field"] == "colour");
  CHECK(expect(portal->get("/api/v1/webhooks"), 200)["items"].empty());

  const json endpoint = expect(world.school->post_json("/api/v1/webhooks", good), 201);
  const std::int64_t id = endpoint["id"];
  CHECK(expect(portal->get(hooks(id)), 200)["url"] == good["url"]);
  CHECK(student->get(hooks(id, "/deliveries")).status == 404);
  CHECK(student->request("DELETE", hooks(id)).status == 404);
  CHECK(expect(portal->get(hooks(id, "/deliveries?state=lost")), 400)["field"] == "state");
  CHECK(expect(portal->get(hooks(id, "/deliveries?colour=red")), 400)["field"] == "colour");
  CHECK(portal->post_json(hooks(id, "/deliveries/99/replay"), json::object()).status == 404);
  CHECK(portal->request("DELETE", hooks(id)).status == 204);
  CHECK(portal->get(hooks(id)).status == 404);
  CHECK(portal->request("DELETE", hooks(id)).status == 404);
  const json audit = expect(world.school->get("/api/v1/audit?entity=webhook"), 200);
  CHECK(audit["total"] == 2);
}
