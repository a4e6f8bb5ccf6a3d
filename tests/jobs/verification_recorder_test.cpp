// The verification log writer: scans recorded from many threads all reach the store, in order,
// once flushed or when the recorder stops — none lost, none twice.
#include "jobs/verification_recorder.h"

#include "store/sqlite_store.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <thread>
#include <vector>

namespace sanfang::jobs {
namespace {

struct TempStore {
  TempStore() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sanfang-jobs-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    dir = pattern;
    store::SqliteStoreOptions options;
    options.data_dir = dir;
    options.school_code = "10731";
    auto opened = store::SqliteStore::open(options);
    REQUIRE(opened.ok());
    db = std::move(opened).value();
  }
  ~TempStore() {
    db.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::filesystem::path dir;
  std::unique_ptr<store::SqliteStore> db;
};

store::VerificationRecord scan(int thread, int n) {
  store::VerificationRecord record;
  record.at = workflow::from_unix_seconds(1'780'000'000 + n);
  record.token = "T" + std::to_string(thread) + "-" + std::to_string(n);
  record.answer = "invalid";
  return record;
}

TEST_CASE("scans recorded from many threads are all in the log after a flush", "[jobs][verification]") {
  TempStore s;
  VerificationRecorder recorder(*s.db, {.interval = std::chrono::milliseconds(5), .max_queued = 64});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int n = 0; n < 250; ++n) recorder.record(scan(t, n));
    });
  }
  for (auto& thread : threads) thread.join();
  REQUIRE(recorder.flush().ok());
  const auto summary = s.db->verifications("", 1000);
  REQUIRE(summary.ok());
  CHECK(summary->invalid == 1000);
  // Each thread's scans keep their order in the log (newest first).
  std::vector<int> last_seen(4, 250);
  for (const auto& record : summary->recent) {
    const int t = record.token[1] - '0';
    const int n = std::stoi(record.token.substr(3));
    CHECK(n < last_seen[static_cast<std::size_t>(t)]);
    last_seen[static_cast<std::size_t>(t)] = n;
  }
}

TEST_CASE("scans still queued when the recorder stops are written, not lost", "[jobs][verification]") {
  TempStore s;
  {
    VerificationRecorder recorder(*s.db, {.interval = std::chrono::hours(1)});
    for (int n = 0; n < 10; ++n) recorder.record(scan(0, n));
  }
  CHECK(s.db->verifications("", 100)->invalid == 10);
}

}  // namespace
}  // namespace sanfang::jobs
