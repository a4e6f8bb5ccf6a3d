// Logs as JSON lines: one object per line on standard error — {"time", "level", "event", and the
// event's own fields} — so that a log shipper reads them without a parser for free text. Events
// are short snake_case names ("print_job_failed"); fields carry the facts (ids, reasons).
//
// Background failures — work no caller is waiting for (the expiry sweep, the print queue and its
// jobs, the verification-log writer, the render at signing) — are logged at error level and also
// counted per task, and the service shows the counts in /metrics: a failure nobody sees in a log
// still shows as a rising counter.
//
// Trade-offs: lines are written under one mutex straight to stderr (unbuffered), which is fine
// for errors and lifecycle events but is not meant for per-request access logs at full load. The
// counters are process-wide (one service per process), so tests compare before and after.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <string_view>

namespace sanfang::log {

enum class Level { Info, Warn, Error };

std::string_view to_string(Level level);

// Writes {"time": RFC 3339 UTC with milliseconds, "level", "event", ...fields}. `fields` must be
// an object (or null for none); its members never replace time, level or event.
void write(Level level, std::string_view event, const nlohmann::json& fields = nullptr);
inline void info(std::string_view event, const nlohmann::json& fields = nullptr) { write(Level::Info, event, fields); }
inline void warn(std::string_view event, const nlohmann::json& fields = nullptr) { write(Level::Warn, event, fields); }
inline void error(std::string_view event, const nlohmann::json& fields = nullptr) { write(Level::Error, event, fields); }

enum class BackgroundTask { ExpirySweep, PrintQueue, PrintJob, VerificationLog, Webhooks };
inline constexpr BackgroundTask kBackgroundTasks[] = {BackgroundTask::ExpirySweep, BackgroundTask::PrintQueue,
                                                      BackgroundTask::PrintJob, BackgroundTask::VerificationLog,
                                                      BackgroundTask::Webhooks};
std::string_view to_string(BackgroundTask task);

// Logs `event` at error level with {"task": …} added to `fields`, and counts it for `task`.
void background_failure(BackgroundTask task, std::string_view event, const nlohmann::json& fields = nullptr);
// How many failures of `task` this process has seen.
unsigned long long background_failures(BackgroundTask task);

// Lines below `level` are dropped: a command's helper process keeps only what needs attention.
void set_min_level(Level level);

// Where lines go instead of stderr (each without its newline); an empty function restores stderr.
void set_sink(std::function<void(const std::string& line)> sink);

}  // namespace sanfang::log
