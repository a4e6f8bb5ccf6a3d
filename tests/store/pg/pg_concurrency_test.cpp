// Several instances on one database: each thread below has a PgStore (a pool) of its own, as a
// separate `sanfang serve` process would. Serials stay unique and gapless, the audit chain stays
// one chain, and a print job is claimed by exactly one runner.
#include <latch>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "core/validate.h"
#include "pg_fixture.h"

using namespace sanfang;
using namespace sanfang::test;
using workflow::AgreementState;

namespace {

// Runs `work(instance, thread_index)` on `threads` threads, each with its own store, started
// together. Returns the errors the threads reported.
template <typename Work>
std::vector<std::string> on_instances(const PgFixture& f, int threads, Work work) {
  std::mutex errors_mutex;
  std::vector<std::string> errors;
  std::latch start(threads);
  std::vector<std::thread> running;
  // No Catch assertions inside the threads: Catch2 v2 is not thread-safe.
  for (int t = 0; t < threads; ++t) {
    running.emplace_back([&, t] {
      auto instance = store::PgStore::open(f.options());
      start.arrive_and_wait();
      Status outcome = instance.ok() ? work(*instance.value(), t) : Status(instance.take_error());
      if (!outcome.ok()) {
        std::lock_guard lock(errors_mutex);
        errors.push_back(outcome.error().describe());
      }
    });
  }
  for (auto& thread : running) thread.join();
  return errors;
}

}  // namespace

TEST_CASE("8 instances sign 200 agreements at once: 200 distinct serials without gaps, one audit chain",
          "[store][pg][concurrency]") {
  constexpr int kInstances = 8;
  constexpr int kPerInstance = 25;
  PgFixture f;
  std::vector<std::int64_t> ids;
  for (int i = 0; i < kInstances * kPerInstance; ++i) ids.push_back(f.awaiting_school(*f.db, "S" + std::to_string(10000 + i)));
  const std::int64_t audit_rows_before = ok(f.db->verify_audit_chain()).rows_checked;

  std::mutex serials_mutex;
  std::vector<std::string> serials;
  const auto errors = on_instances(f, kInstances, [&](store::PgStore& instance, int t) -> Status {
    for (int i = 0; i < kPerInstance; ++i) {
      const auto signed_one = TRY(f.approve_by_school(instance, ids[static_cast<std::size_t>(t * kPerInstance + i)]));
      if (!signed_one.serial) return Error::make(ErrorKind::Internal, "signed without serial");
      std::lock_guard lock(serials_mutex);
      serials.push_back(*signed_one.serial);
    }
    return {};
  });
  INFO((errors.empty() ? std::string() : errors.front()));
  CHECK(errors.empty());

  std::set<std::string> expected;
  for (int sequence = 1; sequence <= kInstances * kPerInstance; ++sequence)
    expected.insert(ok(core::make_serial(kSchoolCode, 2026, sequence)));
  CHECK(serials.size() == ids.size());
  CHECK(std::set<std::string>(serials.begin(), serials.end()) == expected);  // no gaps, no repeats
  for (auto id : ids) CHECK(ok(f.db->agreement(id)).state == AgreementState::Signed);
  const auto chain = ok(f.db->verify_audit_chain());
  CHECK(chain.intact());
  CHECK(chain.rows_checked > audit_rows_before);
  auto ids_in_chain = ok(f.database.connect().exec("SELECT MIN(id), MAX(id), COUNT(*) FROM audit_log"));
  CHECK(ids_in_chain.int64(0, 0) == 1);
  CHECK(ids_in_chain.int64(0, 1) == ids_in_chain.int64(0, 2));  // dense: one chain, no forks
}

TEST_CASE("the same agreement approved on two instances at once: one signs it, the other gets Conflict",
          "[store][pg][concurrency]") {
  PgFixture f;
  const std::int64_t id = f.awaiting_school(*f.db, "S20000");
  const auto read = ok(f.db->agreement(id));
  const auto change = ok(workflow::review_agreement(read, f.school(), workflow::ReviewDecision::Approve, "", kStart));
  std::mutex outcomes_mutex;
  std::vector<ErrorKind> refusals;
  int wins = 0;
  const auto errors = on_instances(f, 2, [&](store::PgStore& instance, int) -> Status {
    auto outcome = instance.apply_agreement_change(change, read.version);
    std::lock_guard lock(outcomes_mutex);
    if (outcome.ok())
      ++wins;
    else
      refusals.push_back(outcome.error().kind);
    return {};
  });
  CHECK(errors.empty());
  CHECK(wins == 1);
  REQUIRE(refusals.size() == 1);
  CHECK(refusals[0] == ErrorKind::Conflict);
  CHECK(ok(f.db->agreement(id)).serial == ok(core::make_serial(kSchoolCode, 2026, 1)));
}

TEST_CASE("8 runners on separate instances claim 12 print jobs: each job exactly once (SKIP LOCKED)",
          "[store][pg][concurrency][print]") {
  constexpr int kJobs = 12;
  constexpr int kRunners = 8;
  PgFixture f;
  std::vector<std::string> serials;
  for (int i = 0; i < 3; ++i)
    serials.push_back(*ok(f.approve_by_school(*f.db, f.awaiting_school(*f.db, "S3000" + std::to_string(i)))).serial);
  const store::PrintOperator room{0, "打印室", workflow::Role::Print};
  for (int i = 0; i < kJobs; ++i) {
    workflow::PrintRequest request;
    request.serials = {serials[static_cast<std::size_t>(i % 3)]};
    request.copies = {1};
    ok(f.db->create_print_job(request, workflow::PrintJobOrigin::Service, room, kStart));
  }

  std::mutex claims_mutex;
  std::map<std::int64_t, std::vector<std::string>> claims;  // job → owners that claimed it
  const auto errors = on_instances(f, kRunners, [&](store::PgStore& instance, int t) -> Status {
    const store::PrintLease lease{"runner-" + std::to_string(t), kStart + std::chrono::hours{1}};
    for (;;) {
      auto claimed = TRY(instance.claim_next_print_job(lease, kStart));
      if (!claimed) return {};
      std::lock_guard lock(claims_mutex);
      claims[claimed->id].push_back(lease.owner);
    }
  });
  INFO((errors.empty() ? std::string() : errors.front()));
  CHECK(errors.empty());
  REQUIRE(claims.size() == kJobs);
  for (const auto& [job, owners] : claims) {
    CHECK(owners.size() == 1);
    const auto stored = ok(f.db->print_job(job));
    CHECK(stored.state == workflow::PrintJobState::Running);
    CHECK(stored.lease_owner == owners.front());
    CHECK(stored.failures == 0);
  }
}

TEST_CASE("a running job is taken over by another instance only after its lease expired", "[store][pg][print]") {
  PgFixture f;
  const std::string serial = *ok(f.approve_by_school(*f.db, f.awaiting_school(*f.db, "S40000"))).serial;
  workflow::PrintRequest request;
  request.serials = {serial};
  request.copies = {1, 2};
  const auto job = ok(f.db->create_print_job(request, workflow::PrintJobOrigin::Service,
                                             {0, "打印室", workflow::Role::Print}, kStart));
  const store::PrintLease first{"host-a:100", kStart + std::chrono::seconds{30}};
  REQUIRE(ok(f.db->claim_next_print_job(first, kStart))->id == job.id);
  REQUIRE(ok(f.db->claim_print_part(job.id, first, kStart)) == 1);
  ok(f.db->record_print_drawing(job.id, 1, first.owner, 0, 0));

  auto other = f.open_another();
  const store::PrintLease second{"host-b:200", kStart + std::chrono::minutes{5}};
  CHECK_FALSE(ok(other->claim_next_print_job(second, kStart + std::chrono::seconds{10})).has_value());
  auto early = other->claim_print_job(job.id, second, kStart + std::chrono::seconds{10});
  REQUIRE_FALSE(early.ok());
  CHECK(early.error().kind == ErrorKind::Conflict);
  CHECK(ok(f.db->print_job(job.id)).lease_owner == first.owner);  // the refusal changed nothing

  const auto taken = ok(other->claim_next_print_job(second, kStart + std::chrono::seconds{31}));
  REQUIRE(taken.has_value());
  CHECK(taken->id == job.id);
  CHECK(taken->lease_owner == second.owner);
  CHECK(taken->failures == 1);
  CHECK(taken->crashes.at(0) == 1);
  auto lost = f.db->renew_print_lease(job.id, {first.owner, kStart + std::chrono::minutes{1}});
  REQUIRE_FALSE(lost.ok());
  CHECK(lost.error().kind == ErrorKind::Conflict);
  ok(other->finish_print_job(job.id, 4, 1000, std::string(64, 'c'), kStart + std::chrono::minutes{1}));
  const auto records = ok(f.db->print_records(ok(f.db->print_items(job.id, 0, 1)).at(0).agreement_id));
  CHECK(records.size() == 2);  // one record per copy, not one per run
  CHECK(ok(f.db->verify_audit_chain()).intact());
}
