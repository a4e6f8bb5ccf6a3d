// kill -9 during a signing load, then restart: the audit chain still verifies, and no agreement
// is signed without a serial or holds a serial without being signed (issue "Approval workflow":
// serial allocation and audit append share the signing transaction). kill -9 during a print
// job, then restart: the job is printed whole and no copy is recorded twice (issue "Print room").
#include "documents_support.h"
#include "service_fixture.h"

#include "store/sqlite_store.h"

#include "process.h"

#include <curl/curl.h>
#include <nlohmann/json.hpp>
#include <poppler-document.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <ctime>
#include <fstream>
#include <set>
#include <thread>

using namespace sanfang;
using sanfang::testing::DocumentsWorld;
using sanfang::testing::free_port;
using sanfang::testing::HttpClient;
using sanfang::testing::HttpResult;
using sanfang::testing::Process;
using sanfang::testing::run_process;
using sanfang::testing::wait_until_healthy;
using sanfang::testing::require_ok;
using sanfang::testing::ServiceFixture;

namespace {

std::size_t discard(char*, std::size_t size, std::size_t count, void*) { return size * count; }

// A request that reports a dead server as 0 instead of failing the test: the load threads run
// on while the server is killed under them.
long post(const std::string& url, const std::string& token, const std::string& body) {
  CURL* curl = curl_easy_init();
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(headers, ("Authorization: Bearer " + token).c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  long status = 0;
  if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return status;
}

// Each agreement of job `id` printed once per copy, none voided.
void check_printed_once(store::SqliteStore& store, std::int64_t id, int agreements) {
  const auto items = require_ok(store.print_items(id, 0, agreements));
  REQUIRE(items.size() == static_cast<std::size_t>(agreements));
  for (const auto& item : items) {
    const auto records = require_ok(store.print_records(item.agreement_id));
    CHECK(records.size() == 3);
    for (const auto& record : records) CHECK_FALSE(record.voided);
  }
}

}  // namespace

TEST_CASE("kill -9 during a signing load loses nothing: audit chain intact, serials only on signed agreements",
          "[api][crash]") {
  constexpr int kAgreements = 40;
  std::filesystem::path data_dir;
  std::vector<std::int64_t> ids;
  std::string college_token, school_token;
  {
    ServiceFixture fixture;
    // Sessions must still be valid for the child server, which runs on the system clock.
    fixture.clock().set(workflow::from_unix_seconds(std::time(nullptr)));
    DocumentsWorld world(fixture.app());
    for (int i = 0; i < kAgreements; ++i) {
      const std::string student_no = "2201" + std::to_string(100000 + i);
      world.add_verified_student(student_no, "学生" + std::to_string(i));
      ids.push_back(world.in_review(student_no).id);
    }
    college_token = world.token(workflow::Role::College, "CS");
    school_token = world.token(workflow::Role::School);
    fixture.service().stop();
    // Keep the data folder: copy it out before the fixture removes its own.
    data_dir = std::filesystem::temp_directory_path() / ("sanfang-crash-" + std::to_string(::getpid()));
    std::filesystem::remove_all(data_dir);
    std::filesystem::copy(fixture.data_dir(), data_dir, std::filesystem::copy_options::recursive);
  }

  const int port = free_port();
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  const std::vector<std::string> serve = {SANFANG_BIN, "serve", "--data", data_dir.string(), "--listen",
                                          "127.0.0.1:" + std::to_string(port)};
  Process server(serve);
  wait_until_healthy(base, server);

  std::atomic<int> signed_count{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> load;
  for (int t = 0; t < 4; ++t) {
    load.emplace_back([&, t] {
      for (int i = t; i < kAgreements && !stop; i += 4) {
        const std::string review = base + "/api/v1/agreements/" + std::to_string(ids[i]) + "/review";
        if (post(review, college_token, R"({"decision":"approve"})") != 200) continue;
        if (post(review, school_token, R"({"decision":"approve"})") == 200) ++signed_count;
      }
    });
  }
  while (signed_count < kAgreements / 4) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  server.kill();
  stop = true;
  for (auto& thread : load) thread.join();
  INFO("signed before the kill: " << signed_count.load());

  // Restart on the same folder: it serves again, and the data is consistent.
  server = Process(serve);
  wait_until_healthy(base, server);
  CHECK(server.terminate() == 0);

  CHECK(run_process({SANFANG_BIN, "audit", "verify", "--data", data_dir.string()}) == 0);

  store::SqliteStoreOptions options;
  options.data_dir = data_dir;
  options.school_code = "10731";
  auto store = require_ok(store::SqliteStore::open(options));
  std::set<std::string> serials;
  int signed_agreements = 0;
  for (std::int64_t id : ids) {
    auto agreement = require_ok(store->agreement(id));
    const bool is_signed = agreement.state == workflow::AgreementState::Signed;
    INFO("agreement " << id << " state " << workflow::to_string(agreement.state));
    CHECK(is_signed == agreement.serial.has_value());
    if (agreement.serial) CHECK(serials.insert(*agreement.serial).second);
    signed_agreements += is_signed;
  }
  CHECK(signed_agreements >= kAgreements / 4);
  store.reset();
  std::filesystem::remove_all(data_dir);
}

TEST_CASE("kill -9 during a print job: the restarted service prints it whole, recording nothing twice",
          "[api][crash][print]") {
  constexpr int kAgreements = 300;
  const std::filesystem::path data_dir =
      std::filesystem::temp_directory_path() / ("sanfang-print-crash-" + std::to_string(::getpid()));
  std::filesystem::remove_all(data_dir);
  REQUIRE(run_process({SANFANG_BIN, "bench-seed", "--data", data_dir.string(), "--agreements", std::to_string(kAgreements)}) == 0);
  std::string print_key;
  {
    std::ifstream in(data_dir / "bench-accounts.json");
    const nlohmann::json seeded = nlohmann::json::parse(in);
    for (const auto& account : seeded["accounts"])
      if (account["role"] == "print") print_key = account["api_key"];
  }
  REQUIRE_FALSE(print_key.empty());

  const int port = free_port();
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  const std::vector<std::string> serve = {SANFANG_BIN, "serve", "--data", data_dir.string(), "--listen",
                                          "127.0.0.1:" + std::to_string(port)};
  Process server(serve);
  wait_until_healthy(base, server);
  std::int64_t id = 0;
  {
    sanfang::testing::HttpClient client(base);
    client.set_token(print_key);
    const auto created = client.post_json("/api/v1/print-jobs", nlohmann::json{{"one_file", true}});
    REQUIRE(created.status == 202);
    id = created.json()["id"];
    // Killed in the middle: some slices drawn, the file not finished.
    for (;;) {
      const auto job = client.get("/api/v1/print-jobs/" + std::to_string(id)).json();
      REQUIRE(job["state"] != "done");
      if (job["state"] == "running" && job["done"].get<int>() > 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  server.kill();

  server = Process(serve);
  wait_until_healthy(base, server);
  std::string pdf;
  {
    sanfang::testing::HttpClient client(base);
    client.set_token(print_key);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    for (;;) {
      const auto job = client.get("/api/v1/print-jobs/" + std::to_string(id)).json();
      if (job["state"] == "done") break;
      REQUIRE(job["state"] != "failed");
      REQUIRE(std::chrono::steady_clock::now() < deadline);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const auto file = client.get("/api/v1/print-jobs/" + std::to_string(id) + "/pdf");
    REQUIRE(file.status == 200);
    pdf = file.body;
  }
  server.terminate();

  std::unique_ptr<poppler::document> doc(poppler::document::load_from_raw_data(pdf.data(), static_cast<int>(pdf.size())));
  REQUIRE(doc);
  CHECK(doc->pages() == 6 * kAgreements);
  // The temporary file of the killed run was cleared away at the restart; the finished PDF is a
  // blob of the store.
  CHECK(std::filesystem::is_empty(data_dir / "print-jobs"));

  store::SqliteStoreOptions options;
  options.data_dir = data_dir;
  options.school_code = "10731";
  auto store = require_ok(store::SqliteStore::open(options));
  check_printed_once(*store, id, kAgreements);
  store.reset();
  CHECK(run_process({SANFANG_BIN, "audit", "verify", "--data", data_dir.string()}) == 0);
  std::filesystem::remove_all(data_dir);
}

TEST_CASE("a batch killed with -9 leaves a recognisable job that --resume finishes, recording nothing twice",
          "[api][crash][print]") {
  // Enough agreements that the batch draws for longer than its progress interval (500 ms), so that
  // progress shows in the store well before the end.
  constexpr int kAgreements = 400;
  const std::filesystem::path folder =
      std::filesystem::temp_directory_path() / ("sanfang-batch-crash-" + std::to_string(::getpid()));
  const std::filesystem::path data_dir = folder / "data";
  std::filesystem::remove_all(folder);
  REQUIRE(run_process({SANFANG_BIN, "bench-seed", "--data", data_dir.string(), "--agreements", std::to_string(kAgreements)}) == 0);

  store::SqliteStoreOptions options;
  options.data_dir = data_dir;
  options.school_code = "10731";
  auto store = require_ok(store::SqliteStore::open(options));

  Process batch({SANFANG_BIN, "batch", "--data", data_dir.string(), "-o", (folder / "first.pdf").string()});
  const pid_t batch_pid = batch.pid();
  // Killed in the middle: some slices drawn, the file not finished.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  for (;;) {
    auto job = store->print_job(1);
    if (job && job->state == workflow::PrintJobState::Running && job->done > 0) {
      // Frozen at once, so that it cannot finish while the test looks; then killed.
      ::kill(batch_pid, SIGSTOP);
      break;
    }
    if (job) REQUIRE(job->state != workflow::PrintJobState::Done);
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  batch.kill();

  // The job is still `running`, under a lease that names the dead process.
  const auto orphan = require_ok(store->print_job(1));
  CHECK(orphan.state == workflow::PrintJobState::Running);
  CHECK(orphan.origin == workflow::PrintJobOrigin::Cli);
  const std::string owner_suffix = ":" + std::to_string(batch_pid);
  REQUIRE(orphan.lease_owner.size() > owner_suffix.size());
  CHECK(orphan.lease_owner.substr(orphan.lease_owner.size() - owner_suffix.size()) == owner_suffix);
  CHECK(orphan.lease_expires_at.has_value());
  CHECK_FALSE(std::filesystem::exists(folder / "first.pdf"));

  // A later batch takes it over at once (the owner is a dead process of this machine).
  CHECK(run_process({SANFANG_BIN, "batch", "--data", data_dir.string(), "--resume", "1", "-o", (folder / "resumed.pdf").string()}) == 0);
  const auto done = require_ok(store->print_job(1));
  CHECK(done.state == workflow::PrintJobState::Done);
  CHECK(done.failures == 1);
  CHECK(done.errors.empty());
  {
    std::unique_ptr<poppler::document> doc(poppler::document::load_from_file((folder / "resumed.pdf").string()));
    REQUIRE(doc);
    CHECK(doc->pages() == 6 * kAgreements);
  }
  check_printed_once(*store, 1, kAgreements);
  // A finished job cannot be resumed, and nothing changes.
  CHECK(run_process({SANFANG_BIN, "batch", "--data", data_dir.string(), "--resume", "1", "-o", (folder / "again.pdf").string()}) == 1);
  CHECK_FALSE(std::filesystem::exists(folder / "again.pdf"));
  CHECK(require_ok(store->print_job(1)).state == workflow::PrintJobState::Done);
  store.reset();
  CHECK(run_process({SANFANG_BIN, "audit", "verify", "--data", data_dir.string()}) == 0);
  std::filesystem::remove_all(folder);
}

namespace {

// The pid in a runner's lease owner, "host:pid/N"; 0 for another form.
pid_t runner_pid(const std::string& runner) {
  const std::size_t colon = runner.rfind(':');
  if (colon == std::string::npos) return 0;
  return static_cast<pid_t>(std::atoi(runner.substr(colon + 1).c_str()));
}

// The processes that drew the parts of a finished job; each part must be done.
std::set<pid_t> processes_that_drew(const workflow::PrintJob& job) {
  std::set<pid_t> processes;
  for (const auto& part : job.parts) {
    CAPTURE(part.n, part.runner);
    CHECK(part.done());
    processes.insert(runner_pid(part.runner));
  }
  return processes;
}

// Kills with -9 a drawing process of job `id` — a runner other than process `runner` — while it
// holds a part not drawn yet (frozen first, so that the part is still its own when it dies), and
// returns that part's number.
int kill_a_drawing_process_mid_part(store::SqliteStore& store, std::int64_t id, pid_t runner) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  for (;;) {
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    const auto job = store.print_job(id);  // made by a batch once it starts
    if (job) REQUIRE(job->state != workflow::PrintJobState::Done);
    pid_t helper = 0;
    if (job)
      for (const auto& part : job->parts)
        if (!part.done() && !part.runner.empty() && runner_pid(part.runner) != runner) helper = runner_pid(part.runner);
    if (helper == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    ::kill(helper, SIGSTOP);
    int held = 0;
    for (const auto& part : require_ok(store.print_job(id)).parts)
      if (!part.done() && runner_pid(part.runner) == helper) held = part.n;
    ::kill(helper, held ? SIGKILL : SIGCONT);
    if (held) return held;
  }
}

// After a drawing process was killed in part `killed_part`: the job is done, no run failed, and
// the job's runner `runner` drew that part itself.
void check_part_redrawn_by(const workflow::PrintJob& done, int killed_part, pid_t runner) {
  CHECK(done.state == workflow::PrintJobState::Done);
  CHECK(done.failures == 0);
  for (const auto& part : done.parts) {
    CAPTURE(part.n, part.runner);
    CHECK(part.done());
    if (part.n == killed_part) CHECK(runner_pid(part.runner) == runner);
  }
}

// A seeded data folder for the batch tests below: 8 colleges, so a job of 8 parts.
struct SeededBatch {
  static constexpr int kAgreements = 400;
  std::filesystem::path folder;
  std::filesystem::path data_dir;
  std::unique_ptr<store::SqliteStore> store;

  explicit SeededBatch(const std::string& name)
      : folder(std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()))), data_dir(folder / "data") {
    std::filesystem::remove_all(folder);
    REQUIRE(run_process({SANFANG_BIN, "bench-seed", "--data", data_dir.string(), "--agreements", std::to_string(kAgreements)}) == 0);
    store::SqliteStoreOptions options;
    options.data_dir = data_dir;
    options.school_code = "10731";
    store = require_ok(store::SqliteStore::open(options));
  }
  ~SeededBatch() {
    store.reset();
    std::filesystem::remove_all(folder);
  }

  // `sanfang batch` of every agreement into FOLDER/out/ on two cores: the batch and one drawing
  // process.
  Process start_on_two_cores() const {
    return Process({SANFANG_BIN, "batch", "--data", data_dir.string(), "--threads", "2", "-o", (folder / "out/").string()});
  }
};

}  // namespace

TEST_CASE("a batch into a folder draws parts in a process per core: its drawing process goes on while the batch is held up",
          "[api][crash][print][parts]") {
  SeededBatch seeded("sanfang-batch-processes");
  Process batch = seeded.start_on_two_cores();
  const pid_t batch_pid = batch.pid();
  // Held up once its first part is drawn: the drawing process must draw the parts still free.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  for (;;) {
    auto job = seeded.store->print_job(1);
    if (job && job->state == workflow::PrintJobState::Running && job->done > 0) {
      ::kill(batch_pid, SIGSTOP);
      break;
    }
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // Every part is then drawn, or held by the frozen batch.
  for (;;) {
    const auto job = require_ok(seeded.store->print_job(1));
    const bool rest_drawn = std::all_of(job.parts.begin(), job.parts.end(), [&](const workflow::PrintJobPart& part) {
      return part.done() || runner_pid(part.runner) == batch_pid;
    });
    if (rest_drawn) break;
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(batch_pid, SIGCONT);
  REQUIRE(batch.wait() == 0);

  const auto done = require_ok(seeded.store->print_job(1));
  CHECK(done.state == workflow::PrintJobState::Done);
  REQUIRE(done.parts.size() == 8);
  const std::set<pid_t> processes = processes_that_drew(done);
  for (const auto& part : done.parts)
    CHECK(std::filesystem::file_size(seeded.folder / "out" / ("part-00" + std::to_string(part.n) + "-" + part.college_code + ".pdf")) ==
          static_cast<std::uintmax_t>(part.file_size));
  CHECK(processes.size() == 2);
  CHECK(processes.count(batch_pid) == 1);
  CHECK(std::filesystem::exists(seeded.folder / "out" / "manifest.json"));
  check_printed_once(*seeded.store, 1, SeededBatch::kAgreements);
}

TEST_CASE("a drawing process killed with -9: the batch draws its part itself and finishes the job, recording nothing twice",
          "[api][crash][print][parts]") {
  SeededBatch seeded("sanfang-batch-helper-killed");
  Process batch = seeded.start_on_two_cores();
  const pid_t batch_pid = batch.pid();
  const int killed_part = kill_a_drawing_process_mid_part(*seeded.store, 1, batch_pid);
  REQUIRE(batch.wait() == 0);
  check_part_redrawn_by(require_ok(seeded.store->print_job(1)), killed_part, batch_pid);
  CHECK(std::filesystem::exists(seeded.folder / "out" / "manifest.json"));
  check_printed_once(*seeded.store, 1, SeededBatch::kAgreements);
}

namespace {

// `sanfang serve` on a seeded data folder with one drawing process for print jobs in parts, and
// the print room's client.
struct SeededService {
  SeededBatch& seeded;
  int port = free_port();
  Process server;
  HttpClient print_room;

  explicit SeededService(SeededBatch& batch)
      : seeded(batch),
        server(start(batch, port)),
        print_room("http://127.0.0.1:" + std::to_string(port)) {
    wait_until_healthy("http://127.0.0.1:" + std::to_string(port), server);
    std::ifstream in(seeded.data_dir / "bench-accounts.json");
    const nlohmann::json accounts = nlohmann::json::parse(in);
    for (const auto& account : accounts["accounts"])
      if (account["role"] == "print") print_room.set_token(account["api_key"].get<std::string>());
  }

  static Process start(const SeededBatch& batch, int port) {
    const std::filesystem::path config = batch.folder / "one-drawing-process.json";
    std::ofstream(config) << R"({"print_processes": 1})";
    testing::ProcessOptions options;
    options.stderr_file = batch.folder / "serve.log";
    return Process({SANFANG_BIN, "serve", "--data", batch.data_dir.string(), "--config", config.string(), "--listen",
                    "127.0.0.1:" + std::to_string(port)},
                   options);
  }

  // Queues a job of every agreement (8 parts, one per college) and returns its id.
  std::int64_t queue_everything() {
    const HttpResult queued = print_room.post_json("/api/v1/print-jobs", nlohmann::json::object());
    INFO(queued.body);
    REQUIRE(queued.status == 202);
    return queued.json()["id"].get<std::int64_t>();
  }

  workflow::PrintJob wait_until_done(std::int64_t id) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(180);
    for (;;) {
      const auto job = require_ok(seeded.store->print_job(id));
      if (job.state != workflow::PrintJobState::Queued && job.state != workflow::PrintJobState::Running) return job;
      REQUIRE(std::chrono::steady_clock::now() < deadline);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
};

}  // namespace

TEST_CASE("the service's print queue draws a job's parts in a drawing process beside its own, each stored for download",
          "[api][crash][print][parts]") {
  SeededBatch seeded("sanfang-queue-processes");
  SeededService service(seeded);
  const std::int64_t id = service.queue_everything();
  const auto done = service.wait_until_done(id);
  REQUIRE(done.state == workflow::PrintJobState::Done);
  REQUIRE(done.parts.size() == 8);
  const std::set<pid_t> processes = processes_that_drew(done);
  for (const auto& part : done.parts) {
    // Every part is the store's, whoever drew it: the drawing process's files became blobs too.
    const HttpResult pdf = service.print_room.get("/api/v1/print-jobs/" + std::to_string(id) + "/parts/" +
                                                  std::to_string(part.n) + "/pdf");
    CHECK(pdf.status == 200);
    CHECK(pdf.body.size() == static_cast<std::size_t>(part.file_size));
  }
  CHECK(processes.size() == 2);
  CHECK(processes.count(service.server.pid()) == 1);
  // The queue's folder keeps no part file: each went into the store.
  CHECK(std::filesystem::is_empty(seeded.data_dir / "print-jobs"));
  check_printed_once(*seeded.store, id, SeededBatch::kAgreements);
  CHECK(service.server.terminate() == 0);
  // The run is logged with its outcome and how long it took.
  const std::string log = testing::read_file(service.server.stderr_file());
  CHECK(log.find(R"("event":"print_job_run_ended")") != std::string::npos);
  CHECK(log.find(R"("outcome":"done")") != std::string::npos);
  CHECK(log.find("drawing_process_ended") == std::string::npos);
}

TEST_CASE("a drawing process of the service killed with -9: the queue draws its part itself, recording nothing twice",
          "[api][crash][print][parts]") {
  SeededBatch seeded("sanfang-queue-helper-killed");
  SeededService service(seeded);
  const pid_t server_pid = service.server.pid();
  const std::int64_t id = service.queue_everything();
  const int killed_part = kill_a_drawing_process_mid_part(*seeded.store, id, server_pid);
  check_part_redrawn_by(service.wait_until_done(id), killed_part, server_pid);
  check_printed_once(*seeded.store, id, SeededBatch::kAgreements);
  CHECK(service.server.terminate() == 0);
}
