// BoundedPool: a fixed number of worker threads and a queue of limited length, for CPU-heavy work
// (password hashing) that must neither run on a request thread nor pile up without bound.
//
// Trade-offs: a caller that finds the queue full gets ErrorKind::Busy at once (503 with
// Retry-After over HTTP) instead of waiting, so a burst costs the clients a retry rather than the
// service its memory and latency. Work is never run by the caller itself, so the number of such
// computations at any moment is at most the number of workers, whatever the number of request
// threads. A task must not submit to the pool it runs on and wait (it could wait for itself).
#pragma once

#include "core/result.h"

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace sanfang::core {

struct BoundedPoolOptions {
  int threads = 0;              // 0: one per core
  std::size_t queue_limit = 32;  // tasks waiting for a worker, beyond those running
};

class BoundedPool {
 public:
  // `name` goes into the Busy message, which the server log shows.
  explicit BoundedPool(std::string name, BoundedPoolOptions options = {}) : m_name(std::move(name)) {
    int count = options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
    count = std::max(count, 1);
    m_queue_limit = options.queue_limit;
    for (int i = 0; i < count; ++i) m_threads.emplace_back([this] { work(); });
  }

  ~BoundedPool() {
    {
      std::lock_guard lock(m_mutex);
      m_stopping = true;
    }
    m_ready.notify_all();
    for (auto& thread : m_threads) thread.join();
  }

  BoundedPool(const BoundedPool&) = delete;
  BoundedPool& operator=(const BoundedPool&) = delete;

  int size() const { return static_cast<int>(m_threads.size()); }

  // Queues `task` (returning Result<T>) and hands back its future; Busy when the queue is full.
  template <typename Task>
  auto submit(Task task) -> Result<std::future<std::invoke_result_t<Task&>>> {
    using Outcome = std::invoke_result_t<Task&>;
    auto promise = std::make_shared<std::promise<Outcome>>();
    auto future = promise->get_future();
    {
      std::lock_guard lock(m_mutex);
      if (m_queue.size() >= m_queue_limit)
        return Error::make(ErrorKind::Busy, "服务繁忙，请稍后重试（" + m_name + "队列已满）");
      m_queue.push_back([promise, task = std::move(task)]() mutable { promise->set_value(task()); });
    }
    m_ready.notify_one();
    return future;
  }

  // Runs `task` on a worker and waits for its Result; Busy when the queue is full.
  template <typename Task>
  auto run(Task task) -> std::invoke_result_t<Task&> {
    auto future = submit(std::move(task));
    if (!future) return future.take_error();
    return future->get();
  }

 private:
  void work() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock lock(m_mutex);
        m_ready.wait(lock, [&] { return m_stopping || !m_queue.empty(); });
        if (m_queue.empty()) return;  // stopping, and nothing left to do
        task = std::move(m_queue.front());
        m_queue.pop_front();
      }
      task();
    }
  }

  std::string m_name;
  std::size_t m_queue_limit = 0;
  std::mutex m_mutex;
  std::condition_variable m_ready;
  std::deque<std::function<void()>> m_queue;
  bool m_stopping = false;
  std::vector<std::thread> m_threads;
};

}  // namespace sanfang::core
