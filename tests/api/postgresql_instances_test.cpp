// Several `sanfang serve` instances on one PostgreSQL database (issue "Several instances on
// PostgreSQL"): any instance answers for what another stored, and an instance whose verification
// key differs from the one the database recorded refuses to start.
#include "documents_support.h"
#include "service_fixture.h"

#include "pg/pg_fixture.h"

#include "api/documents.h"
#include "api/service.h"
#include "core/verification_token.h"
#include "jobs/print_runner.h"
#include "jobs/render_pool.h"
#include "store/secrets.h"

#include <chrono>
#include <future>
#include <thread>

using namespace sanfang;
using sanfang::testing::DocumentsWorld;
using sanfang::testing::HttpClient;
using sanfang::testing::require_ok;
using sanfang::testing::ServiceFixture;
using sanfang::testing::ServiceFixtureOptions;
using workflow::Role;

namespace {

std::string printed_token(api::App& app, const workflow::Agreement& agreement, int copy) {
  const auto document = require_ok(app.store->signed_document(agreement.id));
  const auto hash = require_ok(api::hex_decode_hash(document.content_hash));
  return core::make_verification_token(app.key, *agreement.serial, copy, hash);
}

constexpr auto kJobTimeout = std::chrono::seconds(120);

const std::vector<std::string> kNames = {"欧阳明", "李华", "王芳", "张伟", "刘洋", "陈静"};

// Students 2201300001… with the names above.
std::string student_no(std::size_t index) { return "22013000" + std::string(index < 9 ? "0" : "") + std::to_string(index + 1); }

// `count` (at most kNames.size()) signed agreements.
void sign_agreements(DocumentsWorld& world, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    world.add_verified_student(student_no(i), kNames[i]);
    REQUIRE(world.sign(world.in_review(student_no(i))).serial);
  }
}

nlohmann::json wait_until_done(HttpClient& client, std::int64_t id) {
  const auto deadline = std::chrono::steady_clock::now() + kJobTimeout;
  for (;;) {
    const auto job = client.get("/api/v1/print-jobs/" + std::to_string(id)).json();
    if (job["state"] == "done") return job;
    REQUIRE(job["state"] != "failed");
    REQUIRE(job["state"] != "cancelled");
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// The job's PDF through `client`, checked against the job's own facts (ETag, size, sha256).
std::string download_print(HttpClient& client, const nlohmann::json& job) {
  const auto pdf = client.get("/api/v1/print-jobs/" + std::to_string(job["id"].get<int>()) + "/pdf");
  REQUIRE(pdf.status == 200);
  CHECK(pdf.header("content-type") == "application/pdf");
  CHECK(pdf.header("etag") == "\"" + job["sha256"].get<std::string>() + "\"");
  CHECK(static_cast<std::int64_t>(pdf.body.size()) == job["size"].get<std::int64_t>());
  CHECK(store::sha256_hex(pdf.body) == job["sha256"]);
  return pdf.body;
}

// Every agreement of the job was recorded once per copy, and no record is void.
void check_recorded_once(api::App& app, std::int64_t job_id, int agreements) {
  const auto items = require_ok(app.store->print_items(job_id, 0, 1000));
  REQUIRE(static_cast<int>(items.size()) == agreements);
  for (const auto& item : items) {
    const auto records = require_ok(app.store->print_records(item.agreement_id));
    CHECK(records.size() == 3);
    for (const auto& record : records) CHECK_FALSE(record.voided);
  }
}

}  // namespace

TEST_CASE("two instances on one PostgreSQL database share sessions, signed PDFs and QR verification",
          "[api][postgresql]") {
  test::TestDatabase database;
  ServiceFixtureOptions first_options;
  first_options.db = database.url();
  ServiceFixture first(first_options);
  ServiceFixtureOptions second_options = first_options;
  second_options.verification_key_from = first.data_dir() / "verification.key";
  ServiceFixture second(second_options);

  DocumentsWorld world(first.app());
  world.add_verified_student("2201300001", "欧阳明");
  const workflow::Agreement signed_agreement = world.sign(world.in_review("2201300001"));
  REQUIRE(signed_agreement.serial);
  const std::string student = world.token(Role::Student, "2201300001");

  HttpClient on_first(first.base_url()), on_second(second.base_url());
  on_first.set_token(student);
  on_second.set_token(student);
  // A session opened through one instance is accepted by the other.
  CHECK(on_second.get("/api/v1/auth/me").json()["username"].is_string());

  // The signed PDF stored through the first is served, byte for byte, by the second.
  const std::string path = "/api/v1/agreements/" + std::to_string(signed_agreement.id) + "/pdf";
  const auto from_first = on_first.get(path);
  const auto from_second = on_second.get(path);
  REQUIRE(from_first.status == 200);
  REQUIRE(from_second.status == 200);
  CHECK(from_second.header("content-type") == "application/pdf");
  CHECK(from_second.body == from_first.body);

  // A QR code printed through the first reads 有效 on the second.
  HttpClient stranger(second.base_url());
  const auto page = stranger.get("/V/" + printed_token(first.app(), signed_agreement, 1),
                                 {{"Accept", "application/json"}});
  CHECK(page.json()["status"] == "valid");
}

TEST_CASE("an instance whose verification key differs from the database's is refused at start, naming the key file",
          "[api][postgresql]") {
  test::TestDatabase database;
  ServiceFixtureOptions options;
  options.db = database.url();
  ServiceFixture first(options);

  test::TempFolder other;
  api::ServiceOptions second;
  second.db = database.url();
  second.data_dir = other.path();
  second.share_dir = SANFANG_SOURCE_DIR;
  second.port = 0;
  second.render_threads = 1;
  auto started = api::Service::start(second);
  REQUIRE_FALSE(started.ok());
  CHECK(started.error().kind == ErrorKind::Conflict);
  CHECK(started.error().describe().find("verification.key") != std::string::npos);
}

TEST_CASE("an unreachable PostgreSQL is a clear error at start", "[api][postgresql]") {
  test::TempFolder folder;
  api::ServiceOptions options;
  options.db = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2";
  options.data_dir = folder.path();
  options.share_dir = SANFANG_SOURCE_DIR;
  options.port = 0;
  options.render_threads = 1;
  auto started = api::Service::start(options);
  REQUIRE_FALSE(started.ok());
  CHECK(started.error().kind == ErrorKind::Io);
}

TEST_CASE("a print job printed by one instance is downloaded byte for byte, with the same ETag, from another",
          "[api][postgresql][print]") {
  test::TestDatabase database;
  ServiceFixtureOptions first_options;
  first_options.db = database.url();
  ServiceFixture first(first_options);
  DocumentsWorld world(first.app());
  sign_agreements(world, 2);
  HttpClient on_first(first.base_url());
  on_first.set_token(world.token(Role::School));
  const auto created = on_first.post_json("/api/v1/print-jobs", nlohmann::json{{"one_file", true}});
  REQUIRE(created.status == 202);
  const nlohmann::json job = wait_until_done(on_first, created.json()["id"].get<std::int64_t>());
  const std::string from_first = download_print(on_first, job);

  // The second instance starts after the job was done: it never had the file on its disk.
  ServiceFixtureOptions second_options = first_options;
  second_options.verification_key_from = first.data_dir() / "verification.key";
  ServiceFixture second(second_options);
  HttpClient on_second(second.base_url());
  on_second.set_token(world.token(Role::School));
  const std::string from_second = download_print(on_second, job);
  CHECK(from_second == from_first);
  const auto unchanged = on_second.get("/api/v1/print-jobs/" + std::to_string(job["id"].get<int>()) + "/pdf",
                                       {{"If-None-Match", "\"" + job["sha256"].get<std::string>() + "\""}});
  CHECK(unchanged.status == 304);
  // The rendering instance's folder keeps no copy: the PDF lives in the database (and caches).
  CHECK(std::filesystem::is_empty(first.data_dir() / "print-jobs"));
  check_recorded_once(first.app(), job["id"], 2);
}

TEST_CASE("a print job whose instance stopped renewing its lease mid-job is finished by another, recorded once",
          "[api][postgresql][print]") {
  const int kAgreements = static_cast<int>(kNames.size());
  test::TestDatabase database;
  ServiceFixtureOptions first_options;
  first_options.db = database.url();
  first_options.print.slice = 1;  // one agreement per slice: the job is caught in the middle
  first_options.print.progress_interval = std::chrono::milliseconds(0);
  ServiceFixture first(first_options);
  DocumentsWorld world(first.app());
  sign_agreements(world, kNames.size());
  HttpClient on_first(first.base_url());
  on_first.set_token(world.token(Role::School));
  const auto created = on_first.post_json("/api/v1/print-jobs", nlohmann::json{{"one_file", true}});
  REQUIRE(created.status == 202);
  const std::int64_t id = created.json()["id"];

  // The first instance hangs mid-job: its render thread is held once an agreement is drawn.
  const auto deadline = std::chrono::steady_clock::now() + kJobTimeout;
  while (require_ok(first.app().store->print_job(id)).done == 0) {
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  std::promise<void> release;
  std::shared_future<void> held = release.get_future().share();
  first.app().renders->submit([held](render::Renderer&) { held.wait(); }, true);
  struct Release {
    std::promise<void>& promise;
    bool done = false;
    void operator()() {
      if (!done) promise.set_value();
      done = true;
    }
    ~Release() { (*this)(); }
  } let_go{release};
  const auto stalled = require_ok(first.app().store->print_job(id));
  REQUIRE(stalled.state == workflow::PrintJobState::Running);
  REQUIRE(stalled.done < kAgreements);

  // A second instance whose clock is past the first's lease: for it the lease has run out.
  ServiceFixtureOptions second_options = first_options;
  second_options.verification_key_from = first.data_dir() / "verification.key";
  ServiceFixture second(second_options);
  second.clock().advance(2 * jobs::kLeaseDefault);
  second.app().prints->wake();
  HttpClient on_second(second.base_url());
  on_second.set_token(world.token(Role::School));
  const nlohmann::json job = wait_until_done(on_second, id);
  CHECK(job["failures"] == 1);  // the first instance's run, taken over

  // The first instance wakes up to find the job gone; it writes nothing more.
  let_go();
  const std::string from_second = download_print(on_second, job);
  const std::string from_first = download_print(on_first, job);
  CHECK(from_first == from_second);
  CHECK(require_ok(first.app().store->print_job(id)).state == workflow::PrintJobState::Done);
  check_recorded_once(first.app(), id, kAgreements);
}

TEST_CASE("two instances sweeping in one period expire each invitation once and record one run",
          "[api][postgresql][expiry]") {
  test::TestDatabase database;
  ServiceFixtureOptions first_options;
  first_options.db = database.url();
  ServiceFixture first(first_options);
  ServiceFixtureOptions second_options = first_options;
  second_options.verification_key_from = first.data_dir() / "verification.key";
  ServiceFixture second(second_options);
  DocumentsWorld world(first.app());
  std::vector<std::int64_t> invitations;
  for (std::size_t i = 0; i < 3; ++i) {
    world.add_verified_student(student_no(i), kNames[i]);
    invitations.push_back(world.invited(student_no(i)).id);
  }

  // Both wake after the invitations ran out (SPEC: 14 days after sending), in the same period.
  const auto later = first.clock().now() + std::chrono::days(15);
  first.clock().set(later);
  second.clock().set(later);
  const auto by_first = require_ok(first.service().expiry_sweeper().run_if_due());
  const auto by_second = require_ok(second.service().expiry_sweeper().run_if_due());
  CHECK(by_first.has_value() != by_second.has_value());
  const auto& sweep = by_first ? *by_first : *by_second;
  CHECK(sweep.expired == 3);

  for (const std::int64_t id : invitations) {
    CHECK(require_ok(second.app().store->agreement(id)).state == workflow::AgreementState::Expired);
    int expiries = 0;
    for (const auto& record : require_ok(first.app().store->audit_trail("agreement", std::to_string(id))))
      if (record.event.to_state == "expired") ++expiries;
    CHECK(expiries == 1);
  }
  // The sessions the world's accounts opened at the start have ended; one instance forgets them.
  const auto forgotten_by_first = require_ok(first.service().expiry_sweeper().forget_expired_if_due());
  const auto forgotten_by_second = require_ok(second.service().expiry_sweeper().forget_expired_if_due());
  CHECK(forgotten_by_first.has_value() != forgotten_by_second.has_value());

  auto connection = database.connect();
  const auto runs = require_ok(connection.exec("SELECT name, last_run_at FROM periodic_runs ORDER BY name"));
  REQUIRE(runs.size() == 2);
  CHECK(runs.text(0, 0) == "expired_credentials");
  CHECK(runs.int64(0, 1) == workflow::to_unix_seconds(later));
  CHECK(runs.text(1, 0) == "invitation_expiry");
  CHECK(runs.int64(1, 1) == workflow::to_unix_seconds(later));
  CHECK(require_ok(connection.exec("SELECT count(*) FROM sessions")).int64(0, 0) == 0);
}
