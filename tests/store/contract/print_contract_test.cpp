// The print room area's contract (store/print_store.h): which agreements a job selects and in what
// order, the per-copy print records and reprint ordinals, the job's lifecycle, and the leases by
// which exactly one runner holds a job (SPEC "Print room").
#include <algorithm>
#include <latch>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "contract/contract_fixture.h"
#include "core/validate.h"

namespace sanfang::test::contract {
namespace {

using workflow::PrintJobOrigin;
using workflow::PrintJobState;
using workflow::PrintRequest;

const store::PrintOperator kOperator{0, "打印室 张老师", workflow::Role::Print};

// A lease of `owner` that runs 30 s from `at`.
store::PrintLease lease_of(const std::string& owner, workflow::Timestamp at) {
  return {owner, at + std::chrono::seconds(30)};
}
const std::vector<int> kAllCopies{1, 2, 3};

PrintRequest request_for(std::optional<std::string> college = std::nullopt) {
  PrintRequest request;
  request.college = std::move(college);
  request.copies = kAllCopies;
  return request;
}

// Two colleges, two majors: signed in an order unlike the print order.
struct PrintFixture : ContractFixture {
  explicit PrintFixture(const std::string& backend_name) : ContractFixture(backend_name) {
    ok(db->put_college({"ME", "机电工程学院"}));
    for (const auto& [student_no, college, major] :
         std::vector<std::tuple<std::string, std::string, std::string>>{{"2022020102", "ME", "车辆工程"},
                                                                         {"2022010103", "CS", "软件工程"},
                                                                         {"2022010101", "CS", "软件工程"},
                                                                         {"2022010102", "CS", "网络工程"},
                                                                         {"2022020101", "ME", "车辆工程"}}) {
      add_verified_student(student_no, college, major);
      signed_agreements.push_back(sign(student_no));
    }
  }

  std::vector<std::string> student_order(std::int64_t job_id) {
    std::vector<std::string> order;
    for (const auto& item : ok(db->print_items(job_id, 0, 100))) order.push_back(item.student_no);
    return order;
  }

  std::vector<workflow::Agreement> signed_agreements;
};

// Runs `claim(store, runner)` on `runners` threads at once, each on a connection of its own: what
// each claimed (with its runner number), and the failures. No Catch assertions inside the
// threads: Catch2 v2 is not thread-safe.
template <typename T, typename Claim>
std::pair<std::vector<std::pair<int, T>>, std::vector<std::string>> claim_at_once(PrintFixture& f, int runners,
                                                                                 Claim claim) {
  std::mutex results_mutex;
  std::vector<std::pair<int, T>> claims;
  std::vector<std::string> failures;
  std::latch start(runners);
  std::vector<std::thread> threads;
  for (int runner = 0; runner < runners; ++runner) {
    threads.emplace_back([&, runner] {
      auto connection = f.database->connect();
      start.arrive_and_wait();
      auto claimed = connection.ok() ? claim(*connection.value(), runner)
                                     : Result<std::optional<T>>(connection.take_error());
      std::lock_guard lock(results_mutex);
      if (!claimed.ok())
        failures.push_back(claimed.error().describe());
      else if (claimed.value())
        claims.emplace_back(runner, std::move(*claimed.value()));
    });
  }
  for (auto& thread : threads) thread.join();
  return {std::move(claims), std::move(failures)};
}

TEST_CASE("a print job lists the signed agreements by college, major and student number", "[contract][print]") {
  EACH_STORE_BACKEND_WITH(PrintFixture, f);
  const auto job = ok(f.db->create_print_job(request_for(), PrintJobOrigin::Service, kOperator, kStart));
  CHECK(job.state == PrintJobState::Queued);
  CHECK(job.total == 5);
  CHECK(job.created_by_name == "打印室 张老师");
  // Majors compare by code point (网络工程 before 软件工程): the same order on every run.
  CHECK(f.student_order(job.id) ==
        std::vector<std::string>{"2022010102", "2022010101", "2022010103", "2022020101", "2022020102"});

  const auto me_only = ok(f.db->create_print_job(request_for("ME"), PrintJobOrigin::Service, kOperator, kStart));
  CHECK(f.student_order(me_only.id) == std::vector<std::string>{"2022020101", "2022020102"});

  PrintRequest by_major = request_for();
  by_major.major = "网络工程";
  const auto network = ok(f.db->create_print_job(by_major, PrintJobOrigin::Service, kOperator, kStart));
  CHECK(f.student_order(network.id) == std::vector<std::string>{"2022010102"});
}

TEST_CASE("a print job selects by signing day in Beijing time, both ends included", "[contract][print]") {
  EACH_STORE_BACKEND_WITH(PrintFixture, f);
  // kStart is 2026-05-28 20:26:40 UTC, which is already 2026-05-29 in Beijing.
  PrintRequest same_day = request_for();
  same_day.signed_from = std::chrono::year_month_day{std::chrono::year{2026}, std::chrono::May, std::chrono::day{29}};
  same_day.signed_to = same_day.signed_from;
  CHECK(ok(f.db->create_print_job(same_day, PrintJobOrigin::Service, kOperator, kStart)).total == 5);

  PrintRequest day_before = request_for();
  day_before.signed_to = std::chrono::year_month_day{std::chrono::year{2026}, std::chrono::May, std::chrono::day{28}};
  auto none = f.db->create_print_job(day_before, PrintJobOrigin::Service, kOperator, kStart);
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().kind == ErrorKind::InvalidInput);
}

TEST_CASE("an explicit serial list prints just those, and a bad serial names itself and changes nothing",
          "[contract][print]") {
  EACH_STORE_BACKEND_WITH(PrintFixture, f);
  PrintRequest request = request_for();
  request.serials = {*f.signed_agreements[4].serial, *f.signed_agreements[0].serial};
  const auto job = ok(f.db->create_print_job(request, PrintJobOrigin::Service, kOperator, kStart));
  CHECK(f.student_order(job.id) == std::vector<std::string>{"2022020101", "2022020102"});

  request.serials.push_back(ok(core::make_serial(kSchoolCode, 2026, 999)));
  auto refused = f.db->create_print_job(request, PrintJobOrigin::Service, kOperator, kStart);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == ErrorKind::InvalidInput);
  CHECK(refused.error().field == "serials[2]");
  CHECK(ok(f.db->print_jobs(10)).size() == 1);
  CHECK(ok(f.db->print_records(f.signed_agreements[0].id)).size() == 3);
}

TEST_CASE("printing a copy again is a reprint numbered from the live records", "[contract][print]") {
  EACH_STORE_BACKEND_WITH(PrintFixture, f);
  const auto first = ok(f.db->create_print_job(request_for("ME"), PrintJobOrigin::Service, kOperator, kStart));
  for (const auto& item : ok(f.db->print_items(first.id, 0, 10))) CHECK(item.reprints == std::vector<int>{0, 0, 0});

  PrintRequest copy_two = request_for("ME");
  copy_two.copies = {2};
  const auto second = ok(f.db->create_print_job(copy_two, PrintJobOrigin::Service, kOperator, kStart));
  for (const auto& item : ok(f.db->print_items(second.id, 0, 10))) CHECK(item.reprints == std::vector<int>{0, 1});

  // A cancelled job printed nothing: its records are void and count for nothing.
  const auto cancelled = ok(f.db->create_print_job(copy_two, PrintJobOrigin::Service, kOperator, kStart));
  CHECK(ok(f.db->cancel_print_job(cancelled.id, kOperator, kStart)).state == PrintJobState::Cancelled);
  const auto third = ok(f.db->create_print_job(copy_two, PrintJobOrigin::Service, kOperator, kStart));
  for (const auto& item : ok(f.db->print_items(third.id, 0, 10))) CHECK(item.reprints == std::vector<int>{0, 2});

  const auto records = ok(f.db->print_records(f.signed_agreements[0].id));
  REQUIRE(records.size() == 6);
  CHECK(records[4].job_id == cancelled.id);
  CHECK(records[4].voided);
  CHECK_FALSE(records[3].voided);
  CHECK(records[5].ordinal == 2);
  CHECK(records[5].printed_by_name == "打印室 张老师");
  // Each agreement's history tells who printed which copy.
  const auto trail = ok(f.db->audit_trail("agreement", std::to_string(f.signed_agreements[0].id)));
  CHECK(std::count_if(trail.begin(), trail.end(), [](const auto& r) { return r.event.action == "print"; }) == 4);
}

TEST_CASE("a print job is planned in parts by college and records each part's file while it runs",
          "[contract][print][parts]") {
  EACH_STORE_BACKEND_WITH(PrintFixture, f);
  PrintRequest request = request_for();
  request.part_limit = 2;
  const auto job = ok(f.db->create_print_job(request, PrintJobOrigin::Service, kOperator, kStart));
  // CS has three agreements (two parts of at most two), ME two.
  REQUIRE(job.parts.size() == 3);
  CHECK(job.parts[0].college_code == "CS");
  CHECK(job.parts[0].first_position == 0);
  CHECK(job.parts[0].agreements == 2);
  CHECK(job.parts[1].college_code == "CS");
  CHECK(job.parts[1].first_position == 2);
  CHECK(job.parts[1].agreements == 1);
  CHECK(job.parts[2].college_code == "ME");
  CHECK(job.parts[2].agreements == 2);
  CHECK(job.request.part_limit == 2);
  CHECK_FALSE(job.request.one_file);

  // Only a running job records its parts, and only the runner drawing a part records it.
  CHECK(f.db->finish_print_part(job.id, 1, "host-a:1", 12, 100, "aa", kStart).error().kind == ErrorKind::Conflict);
  ok(f.db->claim_print_job(job.id, lease_of("host-a:1", kStart), kStart));
  CHECK(ok(f.db->claim_print_part(job.id, lease_of("host-a:1", kStart), kStart)) == 1);
  CHECK(ok(f.db->claim_print_part(job.id, lease_of("host-a:1", kStart), kStart)) == 2);
  CHECK(f.db->finish_print_part(job.id, 2, "host-b:2", 6, 50, "bb", kStart).error().kind == ErrorKind::Conflict);
  CHECK(f.db->finish_print_part(job.id, 3, "host-a:1", 6, 50, "bb", kStart).error().kind == ErrorKind::Conflict);
  ok(f.db->finish_print_part(job.id, 2, "host-a:1", 6, 50, "bb", kStart + std::chrono::seconds(5)));
  CHECK(f.db->finish_print_part(job.id, 2, "host-a:1", 6, 50, "bb", kStart).error().kind == ErrorKind::Conflict);
  CHECK(f.db->finish_print_part(job.id, 4, "host-a:1", 6, 50, "cc", kStart).error().kind == ErrorKind::NotFound);
  const auto running = ok(f.db->print_job(job.id));
  CHECK_FALSE(running.parts[0].done());
  CHECK(running.parts[0].runner == "host-a:1");
  CHECK(running.parts[1].done());
  CHECK(running.parts[1].runner == "host-a:1");
  CHECK(running.parts[1].drawn == 1);
  CHECK(running.done == 1);
  CHECK(running.parts[1].pages == 6);
  CHECK(running.parts[1].file_size == 50);
  CHECK(running.parts[1].sha256 == "bb");
  CHECK(running.parts[1].finished_at == kStart + std::chrono::seconds(5));

  PrintRequest one_file = request_for();
  one_file.one_file = true;
  one_file.part_limit = 2;
  const auto whole = ok(f.db->create_print_job(one_file, PrintJobOrigin::Service, kOperator, kStart));
  REQUIRE(whole.parts.size() == 1);
  CHECK(whole.parts[0].agreements == 5);
  CHECK(whole.parts[0].college_code.empty());
}

TEST_CASE("a print job runs, finishes once and then never changes", "[contract][print]") {
  EACH_STORE_BACKEND_WITH(PrintFixture, f);
  const auto job = ok(f.db->create_print_job(request_for(), PrintJobOrigin::Service, kOperator, kStart));
  ok(f.db->claim_print_job(job.id, lease_of("host-a:1", kStart), kStart));
  ok(f.db->record_print_progress(job.id, 1, 3));
  ok(f.db->record_print_progress(job.id, 2, 1));
  CHECK(ok(f.db->print_job(job.id)).done == 4);
  const auto item = ok(f.db->print_items(job.id, 1, 1)).at(0);
  ok(f.db->record_print_failure(job.id, item, "字体缺字", kStart));
  CHECK(ok(f.db->print_job(job.id)).errors.size() == 1);
  CHECK(ok(f.db->print_records(item.agreement_id)).at(0).voided);

  // A restart renders everything again: errors cleared, records live again.
  ok(f.db->release_print_job(job.id, "host-a:1"));
  ok(f.db->claim_print_job(job.id, lease_of("host-a:1", kStart), kStart));
  CHECK(ok(f.db->print_job(job.id)).errors.empty());
  CHECK_FALSE(ok(f.db->print_records(item.agreement_id)).at(0).voided);
  CHECK(ok(f.db->unfinished_print_jobs(PrintJobOrigin::Service)).size() == 1);
  CHECK(ok(f.db->unfinished_print_jobs(PrintJobOrigin::Cli)).empty());

  ok(f.db->finish_print_job(job.id, 30, 12345, "ab", kStart));
  const auto done = ok(f.db->print_job(job.id));
  CHECK(done.state == PrintJobState::Done);
  CHECK(done.done == 5);
  CHECK(done.pages == 30);
  CHECK(ok(f.db->unfinished_print_jobs(PrintJobOrigin::Service)).empty());

  auto cancel = f.db->cancel_print_job(job.id, kOperator, kStart);
  REQUIRE_FALSE(cancel.ok());
  CHECK(cancel.error().kind == ErrorKind::Conflict);
  CHECK(f.db->claim_print_job(job.id, lease_of("host-b:2", kStart), kStart).error().kind == ErrorKind::Conflict);
  CHECK(ok(f.db->print_job(job.id)).state == PrintJobState::Done);
  CHECK_FALSE(ok(f.db->print_records(item.agreement_id)).at(0).voided);
}

TEST_CASE("a failed print job voids its records", "[contract][print]") {
  EACH_STORE_BACKEND_WITH(PrintFixture, f);
  const auto job = ok(f.db->create_print_job(request_for("CS"), PrintJobOrigin::Service, kOperator, kStart));
  ok(f.db->claim_print_job(job.id, lease_of("host-a:1", kStart), kStart));
  ok(f.db->fail_print_job(job.id, "磁盘已满", kStart));
  const auto failed = ok(f.db->print_job(job.id));
  CHECK(failed.state == PrintJobState::Failed);
  REQUIRE(failed.errors.size() == 1);
  CHECK(failed.errors[0].message == "磁盘已满");
  for (const auto& record : ok(f.db->print_records(f.signed_agreements[1].id))) CHECK(record.voided);
}

TEST_CASE("a claimed job belongs to its lease holder until the lease runs out", "[contract][print][lease]") {
  EACH_STORE_BACKEND_WITH(PrintFixture, f);
  const auto job = ok(f.db->create_print_job(request_for(), PrintJobOrigin::Service, kOperator, kStart));
  const auto claimed = ok(f.db->claim_next_print_job(lease_of("host-a:1", kStart), kStart));
  REQUIRE(claimed.has_value());
  CHECK(claimed->id == job.id);
  CHECK(claimed->state == PrintJobState::Running);
  CHECK(claimed->lease_owner == "host-a:1");
  CHECK(claimed->failures == 0);
  // Nothing else is ready, and while the lease lives nobody else gets the job.
  CHECK_FALSE(ok(f.db->claim_next_print_job(lease_of("host-b:2", kStart), kStart)).has_value());
  const auto busy = f.db->claim_print_job(job.id, lease_of("host-b:2", kStart), kStart);
  REQUIRE_FALSE(busy.ok());
  CHECK(busy.error().kind == ErrorKind::Conflict);
  ok(f.db->renew_print_lease(job.id, lease_of("host-a:1", kStart + std::chrono::seconds(20))));
  CHECK_FALSE(ok(f.db->claim_next_print_job(lease_of("host-b:2", kStart), kStart + std::chrono::seconds(40))).has_value());

  // Host a dies while drawing positions 1..2 of its first part (the other part's runner, host c,
  // lives on); once the lease ran out, host b takes over: one failure counted, a crash mark on
  // each position that was being drawn, same records.
  CHECK(ok(f.db->claim_print_part(job.id, lease_of("host-a:1", kStart), kStart)) == 1);
  ok(f.db->record_print_drawing(job.id, 1, "host-a:1", 1, 2));
  CHECK(f.db->record_print_drawing(job.id, 1, "host-c:3", 1, 2).error().kind == ErrorKind::Conflict);
  const auto helped = ok(f.db->claim_print_part_to_help(lease_of("host-c:3", kStart + std::chrono::seconds(30)),
                                                        kStart + std::chrono::seconds(30)));
  REQUIRE(helped.has_value());
  ok(f.db->record_print_drawing(job.id, 2, "host-c:3", 3, 3));
  ok(f.db->renew_print_part_leases(job.id, lease_of("host-c:3", kStart + std::chrono::seconds(60))));
  const auto later = kStart + std::chrono::seconds(60);
  const auto taken = ok(f.db->claim_next_print_job(lease_of("host-b:2", later), later));
  REQUIRE(taken.has_value());
  CHECK(taken->lease_owner == "host-b:2");
  CHECK(taken->failures == 1);
  CHECK(taken->crashes == std::map<int, int>{{1, 1}, {2, 1}});
  CHECK(taken->last_error == "打印进程意外中断");
  // The old owner has lost it: it can neither renew nor mark nor release.
  CHECK(f.db->renew_print_lease(job.id, lease_of("host-a:1", later)).error().kind == ErrorKind::Conflict);
  CHECK(f.db->record_print_drawing(job.id, 1, "host-a:1", 1, 1).error().kind == ErrorKind::Conflict);
  CHECK(f.db->release_print_job(job.id, "host-a:1").error().kind == ErrorKind::Conflict);
  std::size_t records = 0;
  for (const auto& agreement : f.signed_agreements) records += ok(f.db->print_records(agreement.id)).size();
  CHECK(records == 15);
}

TEST_CASE("a released job is resumed without a failure, a retried one waits for its time", "[contract][print][lease]") {
  EACH_STORE_BACKEND_WITH(PrintFixture, f);
  const auto job = ok(f.db->create_print_job(request_for(), PrintJobOrigin::Service, kOperator, kStart));
  ok(f.db->claim_print_job(job.id, lease_of("host-a:1", kStart), kStart));
  ok(f.db->release_print_job(job.id, "host-a:1"));
  auto resumed = ok(f.db->claim_next_print_job(lease_of("host-a:1", kStart), kStart));
  REQUIRE(resumed.has_value());
  CHECK(resumed->failures == 0);

  const auto retry_at = kStart + std::chrono::seconds(10);
  ok(f.db->retry_print_job(job.id, "host-a:1", "打印文件无法写入", retry_at));
  const auto queued = ok(f.db->print_job(job.id));
  CHECK(queued.state == PrintJobState::Queued);
  CHECK(queued.failures == 1);
  CHECK(queued.last_error == "打印文件无法写入");
  CHECK_FALSE(ok(f.db->claim_next_print_job(lease_of("host-a:1", kStart), kStart + std::chrono::seconds(9))).has_value());
  CHECK(ok(f.db->claim_next_print_job(lease_of("host-a:1", retry_at), retry_at)).has_value());
}

TEST_CASE("a queued command-line job is not the service's, until its owner's lease ran out", "[contract][print][lease]") {
  EACH_STORE_BACKEND_WITH(PrintFixture, f);
  const auto job = ok(f.db->create_print_job(request_for(), PrintJobOrigin::Cli, kOperator, kStart));
  CHECK_FALSE(ok(f.db->claim_next_print_job(lease_of("service:1", kStart), kStart)).has_value());
  ok(f.db->claim_print_job(job.id, lease_of("batch:7", kStart), kStart));
  CHECK_FALSE(ok(f.db->claim_next_print_job(lease_of("service:1", kStart), kStart)).has_value());
  // The batch process is known to be dead: its lease ends now, and the service takes the job.
  ok(f.db->break_print_lease(job.id, "batch:7", kStart));
  const auto taken = ok(f.db->claim_next_print_job(lease_of("service:1", kStart), kStart));
  REQUIRE(taken.has_value());
  CHECK(taken->id == job.id);
  CHECK(taken->origin == PrintJobOrigin::Cli);
  CHECK(taken->failures == 1);
}

TEST_CASE("a bulk load is one transaction: a failure inside leaves nothing behind", "[contract][bulk]") {
  EACH_STORE_BACKEND(f);
  auto failed = f.db->in_one_transaction([&]() -> Status {
    TRY(f.db->put_college({"ME", "机电工程学院"}));
    return Error::make(ErrorKind::Internal, "stop");
  });
  CHECK_FALSE(failed.ok());
  CHECK_FALSE(f.db->college_name("ME").ok());
  ok(f.db->in_one_transaction([&]() -> Status {
    TRY(f.db->put_college({"ME", "机电工程学院"}));
    f.add_verified_student("2022020101", "ME", "车辆工程");
    return {};
  }));
  CHECK(ok(f.db->college_name("ME")) == "机电工程学院");
  CHECK(ok(f.db->verify_audit_chain()).intact());
}

TEST_CASE("an unknown print job is not found, and jobs are listed newest first up to the limit", "[contract][print]") {
  EACH_STORE_BACKEND_WITH(PrintFixture, f);
  CHECK(f.db->print_job(999).error().kind == ErrorKind::NotFound);
  CHECK(f.db->claim_print_job(999, lease_of("host-a:1", kStart), kStart).error().kind == ErrorKind::NotFound);
  CHECK(f.db->cancel_print_job(999, kOperator, kStart).error().kind == ErrorKind::NotFound);
  CHECK(ok(f.db->print_jobs(10)).empty());
  const auto first = ok(f.db->create_print_job(request_for("CS"), PrintJobOrigin::Service, kOperator, kStart));
  const auto second = ok(f.db->create_print_job(request_for("ME"), PrintJobOrigin::Cli, kOperator, kStart));
  const auto listed = ok(f.db->print_jobs(10));
  REQUIRE(listed.size() == 2);
  CHECK(listed[0].id == second.id);
  CHECK(listed[0].origin == PrintJobOrigin::Cli);
  CHECK(listed[1].id == first.id);
  CHECK(ok(f.db->print_jobs(1)).size() == 1);
  CHECK(ok(f.db->print_job(first.id)).total == 3);
}

TEST_CASE("a job's items are read in slices in print order", "[contract][print]") {
  EACH_STORE_BACKEND_WITH(PrintFixture, f);
  const auto job = ok(f.db->create_print_job(request_for(), PrintJobOrigin::Service, kOperator, kStart));
  const auto head = ok(f.db->print_items(job.id, 0, 2));
  const auto tail = ok(f.db->print_items(job.id, 2, 10));
  REQUIRE(head.size() == 2);
  REQUIRE(tail.size() == 3);
  CHECK(head[0].position == 0);
  CHECK(head[1].position == 1);
  CHECK(tail[0].position == 2);
  CHECK(tail[2].student_no == "2022020102");
  CHECK(ok(f.db->print_items(job.id, 5, 10)).empty());
}

TEST_CASE("a job cancelled while it runs cannot be finished, and its records are void", "[contract][print]") {
  EACH_STORE_BACKEND_WITH(PrintFixture, f);
  const auto job = ok(f.db->create_print_job(request_for("ME"), PrintJobOrigin::Service, kOperator, kStart));
  ok(f.db->claim_print_job(job.id, lease_of("host-a:1", kStart), kStart));
  CHECK(ok(f.db->cancel_print_job(job.id, kOperator, kStart)).state == PrintJobState::Cancelled);
  const auto finished = f.db->finish_print_job(job.id, 12, 100, "ab", kStart);
  REQUIRE_FALSE(finished.ok());
  CHECK(finished.error().kind == ErrorKind::Conflict);
  CHECK(ok(f.db->print_job(job.id)).state == PrintJobState::Cancelled);
  for (const auto& record : ok(f.db->print_records(f.signed_agreements[0].id))) CHECK(record.voided);
  CHECK(ok(f.db->unfinished_print_jobs(PrintJobOrigin::Service)).empty());
}

TEST_CASE("runners on their own connections claiming at once: each job goes to exactly one of them",
          "[contract][print][lease][concurrency]") {
  constexpr int kRunners = 4;
  EACH_STORE_BACKEND_WITH(PrintFixture, f);
  const auto first = ok(f.db->create_print_job(request_for("CS"), PrintJobOrigin::Service, kOperator, kStart));
  const auto second = ok(f.db->create_print_job(request_for("ME"), PrintJobOrigin::Service, kOperator, kStart));

  const auto owner_of = [](int runner) { return "host-" + std::to_string(runner) + ":1"; };
  const auto [claimed, failures] = claim_at_once<workflow::PrintJob>(f, kRunners, [&](store::Store& store, int runner) {
    return store.claim_next_print_job(lease_of(owner_of(runner), kStart), kStart);
  });
  std::vector<std::pair<std::string, std::int64_t>> claims;  // owner, job
  for (const auto& [runner, job] : claimed) claims.emplace_back(owner_of(runner), job.id);
  INFO((failures.empty() ? std::string() : failures.front()));
  CHECK(failures.empty());
  REQUIRE(claims.size() == 2);
  CHECK(std::set<std::int64_t>{claims[0].second, claims[1].second} == std::set<std::int64_t>{first.id, second.id});
  CHECK(claims[0].first != claims[1].first);
  for (const auto& [owner, job_id] : claims) {
    const auto job = ok(f.db->print_job(job_id));
    CHECK(job.state == PrintJobState::Running);
    CHECK(job.lease_owner == owner);
  }
}

// ---- parts drawn side by side ----

// A service job of three parts (CS 2, CS 1, ME 2) claimed by host a.
struct PartsFixture : PrintFixture {
  explicit PartsFixture(const std::string& backend_name) : PrintFixture(backend_name) {
    PrintRequest request = request_for();
    request.part_limit = 2;
    job = ok(db->create_print_job(request, PrintJobOrigin::Service, kOperator, kStart));
    ok(db->claim_print_job(job.id, lease_of("host-a:1", kStart), kStart));
  }

  // A helper, `owner`, takes a part and records that it draws positions [from, to] of it; the
  // part's number.
  int helper_draws(const std::string& owner, int from, int to) {
    const auto helped = ok(db->claim_print_part_to_help(lease_of(owner, kStart), kStart));
    REQUIRE(helped.has_value());
    ok(db->record_print_drawing(job.id, helped->n, owner, from, to));
    return helped->n;
  }

  workflow::PrintJob job;
};

TEST_CASE("each part of a running job is claimed once, and again by the job's runner once its runner's lease ran out",
          "[contract][print][parts][lease]") {
  EACH_STORE_BACKEND_WITH(PartsFixture, f);
  const auto id = f.job.id;
  // Only the job's runner claims parts of it this way; a helper asks claim_print_part_to_help.
  CHECK(f.db->claim_print_part(id, lease_of("host-b:2", kStart), kStart).error().kind == ErrorKind::Conflict);
  CHECK(f.db->claim_print_part(999, lease_of("host-a:1", kStart), kStart).error().kind == ErrorKind::NotFound);
  CHECK(ok(f.db->claim_print_part(id, lease_of("host-a:1", kStart), kStart)) == 1);
  const auto helped = ok(f.db->claim_print_part_to_help(lease_of("host-b:2", kStart), kStart));
  REQUIRE(helped.has_value());
  CHECK(helped->job.id == id);
  CHECK(helped->n == 2);
  CHECK(ok(f.db->claim_print_part(id, lease_of("host-a:1", kStart), kStart)) == 3);
  CHECK_FALSE(ok(f.db->claim_print_part(id, lease_of("host-a:1", kStart), kStart)).has_value());
  CHECK_FALSE(ok(f.db->claim_print_part_to_help(lease_of("host-c:3", kStart), kStart)).has_value());

  // Host a's renewals keep its parts; host b stops renewing and its part is free 30 s later.
  const auto later = kStart + std::chrono::seconds(40);
  ok(f.db->renew_print_lease(id, lease_of("host-a:1", kStart + std::chrono::seconds(20))));
  CHECK_FALSE(ok(f.db->claim_print_part(id, lease_of("host-a:1", kStart + std::chrono::seconds(25)),
                                        kStart + std::chrono::seconds(25))).has_value());
  ok(f.db->renew_print_lease(id, lease_of("host-a:1", later)));
  // A part whose runner died is not a helper's to take: it may hold what killed that runner.
  CHECK_FALSE(ok(f.db->claim_print_part_to_help(lease_of("host-c:3", later), later)).has_value());
  CHECK(ok(f.db->claim_print_part(id, lease_of("host-a:1", later), later)) == 2);
  // Host b has lost its part: it can neither renew it nor record it.
  CHECK(f.db->renew_print_part_leases(id, lease_of("host-b:2", later)).error().kind == ErrorKind::Conflict);
  CHECK(f.db->finish_print_part(id, 2, "host-b:2", 3, 10, "bb", later).error().kind == ErrorKind::Conflict);
  const auto job = ok(f.db->print_job(id));
  for (const auto& part : job.parts) CHECK(part.runner == "host-a:1");
}

TEST_CASE("an idle runner helps only with a service job held by a live runner, also after a failed run",
          "[contract][print][parts][lease]") {
  EACH_STORE_BACKEND_WITH(PartsFixture, f);
  // Not its own job.
  CHECK_FALSE(ok(f.db->claim_print_part_to_help(lease_of("host-a:1", kStart), kStart)).has_value());
  // Not a job whose runner's lease ran out: that job is to be taken over, not helped.
  const auto expired = kStart + std::chrono::seconds(31);
  CHECK_FALSE(ok(f.db->claim_print_part_to_help(lease_of("host-b:2", expired), expired)).has_value());
  // Not a `sanfang batch` job: its parts go to that command's folder.
  PrintRequest request = request_for("ME");
  const auto batch = ok(f.db->create_print_job(request, PrintJobOrigin::Cli, kOperator, kStart));
  ok(f.db->claim_print_job(batch.id, lease_of("batch:7", kStart), kStart));
  ok(f.db->release_print_job(f.job.id, "host-a:1"));
  CHECK_FALSE(ok(f.db->claim_print_part_to_help(lease_of("host-b:2", kStart), kStart)).has_value());

  // After a run that failed too: each part keeps its own crash-mark range, and the helper learns
  // from the job it gets that it must record what it draws.
  ok(f.db->claim_next_print_job(lease_of("host-a:1", kStart), kStart));
  ok(f.db->retry_print_job(f.job.id, "host-a:1", "打印文件无法写入", kStart));
  ok(f.db->claim_next_print_job(lease_of("host-a:1", kStart), kStart));
  const auto helped = ok(f.db->claim_print_part_to_help(lease_of("host-b:2", kStart), kStart));
  REQUIRE(helped.has_value());
  CHECK(helped->job.failures == 1);
  CHECK(workflow::marks_drawing(helped->job));
  ok(f.db->record_print_drawing(f.job.id, helped->n, "host-b:2", 0, 0));
}

TEST_CASE("a job's progress is the sum of its parts', and a part let go of starts again",
          "[contract][print][parts]") {
  EACH_STORE_BACKEND_WITH(PartsFixture, f);
  const auto id = f.job.id;
  CHECK(ok(f.db->claim_print_part(id, lease_of("host-a:1", kStart), kStart)) == 1);
  const auto helped = ok(f.db->claim_print_part_to_help(lease_of("host-b:2", kStart), kStart));
  REQUIRE(helped.has_value());
  ok(f.db->record_print_progress(id, 1, 1));
  ok(f.db->record_print_progress(id, 2, 1));
  CHECK(ok(f.db->print_job(id)).done == 2);
  ok(f.db->finish_print_part(id, 1, "host-a:1", 6, 50, "aa", kStart));
  CHECK(ok(f.db->print_job(id)).done == 3);
  // Host b lets go of its part: its progress is gone, and the part is free for the job's runner.
  ok(f.db->release_print_part(id, 2, "host-b:2"));
  auto job = ok(f.db->print_job(id));
  CHECK(job.done == 2);
  CHECK(job.parts[1].runner.empty());
  CHECK(ok(f.db->claim_print_part(id, lease_of("host-a:1", kStart), kStart)) == 2);
}

TEST_CASE("a run that ends frees the parts not done; a take-over keeps a live helper's part",
          "[contract][print][parts][lease]") {
  EACH_STORE_BACKEND_WITH(PartsFixture, f);
  const auto id = f.job.id;
  CHECK(ok(f.db->claim_print_part(id, lease_of("host-a:1", kStart), kStart)) == 1);
  ok(f.db->finish_print_part(id, 1, "host-a:1", 6, 50, "aa", kStart));
  CHECK(ok(f.db->claim_print_part(id, lease_of("host-a:1", kStart), kStart)) == 2);
  // Host b helps with part 3 and keeps renewing; host a dies.
  const auto later = kStart + std::chrono::seconds(40);
  REQUIRE(ok(f.db->claim_print_part_to_help(lease_of("host-b:2", kStart + std::chrono::seconds(20)),
                                           kStart + std::chrono::seconds(20)))
              .has_value());
  ok(f.db->renew_print_part_leases(id, lease_of("host-b:2", later)));
  const auto taken = ok(f.db->claim_next_print_job(lease_of("host-c:3", later), later));
  REQUIRE(taken.has_value());
  CHECK(taken->parts[0].done());                  // a done part stays done: its file is a blob
  CHECK(taken->parts[1].runner.empty());          // the dead owner's part is free
  CHECK(taken->parts[2].runner == "host-b:2");    // the helper's is still its own
  CHECK(ok(f.db->claim_print_part(id, lease_of("host-c:3", later), later)) == 2);
  CHECK_FALSE(ok(f.db->claim_print_part(id, lease_of("host-c:3", later), later)).has_value());

  // The run ends (cancelled): nobody draws the parts not done any more.
  ok(f.db->cancel_print_job(id, kOperator, later));
  for (const auto& part : ok(f.db->print_job(id)).parts)
    if (!part.done()) CHECK(part.runner.empty());
  CHECK(f.db->renew_print_part_leases(id, lease_of("host-b:2", later)).error().kind == ErrorKind::Conflict);
}

TEST_CASE("a helper that died leaves crash marks on what it was drawing when the job's runner takes its part",
          "[contract][print][parts][lease]") {
  EACH_STORE_BACKEND_WITH(PartsFixture, f);
  const auto id = f.job.id;
  CHECK(f.helper_draws("host-b:2", 0, 1) == 1);
  // Host b dies; host a (renewing) claims the part once b's lease ran out.
  const auto later = kStart + std::chrono::seconds(40);
  ok(f.db->renew_print_lease(id, lease_of("host-a:1", later)));
  CHECK(ok(f.db->claim_print_part(id, lease_of("host-a:1", later), later)) == 1);
  const auto job = ok(f.db->print_job(id));
  CHECK(job.crashes == std::map<int, int>{{0, 1}, {1, 1}});
  CHECK(job.failures == 0);  // the job's own run goes on
  CHECK(workflow::marks_drawing(job));
}

TEST_CASE("a helper known dead has its part's lease broken at once: the job's runner takes the part and marks it",
          "[contract][print][parts][lease]") {
  EACH_STORE_BACKEND_WITH(PartsFixture, f);
  const auto id = f.job.id;
  const int helped = f.helper_draws("host-b:2", 0, 0);
  // Only the runner that holds the part is broken: naming another changes nothing.
  ok(f.db->break_print_part_lease(id, helped, "host-c:3", kStart));
  CHECK(ok(f.db->claim_print_part(id, lease_of("host-a:1", kStart), kStart)) != helped);
  // Host b's process is gone: its lease ends now, not 30 s later.
  ok(f.db->break_print_part_lease(id, helped, "host-b:2", kStart));
  CHECK(ok(f.db->claim_print_part(id, lease_of("host-a:1", kStart), kStart)) == helped);
  const auto job = ok(f.db->print_job(id));
  CHECK(job.crashes == std::map<int, int>{{0, 1}});
  CHECK(job.failures == 0);
  // A part already drawn keeps its runner and its file.
  ok(f.db->finish_print_part(id, helped, "host-a:1", 6, 50, "aa", kStart));
  ok(f.db->break_print_part_lease(id, helped, "host-a:1", kStart));
  for (const auto& part : ok(f.db->print_job(id)).parts)
    if (part.n == helped) CHECK(part.done());
}

TEST_CASE("a batch's drawing processes help with that job alone, whatever its origin", "[contract][print][parts][lease]") {
  EACH_STORE_BACKEND_WITH(PartsFixture, f);
  PrintRequest request = request_for();
  request.part_limit = 2;
  const auto batch = ok(f.db->create_print_job(request, PrintJobOrigin::Cli, kOperator, kStart));
  ok(f.db->release_print_job(f.job.id, "host-a:1"));
  ok(f.db->claim_print_job(batch.id, lease_of("batch:7", kStart), kStart));
  // Not helped by idle runners in general; helped when named.
  CHECK_FALSE(ok(f.db->claim_print_part_to_help(lease_of("batch:8/1", kStart), kStart)).has_value());
  const auto helped = ok(f.db->claim_print_part_to_help(lease_of("batch:8/1", kStart), kStart, batch.id));
  REQUIRE(helped.has_value());
  CHECK(helped->job.id == batch.id);
  CHECK(helped->n == 1);
  // Naming another job (not running) or its own job gives nothing.
  CHECK_FALSE(ok(f.db->claim_print_part_to_help(lease_of("batch:8/1", kStart), kStart, f.job.id)).has_value());
  CHECK_FALSE(ok(f.db->claim_print_part_to_help(lease_of("batch:7", kStart), kStart, batch.id)).has_value());
  // Nor once the batch's lease ran out: the batch died and the job waits to be taken over.
  const auto expired = kStart + std::chrono::seconds(31);
  CHECK_FALSE(ok(f.db->claim_print_part_to_help(lease_of("batch:8/1", expired), expired, batch.id)).has_value());
}

TEST_CASE("a command's claim of a job draws every part again: its files go to the command's folder",
          "[contract][print][parts]") {
  EACH_STORE_BACKEND_WITH(PartsFixture, f);
  CHECK(ok(f.db->claim_print_part(f.job.id, lease_of("host-a:1", kStart), kStart)) == 1);
  ok(f.db->finish_print_part(f.job.id, 1, "host-a:1", 6, 50, "aa", kStart));
  ok(f.db->release_print_job(f.job.id, "host-a:1"));
  const auto resumed = ok(f.db->claim_print_job(f.job.id, lease_of("batch:7", kStart), kStart));
  CHECK_FALSE(resumed.parts[0].done());
  CHECK(resumed.parts[0].sha256.empty());
  CHECK(resumed.done == 0);
}

TEST_CASE("8 idle runners on their own connections claiming at once: each part goes to exactly one",
          "[contract][print][parts][concurrency]") {
  constexpr int kRunners = 8;
  EACH_STORE_BACKEND_WITH(PartsFixture, f);
  const auto [claims, failures] = claim_at_once<store::PrintPartClaim>(f, kRunners, [](store::Store& store, int runner) {
    return store.claim_print_part_to_help(lease_of("helper-" + std::to_string(runner) + ":1", kStart), kStart);
  });
  std::vector<int> claimed_parts;
  for (const auto& [runner, claim] : claims) claimed_parts.push_back(claim.n);
  INFO((failures.empty() ? std::string() : failures.front()));
  CHECK(failures.empty());
  std::sort(claimed_parts.begin(), claimed_parts.end());
  CHECK(claimed_parts == std::vector<int>{1, 2, 3});
}

TEST_CASE("every connection answers the readiness check", "[contract][bulk]") {
  EACH_STORE_BACKEND(f);
  ok(f.db->ping());
  ok(f.connect()->ping());
}

}  // namespace
}  // namespace sanfang::test::contract
