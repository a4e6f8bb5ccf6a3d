// A per-client request budget for public routes that do real work for anyone (the "is this file
// genuine?" check hashes up to 10 MB per request): at most `limit` requests per client address in
// a fixed window. Trade-offs: a fixed window lets a client spend two budgets around a window's
// edge, which is acceptable for a deterrent and needs one counter per client; the table is kept
// in memory (a restart forgets it) and bounded — when it is full of live windows, new clients are
// refused too rather than letting the table grow without limit.
#pragma once

#include "core/result.h"
#include "workflow/clock.h"

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>

namespace sanfang::api {

class ClientRateLimit {
 public:
  ClientRateLimit(int limit, std::chrono::seconds window, std::size_t max_clients = 100'000)
      : m_limit(limit), m_window(window), m_max_clients(max_clients) {}

  // Counts one request of `client` at `now`. TooManyRequests, with `retry_after` set to the
  // seconds until the client's window ends, when the budget is spent.
  Status admit(const std::string& client, workflow::Timestamp now, std::chrono::seconds& retry_after);

 private:
  std::string window_text() const;  // 每分钟, 每 5 分钟, 每 30 秒

  struct Window {
    workflow::Timestamp started{};
    int used = 0;
  };
  const int m_limit;
  const std::chrono::seconds m_window;
  const std::size_t m_max_clients;
  std::mutex m_mutex;
  std::map<std::string, Window> m_clients;
};

}  // namespace sanfang::api
