// ByteCache: a bounded, thread-safe cache of immutable byte strings by key, least recently used
// first out — for what is costly to make and never changes for its key: a preview PDF or page
// image keyed by the hash of the content it was drawn from.
//
// Trade-offs: bounded by the bytes it holds (not by entries), so a few large PDFs cannot crowd out
// memory; an entry larger than the whole budget is not kept. Values are shared (shared_ptr to
// const), so a reader keeps its bytes while a writer evicts them, at the price of one allocation
// per entry. One mutex guards it: lookups are a hash probe and a list splice, far below the cost
// of a render they replace.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sanfang::core {

class ByteCache {
 public:
  explicit ByteCache(std::size_t max_bytes);

  // The bytes kept for `key`, or null; a hit becomes the most recently used entry.
  std::shared_ptr<const std::string> find(const std::string& key);
  // Keeps `bytes` for `key` (replacing what was there), evicting the least recently used entries
  // beyond the budget; returns the shared bytes, kept or not.
  std::shared_ptr<const std::string> insert(const std::string& key, std::string bytes);

  std::size_t bytes() const;
  std::size_t entries() const;

 private:
  using Entry = std::pair<std::string, std::shared_ptr<const std::string>>;
  void evict_beyond_budget();

  const std::size_t m_max_bytes;
  mutable std::mutex m_mutex;
  std::list<Entry> m_recent;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> m_index;
  std::size_t m_bytes = 0;
};

}  // namespace sanfang::core
