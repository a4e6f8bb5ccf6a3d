// The print room over HTTP (issue 4): batch jobs on a real service over a seeded data folder —
// page counts and order read back with Poppler, reprint marks, separator sheets, cancelling, a
// job interrupted by a restart, and bad requests that change nothing.
#include "service_fixture.h"

#include "../render/pdf_probe.h"
#include "jobs/print_lease.h"
#include "jobs/print_runner.h"
#include "store/sqlite_store.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <future>
#include <set>
#include <thread>

namespace sanfang::testing {
namespace {

using nlohmann::json;

constexpr auto kJobTimeout = std::chrono::seconds(120);
// Every agreement selected, as one file of every college (the tests of parts ask for parts).
const json kOneFile = {{"one_file", true}};

json create_job(HttpClient& client, const json& request) {
  const auto created = client.post_json("/api/v1/print-jobs", request);
  INFO(created.body);
  REQUIRE(created.status == 202);
  const json job = created.json();
  CHECK(created.header("location") == "/api/v1/print-jobs/" + std::to_string(job["id"].get<int>()));
  return job;
}

// Polls the job until it has finished (done, failed or cancelled).
json wait_until_finished(HttpClient& client, const json& job) {
  const auto deadline = std::chrono::steady_clock::now() + kJobTimeout;
  const std::string path = "/api/v1/print-jobs/" + std::to_string(job["id"].get<int>());
  for (;;) {
    const auto polled = client.get(path);
    REQUIRE(polled.status == 200);
    const json state = polled.json();
    const std::string name = state["state"];
    if (name == "done" || name == "failed" || name == "cancelled") return state;
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string download(HttpClient& client, const json& job) {
  const auto pdf = client.get("/api/v1/print-jobs/" + std::to_string(job["id"].get<int>()) + "/pdf");
  REQUIRE(pdf.status == 200);
  CHECK(pdf.header("content-type") == "application/pdf");
  CHECK(pdf.header("content-length") == std::to_string(pdf.body.size()));
  CHECK(pdf.header("etag") == "\"" + job["sha256"].get<std::string>() + "\"");
  return pdf.body;
}

// The print order the store froze for a job: the serials, first to last.
std::vector<std::string> job_serials(ServiceFixture& fixture, const json& job) {
  std::vector<std::string> serials;
  const auto items = fixture.app().store->print_items(job["id"].get<int>(), 0, 100000).value();
  for (const auto& item : items) serials.push_back(item.serial);
  return serials;
}

TEST_CASE("a print job of N agreements is one PDF of 6N pages in college, major and student order",
          "[api][print]") {
  ServiceFixture fixture({.seeded_agreements = 16});
  HttpClient client(fixture.base_url());
  client.set_token(fixture.seeded_api_key("print"));
  const json job = wait_until_finished(client, create_job(client, kOneFile));
  REQUIRE(job["state"] == "done");
  CHECK(job["total"] == 16);
  CHECK(job["done"] == 16);
  CHECK(job["errors"].empty());
  CHECK(job["request"]["copies"] == json::array({1, 2, 3}));

  const std::string pdf = download(client, job);
  CHECK(static_cast<std::size_t>(job["size"].get<long>()) == pdf.size());
  const PdfProbe probe(pdf);
  REQUIRE(probe.valid());
  REQUIRE(probe.pages() == 6 * 16);
  CHECK(job["pages"] == 6 * 16);

  // The store's order is college, major, student number; the file follows it agreement by
  // agreement, each copy on its own sheet (outside face, then inside face).
  const auto serials = job_serials(fixture, job);
  std::vector<std::tuple<std::string, std::string, std::string>> keys;
  const auto items = fixture.app().store->print_items(job["id"].get<int>(), 0, 100).value();
  for (const auto& item : items) keys.emplace_back(item.college_code, item.major, item.student_no);
  CHECK(std::is_sorted(keys.begin(), keys.end()));
  for (std::size_t k = 0; k < serials.size(); ++k) {
    for (int copy = 0; copy < 3; ++copy) {
      const int outside = static_cast<int>(k) * 6 + copy * 2 + 1;
      INFO("agreement " << k << " copy " << copy + 1);
      CHECK(probe.label(outside).rfind(serials[k], 0) == 0);
      CHECK(probe.label(outside).find("外") != std::string::npos);
      CHECK(probe.label(outside + 1).find("内") != std::string::npos);
    }
  }
  CHECK(probe.info("Subject").find("16 份协议") != std::string::npos);
  // Paper needs no links, but the QR codes are still there and still verify.
  const auto codes = probe.decode_qr(1);
  REQUIRE_FALSE(codes.empty());
  for (const auto& code : codes) CHECK(code.find("/V/") != std::string::npos);

  // The file never changes: its sha256 is a strong ETag.
  const auto again = client.get("/api/v1/print-jobs/" + std::to_string(job["id"].get<int>()) + "/pdf",
                                {{"If-None-Match", "\"" + job["sha256"].get<std::string>() + "\""}});
  CHECK(again.status == 304);
  CHECK(again.body.empty());
}

TEST_CASE("a job in parts gives each college its own file, a large college split, each downloadable when drawn",
          "[api][print][parts]") {
  ServiceFixture fixture({.seeded_agreements = 16, .render_threads = 2, .print_part_limit = 1});
  HttpClient client(fixture.base_url());
  client.set_token(fixture.seeded_api_key("print"));
  const json job = wait_until_finished(client, create_job(client, {{"separator_sheets", true}}));
  REQUIRE(job["state"] == "done");
  CHECK(job["request"]["one_file"] == false);
  CHECK(job["request"]["part_limit"] == 1);
  const auto items = fixture.app().store->print_items(job["id"].get<int>(), 0, 100).value();
  std::vector<std::string> colleges;
  for (const auto& item : items) colleges.push_back(item.college_code);
  const auto planned = workflow::plan_print_parts(colleges, 1, false);
  // A college of more than two is split.
  REQUIRE(planned.size() > std::set<std::string>(colleges.begin(), colleges.end()).size());
  REQUIRE(job["parts"].size() == planned.size());
  CHECK_FALSE(job.contains("pdf"));

  // Every part opens with its separator sheet, then its agreements in the job's order.
  std::vector<std::string> printed;
  for (std::size_t i = 0; i < planned.size(); ++i) {
    const json& part = job["parts"][i];
    CAPTURE(i);
    CHECK(part["n"] == planned[i].n);
    CHECK(part["college"] == planned[i].college_code);
    CHECK(part["agreements"] == planned[i].agreements);
    CHECK(part["state"] == "done");
    const auto pdf = client.get(part["url"].get<std::string>());
    REQUIRE(pdf.status == 200);
    CHECK(pdf.header("etag") == "\"" + part["sha256"].get<std::string>() + "\"");
    CHECK(static_cast<std::size_t>(part["bytes"].get<long>()) == pdf.body.size());
    const PdfProbe probe(pdf.body);
    REQUIRE(probe.pages() == 2 + 6 * planned[i].agreements);
    CHECK(part["pages"] == probe.pages());
    CHECK(probe.label(1) == "分隔页");
    for (int k = 0; k < planned[i].agreements; ++k) printed.push_back(probe.label(3 + 6 * k).substr(0, 16));
  }
  CHECK(printed == job_serials(fixture, job));

  // The whole job is not one file: the answer names the parts.
  const auto whole = client.get("/api/v1/print-jobs/" + std::to_string(job["id"].get<int>()) + "/pdf");
  REQUIRE(whole.status == 409);
  CHECK(whole.json()["field"] == "parts");
  CHECK(whole.json()["parts"].size() == planned.size());
  CHECK(whole.json()["parts"][0] == job["parts"][0]["url"]);
  // A part resumes like any file, and a part the job does not have is not there.
  const auto piece = client.get(job["parts"][0]["url"].get<std::string>(), {{"Range", "bytes=0-99"}});
  CHECK(piece.status == 206);
  CHECK(piece.body.size() == 100);
  CHECK(client.get("/api/v1/print-jobs/" + std::to_string(job["id"].get<int>()) + "/parts/" +
                   std::to_string(planned.size() + 1) + "/pdf")
            .status == 404);

  // one_file: the same agreements in one file, drawn as one part.
  const json one = wait_until_finished(client, create_job(client, {{"one_file", true}}));
  REQUIRE(one["parts"].size() == 1);
  CHECK(one["parts"][0]["college"] == "");
  CHECK(one["pdf"] == "/api/v1/print-jobs/" + std::to_string(one["id"].get<int>()) + "/pdf");
  CHECK(PdfProbe(download(client, one)).pages() == 6 * 16);
}

// ---- parts drawn by several runners (another instance's, as on a shared PostgreSQL database) ----

// A job of several parts, held by the runner `owner` of "another instance" (a host that is not
// this one, so never taken for dead) under an hour's lease; the fixture's own runner is stopped, so
// that the test decides who draws what.
struct HeldJob {
  workflow::PrintJob job;
  jobs::PrintContext context;
};
HeldJob job_held_by(ServiceFixture& fixture, const std::string& owner) {
  fixture.app().prints->stop();
  api::App& app = fixture.app();
  workflow::PrintRequest request;
  request.copies = {1, 2, 3};
  request.part_limit = 4;
  const auto t0 = fixture.clock().now();
  REQUIRE(app.store->create_print_job(request, workflow::PrintJobOrigin::Service, {0, "打印室", workflow::Role::Print}, t0)
              .ok());
  auto claimed = app.store->claim_next_print_job({owner, t0 + std::chrono::hours(1)}, t0);
  REQUIRE(claimed.ok());
  REQUIRE(claimed.value().has_value());
  REQUIRE(claimed.value()->parts.size() >= 4);
  return {**claimed, {app.store, app.clock, app.codes, app.school, app.renders}};
}

// Runs the held job as its runner would: draws what is left, waits for parts others draw.
std::future<jobs::PrintRunOutcome> run_as_owner(ServiceFixture& fixture, const HeldJob& held, const std::string& owner,
                                                const std::atomic<bool>& stop) {
  const std::filesystem::path folder = fixture.data_dir() / ("runner-" + std::to_string(held.job.id));
  std::filesystem::create_directories(folder);
  return std::async(std::launch::async, [&fixture, &held, owner, folder, &stop] {
    jobs::LeaseKeeper lease(*held.context.store, *held.context.clock, held.job.id, owner, jobs::kLeaseDefault);
    const jobs::PrintDestination destination{
        [folder](std::int64_t id, const workflow::PrintJobPart& part) {
          return folder / (std::to_string(id) + "-" + std::to_string(part.n) + ".pdf");
        },
        true};
    const workflow::PrintJob job = held.context.store->print_job(held.job.id).value();
    return jobs::run_claimed_print_job(held.context, job, lease, destination, {}, {}, stop);
  });
}

// Every part of a done job downloads with its facts; every agreement is printed once per copy.
void check_parts_and_records(ServiceFixture& fixture, std::int64_t id) {
  HttpClient client(fixture.base_url());
  client.set_token(fixture.seeded_api_key("print"));
  const json job = client.get("/api/v1/print-jobs/" + std::to_string(id)).json();
  INFO(job.dump());
  REQUIRE(job["state"] == "done");
  CHECK(job["done"] == job["total"]);
  int agreements = 0;
  for (const json& part : job["parts"]) {
    CHECK(part["drawn"] == part["agreements"]);
    const auto pdf = client.get(part["url"].get<std::string>());
    REQUIRE(pdf.status == 200);
    CHECK(pdf.header("etag") == "\"" + part["sha256"].get<std::string>() + "\"");
    CHECK(PdfProbe(pdf.body).pages() == 6 * part["agreements"].get<int>());
    agreements += part["agreements"].get<int>();
  }
  CHECK(agreements == job["total"]);
  const auto items = fixture.app().store->print_items(id, 0, 1000).value();
  for (const auto& item : items) {
    const auto records = fixture.app().store->print_records(item.agreement_id).value();
    CHECK(std::count_if(records.begin(), records.end(), [&](const auto& r) { return r.job_id == id && !r.voided; }) == 3);
  }
}

TEST_CASE("an idle runner draws the parts of a job another instance's runner holds, which then finishes the job",
          "[api][print][parts][instances]") {
  ServiceFixture fixture({.seeded_agreements = 16, .render_threads = 2});
  const std::string owner = "other-host:7/1";
  const HeldJob held = job_held_by(fixture, owner);

  // This instance has nothing of its own to run: its runner helps, on both render threads.
  auto helper = jobs::PrintRunner::start(held.context, fixture.data_dir() / "helper-prints").value();
  const auto deadline = std::chrono::steady_clock::now() + kJobTimeout;
  workflow::PrintJob drawn;
  for (;;) {
    drawn = fixture.app().store->print_job(held.job.id).value();
    if (std::all_of(drawn.parts.begin(), drawn.parts.end(), [](const auto& part) { return part.done(); })) break;
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  helper.reset();
  CHECK(drawn.state == workflow::PrintJobState::Running);
  for (const auto& part : drawn.parts) CHECK(part.runner.starts_with(jobs::this_process_lease_owner() + "/"));

  // The job's own runner finds every part done and finishes the job with their files.
  std::atomic<bool> stop{false};
  CHECK(run_as_owner(fixture, held, owner, stop).get() == jobs::PrintRunOutcome::Done);
  check_parts_and_records(fixture, held.job.id);
}

TEST_CASE("the job's runner waits for a part another runner draws, and draws it itself once that runner's lease ran out",
          "[api][print][parts][instances]") {
  ServiceFixture fixture({.seeded_agreements = 16, .render_threads = 2});
  const std::string owner = "other-host:7/1";
  const std::string helper = "other-host:8/1";
  const HeldJob held = job_held_by(fixture, owner);
  store::Store& store = *fixture.app().store;
  const auto t0 = fixture.clock().now();
  const auto helped = store.claim_print_part_to_help({helper, t0 + std::chrono::seconds(30)}, t0).value();
  REQUIRE(helped.has_value());
  const int held_part = helped->n;

  std::atomic<bool> stop{false};
  auto outcome = run_as_owner(fixture, held, owner, stop);
  // Every other part gets drawn; the helper's stays its own while its lease lives.
  const auto deadline = std::chrono::steady_clock::now() + kJobTimeout;
  for (;;) {
    const auto job = store.print_job(held.job.id).value();
    if (std::all_of(job.parts.begin(), job.parts.end(), [&](const auto& p) { return p.done() || p.n == held_part; })) break;
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // a few of the runner's looks at the job
  auto waiting = store.print_job(held.job.id).value();
  CHECK(waiting.state == workflow::PrintJobState::Running);
  CHECK_FALSE(waiting.parts[held_part - 1].done());
  CHECK(waiting.parts[held_part - 1].runner == helper);
  CHECK(outcome.wait_for(std::chrono::seconds(0)) == std::future_status::timeout);

  // The helper died: once its lease ran out, the job's runner draws the part and finishes.
  fixture.clock().advance(std::chrono::seconds(31));
  REQUIRE(outcome.wait_for(kJobTimeout) == std::future_status::ready);
  CHECK(outcome.get() == jobs::PrintRunOutcome::Done);
  const auto done = store.print_job(held.job.id).value();
  CHECK(done.parts[held_part - 1].runner == owner);
  check_parts_and_records(fixture, held.job.id);
}

TEST_CASE("a print job with separator sheets puts one sheet before each college, its back blank", "[api][print]") {
  ServiceFixture fixture({.seeded_agreements = 16});
  HttpClient client(fixture.base_url());
  client.set_token(fixture.seeded_api_key("print"));
  const json job = wait_until_finished(client, create_job(client, {{"college", "CS"}, {"separator_sheets", true}}));
  REQUIRE(job["state"] == "done");
  const int agreements = job["total"];
  REQUIRE(agreements == 2);
  const PdfProbe probe(download(client, job));
  REQUIRE(probe.pages() == 2 + 6 * agreements);
  CHECK(probe.label(1) == "分隔页");
  CHECK(probe.text(1).find("计算机与通信学院") != std::string::npos);
  CHECK(probe.text(1).find("共2份协议") != std::string::npos);
  CHECK(probe.blank(2));
  CHECK(probe.label(3).rfind(job_serials(fixture, job)[0], 0) == 0);
}

TEST_CASE("a copy printed again is recorded as a reprint and marked 补打 with its count", "[api][print]") {
  ServiceFixture fixture({.seeded_agreements = 2});
  HttpClient client(fixture.base_url());
  client.set_token(fixture.seeded_api_key("print"));
  const json first = wait_until_finished(client, create_job(client, kOneFile));
  REQUIRE(first["state"] == "done");
  const std::string serial = job_serials(fixture, first)[0];
  const PdfProbe first_pdf(download(client, first));
  CHECK(first_pdf.text(1).find("补打") == std::string::npos);

  const json copy_two = wait_until_finished(client, create_job(client, {{"serials", {serial}}, {"copies", {2}}}));
  REQUIRE(copy_two["state"] == "done");
  const PdfProbe reprint(download(client, copy_two));
  REQUIRE(reprint.pages() == 2);
  CHECK(reprint.label(1).find("第二联") != std::string::npos);
  CHECK(reprint.text(1).find("补打（第1次）") != std::string::npos);

  const json third = wait_until_finished(client, create_job(client, {{"serials", {serial}}, {"copies", {2, 3}}}));
  const PdfProbe both(download(client, third));
  REQUIRE(both.pages() == 4);
  CHECK(both.text(1).find("补打（第2次）") != std::string::npos);
  CHECK(both.text(3).find("补打（第1次）") != std::string::npos);

  const auto agreement = fixture.app().store->agreement_by_serial(serial).value();
  const auto records = fixture.app().store->print_records(agreement.id).value();
  REQUIRE(records.size() == 6);
  CHECK(records[3].copy == 2);
  CHECK(records[3].ordinal == 1);
  CHECK(records[4].ordinal == 2);
  CHECK(records[4].printed_by_name == "print-room");
}

TEST_CASE("a cancelled print job leaves no file, and a finished one cannot be cancelled", "[api][print]") {
  ServiceFixture fixture({.seeded_agreements = 60});
  HttpClient client(fixture.base_url());
  client.set_token(fixture.seeded_api_key("print"));
  // The runner takes jobs one after another: the second waits behind the first.
  const json running = create_job(client, kOneFile);
  const json queued = create_job(client, {{"college", "ME"}});
  const auto cancel_queued = client.post_json("/api/v1/print-jobs/" + std::to_string(queued["id"].get<int>()) + "/cancel", json::object());
  REQUIRE(cancel_queued.status == 200);
  CHECK(cancel_queued.json()["state"] == "cancelled");
  const auto cancel_running = client.post_json("/api/v1/print-jobs/" + std::to_string(running["id"].get<int>()) + "/cancel", json::object());
  REQUIRE(cancel_running.status == 200);

  // A later job runs only after the runner has let go of the cancelled one.
  const json after = wait_until_finished(client, create_job(client, {{"college", "CS"}}));
  CHECK(after["state"] == "done");
  for (const json& job : {running, queued}) {
    const std::string path = "/api/v1/print-jobs/" + std::to_string(job["id"].get<int>());
    CHECK(client.get(path).json()["state"] == "cancelled");
    const auto pdf = client.get(path + "/pdf");
    CHECK(pdf.status == 409);
    CHECK(pdf.json()["current_state"] == "cancelled");
    const auto twice = client.post_json(path + "/cancel", json::object());
    CHECK(twice.status == 409);
    CHECK(twice.json()["current_state"] == "cancelled");
  }
  // Nothing of the cancelled jobs is left; the finished job's PDF went into the blob store.
  CHECK(std::filesystem::is_empty(fixture.data_dir() / "print-jobs"));
  CHECK(fixture.app().store->blob_file(after["sha256"].get<std::string>()).ok());
  const auto queued_agreement = fixture.app().store->agreement_by_serial(job_serials(fixture, queued)[0]).value();
  const auto queued_records = fixture.app().store->print_records(queued_agreement.id).value();
  for (const auto& record : queued_records) CHECK(record.voided);

  const auto cancel_done = client.post_json("/api/v1/print-jobs/" + std::to_string(after["id"].get<int>()) + "/cancel", json::object());
  CHECK(cancel_done.status == 409);
  CHECK(cancel_done.json()["current_state"] == "done");
}

TEST_CASE("a print job interrupted by a restart completes once, with no record twice", "[api][print][restart]") {
  // One agreement per slice, so that the stop lands in the middle of the job.
  ServiceFixture fixture({.seeded_agreements = 40, .print = {.slice = 1, .progress_interval = std::chrono::milliseconds(0)}});
  HttpClient client(fixture.base_url());
  client.set_token(fixture.seeded_api_key("print"));
  const json job = create_job(client, kOneFile);
  const int id = job["id"];
  const auto deadline = std::chrono::steady_clock::now() + kJobTimeout;
  while (client.get("/api/v1/print-jobs/" + std::to_string(id)).json()["done"].get<int>() == 0) {
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  fixture.stop();
  {
    // What the stop left: the job back in the queue, no longer held, to be resumed; a clean stop
    // is not a failure.
    store::SqliteStoreOptions options;
    options.data_dir = fixture.data_dir();
    options.school_code = "10731";
    const auto interrupted = store::SqliteStore::open(options).value()->print_job(id).value();
    CHECK(interrupted.state == workflow::PrintJobState::Queued);
    CHECK(interrupted.lease_owner.empty());
    CHECK(interrupted.failures == 0);
  }
  fixture.start();
  HttpClient after(fixture.base_url());
  after.set_token(fixture.seeded_api_key("print"));
  const json finished = wait_until_finished(after, job);
  REQUIRE(finished["state"] == "done");
  CHECK(finished["failures"] == 0);
  const PdfProbe probe(download(after, finished));
  REQUIRE(probe.pages() == 6 * 40);
  const auto serials = job_serials(fixture, finished);
  CHECK(probe.label(6 * 39 + 1).rfind(serials.back(), 0) == 0);
  for (const auto& serial : serials) {
    const auto agreement = fixture.app().store->agreement_by_serial(serial).value();
    const auto records = fixture.app().store->print_records(agreement.id).value();
    CHECK(records.size() == 3);
    for (const auto& record : records) CHECK_FALSE(record.voided);
  }
  // No temporary file of the interrupted run is left behind, and the finished PDF is a blob.
  CHECK(std::filesystem::is_empty(fixture.data_dir() / "print-jobs"));
  CHECK(fixture.app().store->blob_file(finished["sha256"].get<std::string>()).ok());
}

TEST_CASE("a bad print request is refused naming the field, and no job is made", "[api][print][bad-input]") {
  ServiceFixture fixture({.seeded_agreements = 2});
  HttpClient client(fixture.base_url());
  client.set_token(fixture.seeded_api_key("print"));
  const std::vector<std::pair<json, std::string>> cases = {
      {{{"copies", {1, 4}}}, "copies[1]"},
      {{{"copies", "1,2"}}, "copies"},
      {{{"serials", {"1073120260000010"}}}, "serials[0]"},
      {{{"signed_from", "2026-02-30"}}, "signed_from"},
      {{{"signed_from", "2026-06-02"}, {"signed_to", "2026-06-01"}}, "signed_to"},
      {{{"colege", "CS"}}, "colege"},
      {{{"separator_sheets", "yes"}}, "separator_sheets"},
  };
  for (const auto& [body, field] : cases) {
    INFO(body.dump());
    const auto refused = client.post_json("/api/v1/print-jobs", body);
    CHECK(refused.status == 400);
    CHECK(refused.header("content-type") == "application/problem+json");
    CHECK(refused.json()["field"] == field);
  }
  CHECK(client.post_json("/api/v1/print-jobs", {{"college", "XX"}}).status == 400);
  CHECK(client.get("/api/v1/print-jobs").json()["jobs"].empty());
  CHECK(client.get("/api/v1/print-jobs/999").status == 404);
  CHECK(client.get("/api/v1/print-jobs/x").status == 400);

  HttpClient portal(fixture.base_url());
  portal.set_token(fixture.seeded_api_key("portal"));
  CHECK(portal.post_json("/api/v1/print-jobs", json::object()).status == 404);
  CHECK(portal.get("/api/v1/print-jobs").status == 404);
}

}  // namespace
}  // namespace sanfang::testing
