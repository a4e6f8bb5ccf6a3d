#include "workflow/clock.h"

namespace sanfang::workflow {

std::int64_t to_unix_seconds(Timestamp t) { return t.time_since_epoch().count(); }

Timestamp from_unix_seconds(std::int64_t seconds) { return Timestamp{std::chrono::seconds{seconds}}; }

Timestamp SystemClock::now() const {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace sanfang::workflow
