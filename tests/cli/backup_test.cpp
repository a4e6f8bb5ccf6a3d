// `sanfang backup` and `sanfang restore` as an operator runs them: a backup taken from the command
// line while a real service on a loopback port signs agreements, restored into a new folder and
// served again; and the archives and folders restore must refuse without writing anything.
#include "documents_support.h"
#include "service_fixture.h"

#include "api/service.h"
#include "store/sqlite_store.h"

#include <catch2/catch.hpp>
#include <curl/curl.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

using namespace sanfang;
using sanfang::testing::DocumentsWorld;
using sanfang::testing::HttpClient;
using sanfang::testing::require_ok;
using sanfang::testing::run_sanfang;
using sanfang::testing::ServiceFixture;

namespace {

namespace fs = std::filesystem;

// A fresh folder under /tmp, removed with everything in it at the end of the test.
struct TempFolder {
  TempFolder() {
    std::string pattern = (fs::temp_directory_path() / "sanfang-backup-test-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()));
    path = pattern;
  }
  ~TempFolder() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path path;
};

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  REQUIRE(in);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return std::move(bytes).str();
}

void write_file(const fs::path& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << bytes;
  REQUIRE(out);
}

std::vector<std::string> folder_listing(const fs::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

int exec_directly(const fs::path& file, const std::string& sql) {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, &sqlite3_close);
  return sqlite3_exec(db.get(), sql.c_str(), nullptr, nullptr, nullptr);
}

std::size_t discard(char*, std::size_t size, std::size_t count, void*) { return size * count; }

// The status of a POST, or 0 when the request failed: load threads must not touch Catch2's
// assertions, so they report and the test thread checks.
long post(const std::string& url, const std::string& token, const std::string& body) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(
      curl_slist_append(nullptr, "Content-Type: application/json"), &curl_slist_free_all);
  curl_slist_append(headers.get(), ("Authorization: Bearer " + token).c_str());
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, 60L);
  long status = 0;
  if (curl_easy_perform(curl.get()) == CURLE_OK) curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  return status;
}

// Hidden folders restore works in (".NAME.restore-…") must be gone, whatever happened.
void check_no_leftovers_beside(const fs::path& target) {
  for (const auto& entry : fs::directory_iterator(target.parent_path()))
    CHECK(entry.path().filename().string().find(".restore-") == std::string::npos);
}

// A backup of a small folder: two signed agreements with their PDFs, the service running.
fs::path small_backup(const fs::path& folder) {
  ServiceFixture fixture;
  DocumentsWorld world(fixture.app());
  world.add_verified_student("2201000001", "张三");
  world.add_verified_student("2201000002", "欧阳娜娜");
  world.sign(world.in_review("2201000001"));
  world.sign(world.in_review("2201000002"));
  const fs::path archive = folder / "small.tar";
  const auto backup = run_sanfang("backup --data " + fixture.data_dir().string() + " -o " + archive.string());
  INFO(backup.output);
  REQUIRE(backup.exit_status == 0);
  return archive;
}

}  // namespace

TEST_CASE("a backup taken during a signing load restores with an intact audit chain and every signed PDF identical",
          "[cli][backup]") {
  constexpr int kAgreements = 24;
  constexpr int kLoadThreads = 4;
  TempFolder scratch;
  ServiceFixture fixture;
  DocumentsWorld world(fixture.app());
  std::vector<std::int64_t> ids;
  for (int i = 0; i < kAgreements; ++i) {
    const std::string student_no = "2201" + std::to_string(100000 + i);
    world.add_verified_student(student_no, "学生" + std::to_string(i));
    ids.push_back(world.in_review(student_no).id);
  }
  const std::string college_token = world.token(workflow::Role::College, "CS");
  const std::string school_token = world.token(workflow::Role::School);

  // Approvals from several clients at once: college, then school, which signs and stores the PDF.
  std::atomic<int> signed_count{0};
  std::atomic<int> threads_done{0};
  std::vector<std::vector<long>> statuses(kLoadThreads);
  std::vector<std::thread> load;
  for (int t = 0; t < kLoadThreads; ++t) {
    load.emplace_back([&, t] {
      for (int i = t; i < kAgreements; i += kLoadThreads) {
        const std::string review = fixture.base_url() + "/api/v1/agreements/" + std::to_string(ids[i]) + "/review";
        statuses[t].push_back(post(review, college_token, R"({"decision":"approve"})"));
        statuses[t].push_back(post(review, school_token, R"({"decision":"approve"})"));
        if (statuses[t].back() == 200) ++signed_count;
      }
      ++threads_done;
    });
  }
  while (signed_count < kAgreements / 4 && threads_done < kLoadThreads)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));

  const fs::path archive = scratch.path / "during-load.tar";
  const auto backup = run_sanfang("backup --data " + fixture.data_dir().string() + " -o " + archive.string());
  const int signed_when_backup_ended = signed_count;  // a lower bound: responses arrive after commits
  for (auto& thread : load) thread.join();
  INFO(backup.output);
  REQUIRE(backup.exit_status == 0);
  for (const auto& thread_statuses : statuses)
    for (long status : thread_statuses) CHECK(status == 200);
  REQUIRE(signed_count == kAgreements);
  CHECK((fs::status(archive).permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write));

  // Debian's tar reads it without sanfang.
  {
    std::unique_ptr<FILE, decltype(&pclose)> tar(popen(("tar -tf " + archive.string()).c_str(), "r"), &pclose);
    REQUIRE(tar);
    std::string listing;
    std::array<char, 256> line{};
    while (std::fgets(line.data(), line.size(), tar.get())) listing += line.data();
    CHECK(listing.find("sanfang.sqlite3\n") == 0);
    CHECK(listing.find("verification.key\n") != std::string::npos);
    CHECK(listing.find("blobs/") != std::string::npos);
    CHECK(listing.ends_with("manifest.json\n"));
  }

  const fs::path restored = scratch.path / "restored";
  const auto restore = run_sanfang("restore " + archive.string() + " --data " + restored.string());
  INFO(restore.output);
  REQUIRE(restore.exit_status == 0);
  CHECK(restore.output.find("audit chain intact") != std::string::npos);
  CHECK(run_sanfang("audit verify --data " + restored.string()).exit_status == 0);
  CHECK(read_file(restored / "verification.key") == read_file(fixture.data_dir() / "verification.key"));
  CHECK((fs::status(restored / "verification.key").permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write));

  // The snapshot is one committed state taken while signing went on: at least the agreements
  // signed before the backup started, every one with a serial, and its stored PDF (when the
  // signing's render had finished) the very file the running service holds.
  std::vector<std::int64_t> signed_in_snapshot;
  {
    store::SqliteStoreOptions options;
    options.data_dir = restored;
    auto snapshot = require_ok(store::SqliteStore::open(options));
    for (std::int64_t id : ids) {
      const auto agreement = require_ok(snapshot->agreement(id));
      const bool is_signed = agreement.state == workflow::AgreementState::Signed;
      CHECK(is_signed == agreement.serial.has_value());
      if (!is_signed) continue;
      signed_in_snapshot.push_back(id);
      auto document = snapshot->signed_document(id);
      if (!document) continue;
      const auto original = require_ok(fixture.app().store->signed_document(id));
      CHECK(document->sha256 == original.sha256);
      CHECK(read_file(require_ok(snapshot->blob_file(document->sha256))) ==
            read_file(require_ok(fixture.app().store->blob_file(original.sha256))));
    }
  }
  INFO("signed in the snapshot: " << signed_in_snapshot.size() << ", when the backup ended: "
                                  << signed_when_backup_ended);
  CHECK(signed_in_snapshot.size() >= static_cast<std::size_t>(kAgreements / 4));

  // Served from the restored folder (same public base, so the same QR codes), every signed
  // agreement of the snapshot has its PDF, byte for byte the original service's.
  workflow::ManualClock restored_clock(fixture.clock().now());
  api::ServiceOptions options;
  options.data_dir = restored;
  options.share_dir = SANFANG_SOURCE_DIR;
  options.port = 0;
  options.io_threads = 2;
  options.render_threads = 1;
  options.clock = &restored_clock;
  options.public_base = fixture.base_url();
  auto restored_service = require_ok(api::Service::start(options));
  HttpClient original_client(fixture.base_url());
  HttpClient restored_client(restored_service->base_url());
  original_client.set_token(school_token);
  restored_client.set_token(school_token);
  for (std::int64_t id : signed_in_snapshot) {
    const std::string path = "/api/v1/agreements/" + std::to_string(id) + "/pdf";
    const auto original_pdf = original_client.get(path);
    const auto restored_pdf = restored_client.get(path);
    INFO("agreement " << id);
    REQUIRE(original_pdf.status == 200);
    REQUIRE(restored_pdf.status == 200);
    CHECK(restored_pdf.body.starts_with("%PDF-"));
    CHECK(restored_pdf.body == original_pdf.body);
  }
  restored_service->stop();
}

TEST_CASE("restore into a folder that is not empty is refused and leaves the folder as it was", "[cli][backup]") {
  TempFolder scratch;
  const fs::path archive = small_backup(scratch.path);
  const fs::path target = scratch.path / "in-use";
  fs::create_directories(target);
  write_file(target / "notes.txt", "不要覆盖");

  const auto restore = run_sanfang("restore " + archive.string() + " --data " + target.string());
  CHECK(restore.exit_status == 1);
  CHECK(restore.output.find("is not empty") != std::string::npos);
  CHECK(restore.output.find("nothing was restored") != std::string::npos);
  CHECK(folder_listing(target) == std::vector<std::string>{"notes.txt"});
  CHECK(read_file(target / "notes.txt") == "不要覆盖");
  check_no_leftovers_beside(target);

  // An empty folder is fine: it becomes the restored data folder.
  const fs::path empty = scratch.path / "empty";
  fs::create_directories(empty);
  const auto into_empty = run_sanfang("restore " + archive.string() + " --data " + empty.string());
  INFO(into_empty.output);
  CHECK(into_empty.exit_status == 0);
  CHECK(fs::exists(store::SqliteStore::database_path(empty)));
  CHECK(into_empty.output.find("2 signed PDFs") != std::string::npos);
}

TEST_CASE("a damaged or tampered archive is refused with a clear error and nothing is restored", "[cli][backup]") {
  TempFolder scratch;
  const fs::path archive = small_backup(scratch.path);
  std::string bytes = read_file(archive);
  const fs::path tampered = scratch.path / "tampered.tar";
  std::string expected;

  SECTION("a byte of a signed PDF changed") {
    const auto pdf = bytes.find("%PDF-");
    REQUIRE(pdf != std::string::npos);
    bytes[pdf + 200] = static_cast<char>(bytes[pdf + 200] ^ 0x01);
    expected = "does not hold the content its name says";
  }
  SECTION("the manifest's hash of the database changed") {
    const auto database = bytes.find("\"path\": \"sanfang.sqlite3\"");
    REQUIRE(database != std::string::npos);
    const auto hash = bytes.find("\"sha256\": \"", database);
    REQUIRE(hash != std::string::npos);
    char& digit = bytes[hash + 11];
    digit = digit == '0' ? '1' : '0';
    expected = "sanfang.sqlite3 has sha256";
  }
  SECTION("the archive cut short") {
    bytes.resize(bytes.size() / 2);
    expected = "archive damaged";
  }
  write_file(tampered, bytes);

  const fs::path target = scratch.path / "restored";
  const auto restore = run_sanfang("restore " + tampered.string() + " --data " + target.string());
  INFO(restore.output);
  CHECK(restore.exit_status == 1);
  CHECK(restore.output.find(expected) != std::string::npos);
  CHECK(restore.output.find("nothing was restored") != std::string::npos);
  CHECK_FALSE(fs::exists(target));
  check_no_leftovers_beside(target);
}

TEST_CASE("restore refuses an archive whose audit chain was edited, even with a matching manifest", "[cli][backup]") {
  TempFolder scratch;
  const fs::path archive = small_backup(scratch.path);
  const fs::path edited = scratch.path / "edited";
  REQUIRE(run_sanfang("restore " + archive.string() + " --data " + edited.string()).exit_status == 0);
  // Whoever edits the file can drop the guard trigger and write a fresh manifest; the chain tells.
  const fs::path database = store::SqliteStore::database_path(edited);
  REQUIRE(exec_directly(database, "DROP TRIGGER audit_log_no_update") == SQLITE_OK);
  REQUIRE(exec_directly(database, "UPDATE audit_log SET reason = 'edited' WHERE id = 4") == SQLITE_OK);
  const fs::path rewritten = scratch.path / "rewritten.tar";
  REQUIRE(run_sanfang("backup --data " + edited.string() + " -o " + rewritten.string()).exit_status == 0);

  const fs::path target = scratch.path / "restored";
  const auto restore = run_sanfang("restore " + rewritten.string() + " --data " + target.string());
  INFO(restore.output);
  CHECK(restore.exit_status == 1);
  CHECK(restore.output.find("audit chain broken at event 4") != std::string::npos);
  CHECK_FALSE(fs::exists(target));
  check_no_leftovers_beside(target);
}

TEST_CASE("backup of a folder without a database fails and writes no archive", "[cli][backup]") {
  TempFolder scratch;
  const fs::path archive = scratch.path / "nothing.tar";
  const auto backup = run_sanfang("backup --data " + (scratch.path / "no-such-folder").string() + " -o " + archive.string());
  CHECK(backup.exit_status == 1);
  CHECK(backup.output.find("no database") != std::string::npos);
  CHECK_FALSE(fs::exists(archive));
  CHECK(folder_listing(scratch.path).empty());
  CHECK(run_sanfang("backup --data " + scratch.path.string()).exit_status == 2);
  CHECK(run_sanfang("restore " + archive.string()).exit_status == 2);
}
