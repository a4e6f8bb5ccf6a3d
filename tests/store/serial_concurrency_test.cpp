// Serials under concurrent signing: several connections (one per thread, as several service
// workers would have) sign at once; every signing gets its own serial, none is lost or repeated.
#include <latch>
#include <mutex>
#include <set>
#include <thread>

#include "core/validate.h"
#include "store_fixture.h"

using namespace sanfang;
using namespace sanfang::test;
using workflow::AgreementState;

namespace {

// An agreement waiting for the school's final approval, stored directly for a quick setup.
std::int64_t awaiting_school(StoreFixture& f, const std::string& student_no) {
  ok(f.db->put_student({student_no, "王五", "34052419800101001X", "男", "CS", "软件工程", "本科", 2026}));
  workflow::Agreement agreement;
  agreement.origin = workflow::AgreementOrigin::Invitation;
  agreement.state = AgreementState::InReview;
  agreement.student_no = student_no;
  agreement.employer_id = f.employer_id;
  agreement.college_code = "CS";
  agreement.graduation_year = 2026;
  agreement.snapshot = {{"student", {{"student_no", student_no}}}};
  agreement.review_chain = {workflow::ReviewLevel::College, workflow::ReviewLevel::School};
  agreement.review_step = 1;
  agreement.created_at = agreement.updated_at = kStart;
  return ok(f.db->insert_agreement({agreement, std::nullopt, {}})).id;
}

}  // namespace

TEST_CASE("8 threads with their own connections sign 200 agreements and get 200 distinct serials",
          "[store][serial][concurrency]") {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 25;
  StoreFixture f;
  std::vector<std::int64_t> ids;
  for (int i = 0; i < kThreads * kPerThread; ++i) ids.push_back(awaiting_school(f, "S" + std::to_string(10000 + i)));

  std::mutex results_mutex;
  std::vector<std::string> serials;
  std::vector<std::string> failures;
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  // No Catch assertions inside the threads: Catch2 v2 is not thread-safe.
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto opened = store::SqliteStore::open(f.options());
      start.arrive_and_wait();
      if (!opened.ok()) {
        std::lock_guard lock(results_mutex);
        failures.push_back(opened.error().describe());
        return;
      }
      auto& connection = *opened.value();
      for (int i = 0; i < kPerThread; ++i) {
        const std::int64_t id = ids[static_cast<std::size_t>(t * kPerThread + i)];
        auto signed_one = [&]() -> Result<workflow::Agreement> {
          auto current = TRY(connection.agreement(id));
          auto change = TRY(workflow::review_agreement(current, f.school(), workflow::ReviewDecision::Approve, "",
                                                       kStart));
          return connection.apply_agreement_change(change, current.version);
        }();
        std::lock_guard lock(results_mutex);
        if (signed_one.ok() && signed_one->serial)
          serials.push_back(*signed_one->serial);
        else
          failures.push_back(signed_one.ok() ? "signed without serial" : signed_one.error().describe());
      }
    });
  }
  for (auto& thread : threads) thread.join();

  INFO((failures.empty() ? std::string() : failures.front()));
  CHECK(failures.empty());
  REQUIRE(serials.size() == ids.size());
  CHECK(std::set<std::string>(serials.begin(), serials.end()).size() == ids.size());
  std::set<std::string> expected;
  for (int sequence = 1; sequence <= kThreads * kPerThread; ++sequence)
    expected.insert(ok(core::make_serial(kSchoolCode, 2026, sequence)));
  CHECK(std::set<std::string>(serials.begin(), serials.end()) == expected);  // no gaps, no repeats
  for (auto id : ids) CHECK(ok(f.db->agreement(id)).state == AgreementState::Signed);
  CHECK(ok(f.db->verify_audit_chain()).intact());
}

TEST_CASE("two concurrent final approvals of one agreement: one wins, the other is a conflict",
          "[store][concurrency]") {
  StoreFixture f;
  const std::int64_t id = awaiting_school(f, "S20000");
  std::latch start(2);
  std::mutex results_mutex;
  std::vector<Result<workflow::Agreement>> outcomes;
  std::vector<std::thread> threads;
  // No Catch assertions inside the threads: Catch2 v2 is not thread-safe.
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&] {
      std::unique_ptr<store::SqliteStore> connection;
      auto prepared = [&]() -> Result<workflow::AgreementChange> {
        connection = TRY(store::SqliteStore::open(f.options()));
        auto current = TRY(connection->agreement(id));
        return workflow::review_agreement(current, f.school(), workflow::ReviewDecision::Approve, "", kStart);
      }();
      start.arrive_and_wait();  // both have read the same version before either writes
      Result<workflow::Agreement> outcome =
          prepared.ok() ? connection->apply_agreement_change(prepared.value(), prepared->agreement.version)
                        : Result<workflow::Agreement>(prepared.take_error());
      std::lock_guard lock(results_mutex);
      outcomes.push_back(std::move(outcome));
    });
  }
  for (auto& thread : threads) thread.join();
  REQUIRE(outcomes.size() == 2);
  const int wins = (outcomes[0].ok() ? 1 : 0) + (outcomes[1].ok() ? 1 : 0);
  CHECK(wins == 1);
  for (const auto& outcome : outcomes)
    if (!outcome.ok()) CHECK(outcome.error().kind == ErrorKind::Conflict);
  auto stored = ok(f.db->agreement(id));
  CHECK(stored.serial == ok(core::make_serial(kSchoolCode, 2026, 1)));
}
