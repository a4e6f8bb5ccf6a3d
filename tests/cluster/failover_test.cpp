// What survives the loss of an instance, with real processes (issue "Several instances on
// PostgreSQL"): a print job whose instance is killed with SIGKILL mid-job is finished by another
// instance, every agreement printed once; and the periodic work of several instances starting
// together — the invitation expiry sweep — is done by one of them.
#include "cluster.h"

#include "pdf_probe.h"
#include "workflow_test_support.h"

#include "store/secrets.h"

#include <chrono>
#include <csignal>
#include <fstream>
#include <memory>
#include <set>
#include <thread>

using namespace sanfang;
using sanfang::cluster::Cluster;
using sanfang::testing::HttpClient;
using sanfang::test::ok;
using workflow::Role;

namespace {

constexpr auto kTimeout = std::chrono::minutes(3);

std::string job_path(std::int64_t id) { return "/api/v1/print-jobs/" + std::to_string(id); }

// The process id in a lease owner "host:pid/runner".
pid_t owner_pid(const std::string& owner) {
  const auto colon = owner.rfind(':');
  const auto slash = owner.find('/', colon);
  REQUIRE(colon != std::string::npos);
  REQUIRE(slash != std::string::npos);
  return static_cast<pid_t>(std::stol(owner.substr(colon + 1, slash - colon - 1)));
}

// How many times the instance logged `event`, and the sum of its `count` fields.
std::pair<int, long> logged(const std::filesystem::path& log_file, const std::string& event) {
  std::ifstream in(log_file);
  int lines = 0;
  long count = 0;
  for (std::string line; std::getline(in, line);) {
    const auto entry = nlohmann::json::parse(line, nullptr, false);
    if (entry.is_discarded() || entry.value("event", "") != event) continue;
    ++lines;
    count += entry.value("count", 0L);
  }
  return {lines, count};
}

// Creates a print job of every signed agreement through `client` and waits until an instance's
// runner has claimed it: the job as it then is (with its lease).
nlohmann::json create_job_and_wait_for_runner(HttpClient& client, std::chrono::steady_clock::time_point deadline) {
  const auto created = client.post_json("/api/v1/print-jobs", nlohmann::json::object());
  REQUIRE(created.status == 202);
  const std::int64_t id = created.json()["id"];
  for (;;) {
    const nlohmann::json running = client.get(job_path(id)).json();
    if (running["state"] == "running" && running.contains("lease")) return running;
    REQUIRE(running["state"] == "queued");
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

nlohmann::json wait_until_done(HttpClient& client, std::int64_t id, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    const nlohmann::json job = client.get(job_path(id)).json();
    if (job["state"] == "done") return job;
    REQUIRE(job["state"] != "failed");
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// Every agreement of the job printed once per copy, by this job, none twice and none void.
void check_printed_once(Cluster& cluster, std::int64_t id, int agreements) {
  auto connection = cluster.connect();
  const auto records = ok(connection.exec(
      "SELECT count(*), count(DISTINCT (agreement_id, copy)), count(DISTINCT agreement_id),"
      " count(*) FILTER (WHERE voided_at IS NULL) FROM print_records WHERE job_id = $1",
      store::pg::Params().add(id)));
  CHECK(records.int64(0, 0) == 3 * agreements);
  CHECK(records.int64(0, 1) == 3 * agreements);
  CHECK(records.int64(0, 2) == agreements);
  CHECK(records.int64(0, 3) == 3 * agreements);
}

}  // namespace

TEST_CASE("an instance killed mid print job: another instance finishes it and every agreement is printed once",
          "[cluster][postgresql][print]") {
  // Enough agreements that the job runs for seconds on one render thread, so that it is caught
  // running, long before it could finish, the moment its lease shows.
  constexpr int kAgreements = 400;
  Cluster cluster;
  cluster.signed_agreements(kAgreements);
  const std::string school = cluster.token(Role::School);
  cluster.start(2);

  HttpClient first(cluster.base_url(0));
  first.set_token(school);
  const auto deadline = std::chrono::steady_clock::now() + kTimeout;
  const nlohmann::json running = create_job_and_wait_for_runner(first, deadline);
  const std::int64_t id = running["id"];
  const pid_t runner = owner_pid(running["lease"]["owner"]);
  const int victim = cluster.instance(0).pid() == runner ? 0 : 1;
  REQUIRE(cluster.instance(victim).pid() == runner);
  cluster.instance(victim).kill();
  const int survivor = 1 - victim;

  HttpClient other(cluster.base_url(survivor));
  other.set_token(school);
  const nlohmann::json job = wait_until_done(other, id, deadline);
  INFO(job.dump());
  // The killed run counts as the one failure; the survivor's run finished the job.
  CHECK(job["failures"] == 1);
  CHECK(job["done"] == kAgreements);
  CHECK(job["errors"].empty());

  const auto pdf = other.get(job_path(id) + "/pdf");
  REQUIRE(pdf.status == 200);
  CHECK(store::sha256_hex(pdf.body) == job["sha256"]);
  const testing::PdfProbe probe(pdf.body);
  REQUIRE(probe.valid());
  CHECK(probe.pages() == job["pages"].get<int>());

  check_printed_once(cluster, id, kAgreements);
}

TEST_CASE("a print job's parts are drawn by every instance: another instance helps while the job's own is held up",
          "[cluster][postgresql][print][parts]") {
  constexpr int kAgreements = 240;
  Cluster cluster;
  cluster.signed_agreements(kAgreements);
  const std::string school = cluster.token(Role::School);
  // Instances alone draw here: a paused instance's drawing processes would go on drawing the
  // parts nobody has started (they are tested in api.*drawing process*).
  cluster.start(2, {{"print_part_limit", 20}, {"print_processes", 0}});

  HttpClient first(cluster.base_url(0));
  first.set_token(school);
  // The instance that claims the job is paused (as a busy or swapping machine would be): its
  // lease lives on, so the other instance does not take the job over but helps with its parts.
  const auto deadline = std::chrono::steady_clock::now() + kTimeout;
  const nlohmann::json running = create_job_and_wait_for_runner(first, deadline);
  const std::int64_t id = running["id"];
  REQUIRE(running["parts"].size() == kAgreements / 20);
  const pid_t owner = owner_pid(running["lease"]["owner"]);
  const int held_up = cluster.instance(0).pid() == owner ? 0 : 1;
  const pid_t helper = cluster.instance(1 - held_up).pid();
  auto connection = cluster.connect();
  {
    REQUIRE(::kill(owner, SIGSTOP) == 0);
    // Resumed however this block ends, so that the instance can be stopped afterwards.
    const std::unique_ptr<const pid_t, void (*)(const pid_t*)> resume(&owner, [](const pid_t* pid) { ::kill(*pid, SIGCONT); });
    for (;;) {
      const auto helped = ok(connection.exec(
          "SELECT count(*) FROM print_job_parts WHERE job_id = $1 AND finished_at IS NOT NULL AND runner LIKE $2",
          store::pg::Params().add(id).add("%:" + std::to_string(helper) + "/%")));
      if (helped.int64(0, 0) >= 2) break;
      REQUIRE(std::chrono::steady_clock::now() < deadline);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  HttpClient other(cluster.base_url(1 - held_up));
  other.set_token(school);
  const nlohmann::json job = wait_until_done(other, id, deadline);
  INFO(job.dump());
  CHECK(job["failures"] == 0);
  CHECK(job["done"] == kAgreements);
  CHECK(job["errors"].empty());
  std::set<std::string> runners;
  int pages = 0;
  for (const auto& part : job["parts"]) {
    runners.insert(part["runner"].get<std::string>());
    // Every part is downloadable from either instance, byte for byte.
    const auto pdf = first.get(part["url"].get<std::string>());
    REQUIRE(pdf.status == 200);
    CHECK(store::sha256_hex(pdf.body) == part["sha256"]);
    const testing::PdfProbe probe(pdf.body);
    CHECK(probe.pages() == 6 * part["agreements"].get<int>());
    pages += probe.pages();
  }
  CHECK(pages == job["pages"].get<int>());
  CHECK(runners.size() >= 2);

  check_printed_once(cluster, id, kAgreements);
}

TEST_CASE("three instances starting together expire due invitations once: one instance sweeps, each expiry audited once",
          "[cluster][postgresql]") {
  constexpr int kInvitations = 12;
  Cluster cluster;
  // SPEC: an invitation expires 14 days after it was sent.
  const auto invitations = cluster.invitations_sent(kInvitations, 0, 15);
  cluster.start(3);

  auto database = cluster.open_store();
  const auto deadline = std::chrono::steady_clock::now() + kTimeout;
  for (const auto& invitation : invitations) {
    while (ok(database->agreement(invitation.id)).state != workflow::AgreementState::Expired) {
      REQUIRE(std::chrono::steady_clock::now() < deadline);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    int expiries = 0;
    for (const auto& record : ok(database->audit_trail("agreement", std::to_string(invitation.id))))
      if (record.event.to_state == "expired") ++expiries;
    CHECK(expiries == 1);
  }
  int sweeping_instances = 0;
  long expired = 0;
  for (int i = 0; i < cluster.size(); ++i) {
    const auto [lines, count] = logged(cluster.instance(i).stderr_file(), "invitations_expired");
    if (lines > 0) ++sweeping_instances;
    expired += count;
  }
  CHECK(sweeping_instances == 1);
  CHECK(expired == kInvitations);
  CHECK(ok(database->verify_audit_chain()).intact());
}
