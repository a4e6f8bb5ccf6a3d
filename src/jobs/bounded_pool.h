// BoundedPool: a fixed number of worker threads behind a queue of fixed capacity, for work that
// must not run on the threads that do I/O. A full queue refuses new work at once (the caller
// answers "busy") instead of queueing without bound, and each job carries a deadline: a job that
// waited past it is not run, its `expired` action runs instead, so a client is told to retry
// rather than served long after it gave up.
//
// Trade-offs: jobs are not preempted — a deadline only bounds the wait before a job starts, not
// how long it runs. Jobs run in arrival order, so one slow kind of work can delay every other
// kind; callers that must stay prompt (health checks) should not go through the pool at all.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace sanfang::jobs {

class BoundedPool {
 public:
  using Clock = std::chrono::steady_clock;

  struct Job {
    Clock::time_point deadline;
    std::function<void()> run;      // started before the deadline
    std::function<void()> expired;  // instead of `run`: the deadline passed in the queue, or the pool stopped
  };

  // `threads` ≥ 1 workers; at most `capacity` ≥ 1 jobs waiting (running ones are not counted).
  // `nice` > 0 lowers the workers' scheduling priority (setpriority(2) per thread), so that on a
  // machine whose cores they fill, the threads that serve sockets still run at once.
  BoundedPool(int threads, std::size_t capacity, int nice = 0);
  ~BoundedPool();
  BoundedPool(const BoundedPool&) = delete;
  BoundedPool& operator=(const BoundedPool&) = delete;

  // Queues the job, or returns false (and drops it) when the queue is full or the pool stopped.
  bool try_submit(Job job);
  // Jobs still waiting get `expired`; running ones finish; the workers are joined.
  void stop();

  std::size_t waiting() const;

 private:
  void work(int nice);

  const std::size_t m_capacity;
  mutable std::mutex m_mutex;
  std::condition_variable m_ready;
  std::deque<Job> m_queue;
  bool m_stopping = false;
  std::vector<std::thread> m_workers;
};

}  // namespace sanfang::jobs
