// Time as the workflow sees it. Every rule that depends on time (the 14-day invitation expiry,
// session expiry, account locks) reads a Clock handed in from outside, so tests can move time
// with ManualClock instead of waiting (SPEC "Rules that must hold everywhere": injectable clock).
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <cstdint>

namespace sanfang::workflow {

// Whole seconds since the Unix epoch, UTC: what the store keeps and the audit log hashes.
using Timestamp = std::chrono::sys_seconds;

std::int64_t to_unix_seconds(Timestamp t);
Timestamp from_unix_seconds(std::int64_t seconds);
// "2026-06-01T08:00:00Z": how answers and webhook payloads write a time (RFC 3339, UTC).
std::string rfc3339(Timestamp t);

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Timestamp now() const override;
};

// A clock that only moves when told to; safe to read from several threads.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start) : m_seconds(to_unix_seconds(start)) {}
  Timestamp now() const override { return from_unix_seconds(m_seconds.load()); }
  void set(Timestamp t) { m_seconds.store(to_unix_seconds(t)); }
  void advance(std::chrono::seconds by) { m_seconds.fetch_add(by.count()); }

 private:
  std::atomic<std::int64_t> m_seconds;
};

}  // namespace sanfang::workflow
