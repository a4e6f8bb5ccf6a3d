#include "workflow/clock.h"

#include <ctime>

namespace sanfang::workflow {

std::int64_t to_unix_seconds(Timestamp t) { return t.time_since_epoch().count(); }

Timestamp from_unix_seconds(std::int64_t seconds) { return Timestamp{std::chrono::seconds{seconds}}; }

std::string rfc3339(Timestamp t) {
  const std::time_t seconds = to_unix_seconds(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

Timestamp SystemClock::now() const {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace sanfang::workflow
