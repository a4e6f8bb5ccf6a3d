// The contract of periodic work (store/periodic_store.h): of the callers in one period exactly one
// runs, whichever connection (instance) they come from; the next period runs again.
#include <atomic>
#include <thread>
#include <vector>

#include "contract/contract_fixture.h"

namespace sanfang::test::contract {
namespace {

constexpr std::chrono::seconds kPeriod{30};

TEST_CASE("of two callers in one period one runs, and the next period runs again", "[contract][periodic]") {
  EACH_STORE_BACKEND(f);
  const auto other = f.connect();  // another instance
  CHECK(ok(f.db->claim_periodic_run("invitation_expiry", kPeriod, kStart)));
  CHECK_FALSE(ok(other->claim_periodic_run("invitation_expiry", kPeriod, kStart)));
  CHECK_FALSE(ok(f.db->claim_periodic_run("invitation_expiry", kPeriod, kStart + kPeriod - std::chrono::seconds(1))));
  // Another kind of work has a record of its own.
  CHECK(ok(other->claim_periodic_run("session_cleanup", kPeriod, kStart)));

  CHECK(ok(other->claim_periodic_run("invitation_expiry", kPeriod, kStart + kPeriod)));
  CHECK_FALSE(ok(f.db->claim_periodic_run("invitation_expiry", kPeriod, kStart + kPeriod)));
  // A caller whose clock is behind the last run does not run it again.
  CHECK_FALSE(ok(f.db->claim_periodic_run("invitation_expiry", kPeriod, kStart)));
  CHECK(ok(f.db->claim_periodic_run("invitation_expiry", kPeriod, kStart + 2 * kPeriod)));
}

TEST_CASE("eight connections claiming one period at once: exactly one runs", "[contract][periodic][concurrency]") {
  EACH_STORE_BACKEND(f);
  std::vector<std::unique_ptr<store::Store>> stores;
  for (int i = 0; i < 8; ++i) stores.push_back(f.connect());
  std::atomic<int> runs{0}, failures{0};
  std::vector<std::thread> threads;
  for (auto& store : stores) {
    threads.emplace_back([&, db = store.get()] {
      auto claimed = db->claim_periodic_run("invitation_expiry", kPeriod, kStart);
      if (!claimed) ++failures;
      else if (*claimed) ++runs;
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(failures == 0);
  CHECK(runs == 1);
}

}  // namespace
}  // namespace sanfang::test::contract
