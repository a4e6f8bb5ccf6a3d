// BoundedPool: a fixed number of worker threads behind a queue of limited length, for work that
// must neither run on the threads that do I/O nor pile up without bound: HTTP handlers, password
// hashing.
//
// Trade-offs: a caller that finds the queue full is refused at once (ErrorKind::Busy, 503 with
// Retry-After over HTTP) instead of waiting, so a burst costs the clients a retry rather than the
// service its memory and latency. Each job may carry a deadline: a job that waited past it is not
// run, its `expired` action runs instead, so a client is told to retry rather than served long
// after it gave up. Jobs are not preempted — a deadline bounds only the wait before a job starts —
// and run in arrival order, so callers that must stay prompt (health checks) should not go through
// a pool at all. A task must not submit to the pool it runs on and wait (it could wait for itself).
#pragma once

#include "core/result.h"

#include <chrono>
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
  int threads = 0;               // 0: one per core
  std::size_t queue_limit = 32;  // jobs waiting for a worker, beyond those running
  // > 0 lowers the workers' scheduling priority (setpriority(2) per thread), so that on a machine
  // whose cores they fill, the threads that serve sockets still run at once.
  int nice = 0;
};

class BoundedPool {
 public:
  using Clock = std::chrono::steady_clock;

  struct Job {
    Clock::time_point deadline = Clock::time_point::max();
    std::function<void()> run;      // started before the deadline
    std::function<void()> expired;  // instead of `run`: the deadline passed in the queue, or the pool stopped
  };

  // `name` goes into the Busy message, which the server log shows.
  explicit BoundedPool(std::string name, BoundedPoolOptions options = {});
  ~BoundedPool();
  BoundedPool(const BoundedPool&) = delete;
  BoundedPool& operator=(const BoundedPool&) = delete;

  int size() const { return static_cast<int>(m_workers.size()); }
  std::size_t waiting() const;

  // Queues the job, or returns false (and drops it) when the queue is full or the pool stopped.
  bool try_submit(Job job);

  // Queues `task` (returning Result<T>) and hands back its future; Busy when the queue is full.
  template <typename Task>
  auto submit(Task task) -> Result<std::future<std::invoke_result_t<Task&>>> {
    using Outcome = std::invoke_result_t<Task&>;
    auto promise = std::make_shared<std::promise<Outcome>>();
    auto future = promise->get_future();
    Job job;
    job.run = [promise, task = std::move(task)]() mutable { promise->set_value(task()); };
    job.expired = [promise, name = m_name] { promise->set_value(busy(name)); };
    if (!try_submit(std::move(job))) return busy(m_name);
    return future;
  }

  // Runs `task` on a worker and waits for its Result; Busy when the queue is full.
  template <typename Task>
  auto run(Task task) -> std::invoke_result_t<Task&> {
    auto future = submit(std::move(task));
    if (!future) return future.take_error();
    return future->get();
  }

  // Jobs still waiting get `expired`; running ones finish; the workers are joined.
  void stop();

 private:
  static Error busy(const std::string& name);
  void work(int nice);

  std::string m_name;
  std::size_t m_queue_limit = 0;
  mutable std::mutex m_mutex;
  std::condition_variable m_ready;
  std::deque<Job> m_queue;
  bool m_stopping = false;
  std::vector<std::thread> m_workers;
};

}  // namespace sanfang::core
