#include "api/client_rate_limit.h"

#include <algorithm>

namespace sanfang::api {

std::string ClientRateLimit::window_text() const {
  const auto seconds = m_window.count();
  if (seconds == 60) return "每分钟";
  if (seconds % 60 == 0) return "每 " + std::to_string(seconds / 60) + " 分钟";
  return "每 " + std::to_string(seconds) + " 秒";
}

Status ClientRateLimit::admit(const std::string& client, workflow::Timestamp now, std::chrono::seconds& retry_after) {
  std::lock_guard lock(m_mutex);
  auto found = m_clients.find(client);
  if (found != m_clients.end() && now >= found->second.started + m_window) {
    m_clients.erase(found);
    found = m_clients.end();
  }
  if (found == m_clients.end()) {
    if (m_clients.size() >= m_max_clients)
      std::erase_if(m_clients, [&](const auto& entry) { return now >= entry.second.started + m_window; });
    if (m_clients.size() >= m_max_clients) {
      retry_after = m_window;
      return Error::make(ErrorKind::TooManyRequests, "核验请求过多，请稍后再试");
    }
    found = m_clients.emplace(client, Window{now, 0}).first;
  }
  if (found->second.used >= m_limit) {
    retry_after = std::max(std::chrono::seconds(1), found->second.started + m_window - now);
    return Error::make(ErrorKind::TooManyRequests,
                       "核验过于频繁：每个网络地址" + window_text() + "最多核验 " + std::to_string(m_limit) +
                           " 次，请在 " + std::to_string(retry_after.count()) + " 秒后再试");
  }
  ++found->second.used;
  return {};
}

}  // namespace sanfang::api
