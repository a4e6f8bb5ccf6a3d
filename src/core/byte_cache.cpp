#include "core/byte_cache.h"

namespace sanfang::core {

ByteCache::ByteCache(std::size_t max_bytes) : m_max_bytes(max_bytes) {}

std::shared_ptr<const std::string> ByteCache::find(const std::string& key) {
  const std::lock_guard lock(m_mutex);
  const auto found = m_index.find(key);
  if (found == m_index.end()) return nullptr;
  m_recent.splice(m_recent.begin(), m_recent, found->second);
  return found->second->second;
}

std::shared_ptr<const std::string> ByteCache::insert(const std::string& key, std::string bytes) {
  auto shared = std::make_shared<const std::string>(std::move(bytes));
  if (shared->size() > m_max_bytes) return shared;
  const std::lock_guard lock(m_mutex);
  if (const auto found = m_index.find(key); found != m_index.end()) {
    m_bytes -= found->second->second->size();
    m_recent.erase(found->second);
    m_index.erase(found);
  }
  m_recent.emplace_front(key, shared);
  m_index[key] = m_recent.begin();
  m_bytes += shared->size();
  evict_beyond_budget();
  return shared;
}

void ByteCache::evict_beyond_budget() {
  while (m_bytes > m_max_bytes && !m_recent.empty()) {
    m_bytes -= m_recent.back().second->size();
    m_index.erase(m_recent.back().first);
    m_recent.pop_back();
  }
}

std::size_t ByteCache::bytes() const {
  const std::lock_guard lock(m_mutex);
  return m_bytes;
}

std::size_t ByteCache::entries() const {
  const std::lock_guard lock(m_mutex);
  return m_recent.size();
}

}  // namespace sanfang::core
