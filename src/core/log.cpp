#include "core/log.h"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace sanfang::log {

namespace {

std::mutex g_mutex;
std::function<void(const std::string&)> g_sink;  // guarded by g_mutex
std::atomic<Level> g_min_level{Level::Info};
std::array<std::atomic<unsigned long long>, std::size(kBackgroundTasks)> g_failures{};

std::string now_rfc3339() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[40];
  const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(text + n, sizeof text - n, ".%03dZ", static_cast<int>(millis));
  return text;
}

}  // namespace

std::string_view to_string(Level level) {
  switch (level) {
    case Level::Info: return "info";
    case Level::Warn: return "warn";
    case Level::Error: return "error";
  }
  return "error";
}

std::string_view to_string(BackgroundTask task) {
  switch (task) {
    case BackgroundTask::ExpirySweep: return "expiry_sweep";
    case BackgroundTask::PrintQueue: return "print_queue";
    case BackgroundTask::PrintJob: return "print_job";
    case BackgroundTask::VerificationLog: return "verification_log";
    case BackgroundTask::Webhooks: return "webhooks";
  }
  return "unknown";
}

void set_min_level(Level level) { g_min_level = level; }

void write(Level level, std::string_view event, const nlohmann::json& fields) {
  if (level < g_min_level.load()) return;
  nlohmann::json line = {{"time", now_rfc3339()}, {"level", to_string(level)}, {"event", event}};
  if (fields.is_object()) {
    for (const auto& [name, value] : fields.items()) {
      if (!line.contains(name)) line[name] = value;
    }
  }
  // Invalid UTF-8 (a library's message in another encoding) is replaced rather than thrown.
  const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::lock_guard lock(g_mutex);
  if (g_sink) {
    g_sink(text);
    return;
  }
  std::fprintf(stderr, "%s\n", text.c_str());
}

void background_failure(BackgroundTask task, std::string_view event, const nlohmann::json& fields) {
  ++g_failures[static_cast<std::size_t>(task)];
  nlohmann::json with_task = fields.is_object() ? fields : nlohmann::json::object();
  with_task["task"] = to_string(task);
  write(Level::Error, event, with_task);
}

unsigned long long background_failures(BackgroundTask task) { return g_failures[static_cast<std::size_t>(task)]; }

void set_sink(std::function<void(const std::string& line)> sink) {
  std::lock_guard lock(g_mutex);
  g_sink = std::move(sink);
}

}  // namespace sanfang::log
