// Logs are JSON lines, and background failures are counted for /metrics.
#include "core/log.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace sanfang::log {
namespace {

struct CapturedLines {
  std::vector<std::string> lines;
  CapturedLines() {
    set_sink([this](const std::string& line) { lines.push_back(line); });
  }
  ~CapturedLines() { set_sink({}); }
};

TEST_CASE("a log line is one JSON object with time, level, event and the event's fields", "[core][log]") {
  CapturedLines captured;
  warn("print_job_retry_scheduled", {{"job_id", 7}, {"event", "not replaced"}, {"detail", "磁盘\n已满"}});
  REQUIRE(captured.lines.size() == 1);
  CHECK(captured.lines[0].find('\n') == std::string::npos);
  const auto line = nlohmann::json::parse(captured.lines[0]);
  CHECK(line["level"] == "warn");
  CHECK(line["event"] == "print_job_retry_scheduled");
  CHECK(line["job_id"] == 7);
  CHECK(line["detail"] == "磁盘\n已满");
  const std::string time = line["time"];
  CHECK(time.size() == 24);
  CHECK(time.back() == 'Z');
}

TEST_CASE("a background failure is logged at error level and counted for its task", "[core][log]") {
  CapturedLines captured;
  const auto before = background_failures(BackgroundTask::ExpirySweep);
  background_failure(BackgroundTask::ExpirySweep, "expiry_sweep_failed", {{"error", "database is locked"}});
  CHECK(background_failures(BackgroundTask::ExpirySweep) == before + 1);
  REQUIRE(captured.lines.size() == 1);
  const auto line = nlohmann::json::parse(captured.lines[0]);
  CHECK(line["level"] == "error");
  CHECK(line["task"] == "expiry_sweep");
  CHECK(line["error"] == "database is locked");
}

}  // namespace
}  // namespace sanfang::log
