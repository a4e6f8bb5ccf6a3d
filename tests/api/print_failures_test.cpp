// Print jobs whose failures end and are seen (SPEC "Print room"): an agreement that cannot be
// drawn is listed and skipped, an output that cannot be written fails the job with its reason
// after a limited number of retries, an agreement a runner died on twice is skipped, and a job of
// a dead runner is taken over by the service — each over a real service, store and PDF.
#include "service_fixture.h"

#include "../render/pdf_probe.h"
#include "core/log.h"
#include "store/sqlite_store.h"

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <fstream>
#include <regex>
#include <thread>

namespace sanfang::testing {
namespace {

using nlohmann::json;

constexpr auto kJobTimeout = std::chrono::seconds(120);

json wait_until_finished(HttpClient& client, std::int64_t id) {
  const auto deadline = std::chrono::steady_clock::now() + kJobTimeout;
  for (;;) {
    const auto polled = client.get("/api/v1/print-jobs/" + std::to_string(id));
    REQUIRE(polled.status == 200);
    const json job = polled.json();
    const std::string state = job["state"];
    if (state == "done" || state == "failed" || state == "cancelled") return job;
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::int64_t create_job(HttpClient& client) {
  const auto created = client.post_json("/api/v1/print-jobs", json{{"one_file", true}});
  INFO(created.body);
  REQUIRE(created.status == 202);
  return created.json()["id"];
}

// The counter of one background task as /metrics shows it.
long long failure_counter(HttpClient& client, const std::string& task) {
  const std::string text = client.get("/metrics").body;
  const std::regex line("sanfang_background_failures_total\\{task=\"" + task + "\"\\} ([0-9]+)");
  std::smatch match;
  REQUIRE(std::regex_search(text, match, line));
  return std::stoll(match[1]);
}

// Damages a signed agreement as only an outside hand could (the schema forbids it): its snapshot
// names the student with a private-use character that no font has, so it cannot be drawn.
void damage_snapshot(const std::filesystem::path& data_dir, std::int64_t agreement_id) {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(store::SqliteStore::database_path(data_dir).c_str(), &raw) == SQLITE_OK);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, &sqlite3_close);
  sqlite3_busy_timeout(db.get(), 5000);
  const std::string sql =
      "DROP TRIGGER agreements_signed_never_change;"
      "UPDATE agreements SET snapshot = json_set(snapshot, '$.student.name', char(57344)) WHERE id = " +
      std::to_string(agreement_id) + ";";
  char* message = nullptr;
  const int rc = sqlite3_exec(db.get(), sql.c_str(), nullptr, nullptr, &message);
  INFO((message ? message : ""));
  sqlite3_free(message);
  REQUIRE(rc == SQLITE_OK);
}

std::size_t live_records(ServiceFixture& fixture, std::int64_t agreement_id) {
  std::size_t live = 0;
  const auto records = fixture.app().store->print_records(agreement_id).value();
  for (const auto& record : records) live += !record.voided;
  return live;
}

TEST_CASE("a job that hits an agreement that cannot be drawn finishes with it listed, and runs once",
          "[api][print][failure]") {
  ServiceFixture fixture({.seeded_agreements = 4});
  HttpClient client(fixture.base_url());
  client.set_token(fixture.seeded_api_key("print"));
  const auto first = fixture.app().store->agreement_by_serial(fixture.seeded_accounts()["first_serial"].get<std::string>());
  REQUIRE(first.ok());
  damage_snapshot(fixture.data_dir(), first->id);

  const json job = wait_until_finished(client, create_job(client));
  CHECK(job["state"] == "done");
  REQUIRE(job["errors"].size() == 1);
  CHECK(job["errors"][0]["serial"] == *first->serial);
  CHECK(job["failures"] == 0);
  CHECK(job["total"] == 4);
  const auto pdf = client.get("/api/v1/print-jobs/" + std::to_string(job["id"].get<int>()) + "/pdf");
  REQUIRE(pdf.status == 200);
  CHECK(PdfProbe(pdf.body).pages() == 3 * 6);
  CHECK(live_records(fixture, first->id) == 0);
  const auto trail = fixture.app().store->audit_trail("print_job", std::to_string(job["id"].get<int>())).value();
  for (const auto& record : trail) CHECK(record.event.action != "take_over");
}

TEST_CASE("a job whose file cannot be written is retried a limited number of times, then failed with its reason",
          "[api][print][failure]") {
  ServiceFixtureOptions options{.seeded_agreements = 2};
  options.print.retry = {2, std::chrono::seconds(0), std::chrono::seconds(0)};
  ServiceFixture fixture(options);
  HttpClient client(fixture.base_url());
  client.set_token(fixture.seeded_api_key("print"));
  const long long failures_before = failure_counter(client, "print_job");
  // The job's file (its one part, "JOB-PART.pdf") cannot take its place: a folder is in the way.
  std::filesystem::create_directories(fixture.data_dir() / "print-jobs" / "1-1.pdf" / "blocked");

  const std::int64_t id = create_job(client);
  REQUIRE(id == 1);
  const json job = wait_until_finished(client, id);
  CHECK(job["state"] == "failed");
  CHECK(job["failures"] == 2);
  REQUIRE(job["errors"].size() == 1);
  const std::string reason = job["errors"][0]["detail"];
  CHECK(reason.find("重试 2 次后仍失败") != std::string::npos);
  CHECK(reason.find("打印文件无法写入") != std::string::npos);
  CHECK(job["last_error"] == reason);
  CHECK(client.get("/api/v1/print-jobs/1/pdf").status == 409);
  const auto items = fixture.app().store->print_items(id, 0, 10).value();
  for (const auto& item : items) CHECK(live_records(fixture, item.agreement_id) == 0);
  // Three runs failed (the first and two retries), each counted.
  CHECK(failure_counter(client, "print_job") >= failures_before + 3);
  const std::string metrics = client.get("/metrics").body;
  for (const auto task : log::kBackgroundTasks)
    CHECK(metrics.find("sanfang_background_failures_total{task=\"" + std::string(log::to_string(task)) + "\"}") !=
          std::string::npos);
}

TEST_CASE("an agreement a runner died on twice is skipped, and the service takes the job over from the dead runner",
          "[api][print][failure][poison]") {
  ServiceFixture fixture({.seeded_agreements = 4});
  store::Store& store = *fixture.app().store;
  workflow::PrintRequest request;
  request.copies = {1, 2, 3};
  request.one_file = true;
  // A job of `sanfang batch`, which the service leaves alone while its runner lives.
  const auto job = store.create_print_job(request, workflow::PrintJobOrigin::Cli, {0, "命令行", workflow::Role::Print},
                                          fixture.clock().now()).value();
  const auto poison = store.print_items(job.id, 2, 1).value().at(0);

  // Two runners, one after the other, each died while drawing position 2: each claimed the job
  // once the previous lease had run out and recorded what it was drawing.
  const auto t0 = fixture.clock().now();
  const auto t1 = t0 + std::chrono::seconds(31);
  REQUIRE(store.claim_print_job(job.id, {"other-host:101", t0 + std::chrono::seconds(30)}, t0).ok());
  REQUIRE(store.claim_print_part(job.id, {"other-host:101", t0 + std::chrono::seconds(30)}, t0).value() == 1);
  REQUIRE(store.record_print_drawing(job.id, 1, "other-host:101", 2, 2).ok());
  REQUIRE(store.claim_print_job(job.id, {"other-host:102", t1 + std::chrono::seconds(30)}, t1).ok());
  REQUIRE(store.claim_print_part(job.id, {"other-host:102", t1 + std::chrono::seconds(30)}, t1).value() == 1);
  REQUIRE(store.record_print_drawing(job.id, 1, "other-host:102", 2, 2).ok());

  // The second runner's lease runs out; the service's queue takes the job over.
  fixture.clock().set(t1 + std::chrono::seconds(31));
  fixture.app().prints->wake();
  HttpClient client(fixture.base_url());
  client.set_token(fixture.seeded_api_key("print"));
  const json done = wait_until_finished(client, job.id);
  CHECK(done["state"] == "done");
  CHECK(done["origin"] == "cli");
  CHECK(done["failures"] == 2);
  REQUIRE(done["errors"].size() == 1);
  CHECK(done["errors"][0]["serial"] == poison.serial);
  CHECK(done["errors"][0]["detail"].get<std::string>().find("已跳过") != std::string::npos);
  const auto pdf = client.get("/api/v1/print-jobs/" + std::to_string(job.id) + "/pdf");
  REQUIRE(pdf.status == 200);
  CHECK(PdfProbe(pdf.body).pages() == 3 * 6);
  // Every agreement keeps its one record per copy; the skipped one's are void.
  const auto items = store.print_items(job.id, 0, 10).value();
  for (const auto& item : items) {
    CHECK(store.print_records(item.agreement_id).value().size() == 3);
    CHECK(live_records(fixture, item.agreement_id) == (item.position == 2 ? 0u : 3u));
  }
}

}  // namespace
}  // namespace sanfang::testing
