// SPEC "Concurrent actions on the same agreement: exactly one wins"; serials are allocated inside
// the signing transaction, so parallel signings of different agreements get distinct serials.
#include "workflow_test_support.h"

#include "workflow/agreement_rules.h"

#include <catch2/catch.hpp>

#include <latch>
#include <set>
#include <thread>
#include <vector>

using namespace sanfang;
using namespace sanfang::testing;
using nlohmann::json;

namespace {

template <typename T>
T ok(Result<T> result) {
  INFO((result.ok() ? std::string() : result.error().describe()));
  REQUIRE(result.ok());
  return std::move(result).value();
}

// An invitation accepted by the student and approved by the college: waiting for the school,
// built directly through the workflow rules and the store.
std::int64_t awaiting_school(WorkflowWorld& world, const std::string& student_no) {
  world.add_student(student_no);
  world.verify_source_info(student_no);
  store::Store& db = world.store();
  const auto now = world.fixture().clock().now();
  const auto& options = world.fixture().app().workflow;
  const workflow::Actor employer{workflow::Role::Employer, 0, "", world.vetted_employer_id, ""};
  const workflow::Actor student{workflow::Role::Student, 0, student_no, 0, ""};
  const workflow::Actor college{workflow::Role::College, 0, "", 0, "CS"};
  auto parties = ok(db.parties_for(student_no, world.vetted_employer_id, 0));
  auto a = ok(db.insert_agreement(ok(workflow::create_invitation(employer, parties, sample_content(), now))));
  parties = ok(db.parties_for(student_no, world.vetted_employer_id, a.id));
  a = ok(db.apply_agreement_change(ok(workflow::send_invitation(a, employer, parties, now)), a.version));
  a = ok(db.apply_agreement_change(ok(workflow::accept_invitation(a, student, parties, options, now)), a.version));
  a = ok(db.apply_agreement_change(
      ok(workflow::review_agreement(a, college, workflow::ReviewDecision::Approve, "", now)), a.version));
  REQUIRE(a.state == workflow::AgreementState::InReview);
  return a.id;
}

}  // namespace

TEST_CASE("50 concurrent final approvals of different agreements get 50 distinct serials", "[api][concurrency]") {
  WorkflowWorld world;
  constexpr int kAgreements = 50;
  constexpr int kThreads = 5;
  std::vector<std::int64_t> ids;
  for (int i = 0; i < kAgreements; ++i) ids.push_back(awaiting_school(world, "2025" + std::to_string(100 + i)));

  std::vector<long> statuses(kAgreements);
  std::vector<std::string> serials(kAgreements);
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  auto session = world.store().create_session(world.school.account_id, world.fixture().clock().now());
  REQUIRE(session.ok());
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      HttpClient client(world.fixture().base_url());
      client.set_token(*session);
      start.arrive_and_wait();
      for (int i = t; i < kAgreements; i += kThreads) {
        auto result = client.request("POST", "/api/v1/agreements/" + std::to_string(ids[i]) + "/review",
                                     R"({"decision":"approve"})", {{"Content-Type", "application/json"}});
        statuses[i] = result.status;
        auto parsed = json::parse(result.body, nullptr, false);
        if (!parsed.is_discarded() && parsed.contains("serial") && parsed["serial"].is_string())
          serials[i] = parsed["serial"];
      }
    });
  }
  for (auto& thread : threads) thread.join();

  std::set<std::string> distinct;
  for (int i = 0; i < kAgreements; ++i) {
    INFO("agreement " << ids[i]);
    CHECK(statuses[i] == 200);
    CHECK(serials[i].size() == 16);
    distinct.insert(serials[i]);
  }
  CHECK(distinct.size() == kAgreements);
}

TEST_CASE("two concurrent final approvals of the same agreement: one wins, the other gets 409", "[api][concurrency]") {
  WorkflowWorld world;
  const std::int64_t id = awaiting_school(world, "2025900");
  auto session = world.store().create_session(world.school.account_id, world.fixture().clock().now());
  REQUIRE(session.ok());

  std::vector<long> statuses(2);
  std::latch start(2);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      HttpClient client(world.fixture().base_url());
      client.set_token(*session);
      start.arrive_and_wait();
      statuses[t] = client.request("POST", "/api/v1/agreements/" + std::to_string(id) + "/review",
                                   R"({"decision":"approve"})", {{"Content-Type", "application/json"}})
                        .status;
    });
  }
  for (auto& thread : threads) thread.join();
  std::multiset<long> outcome(statuses.begin(), statuses.end());
  CHECK(outcome == std::multiset<long>{200, 409});

  auto history = world.school->get("/api/v1/agreements/" + std::to_string(id) + "/history");
  auto items = history.json()["items"];
  CHECK(items.back()["action"] == "review.approve.school");
  int school_approvals = 0;
  for (const auto& item : items) school_approvals += item["action"] == "review.approve.school";
  CHECK(school_approvals == 1);
}
