#include "core/bounded_pool.h"

#include <algorithm>

#include <sys/resource.h>
#include <unistd.h>

namespace sanfang::core {

BoundedPool::BoundedPool(std::string name, BoundedPoolOptions options)
    : m_name(std::move(name)), m_queue_limit(std::max<std::size_t>(options.queue_limit, 1)) {
  int count = options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  count = std::max(count, 1);
  m_workers.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) m_workers.emplace_back([this, nice = options.nice] { work(nice); });
}

BoundedPool::~BoundedPool() { stop(); }

Error BoundedPool::busy(const std::string& name) {
  return Error::make(ErrorKind::Busy, "服务繁忙，请稍后重试（" + name + "队列已满）");
}

bool BoundedPool::try_submit(Job job) {
  {
    std::lock_guard lock(m_mutex);
    if (m_stopping || m_queue.size() >= m_queue_limit) return false;
    m_queue.push_back(std::move(job));
  }
  m_ready.notify_one();
  return true;
}

std::size_t BoundedPool::waiting() const {
  std::lock_guard lock(m_mutex);
  return m_queue.size();
}

void BoundedPool::stop() {
  std::deque<Job> left;
  {
    std::lock_guard lock(m_mutex);
    if (m_stopping && m_workers.empty()) return;
    m_stopping = true;
    left.swap(m_queue);
  }
  m_ready.notify_all();
  for (Job& job : left) job.expired();
  for (std::thread& worker : m_workers) worker.join();
  m_workers.clear();
}

void BoundedPool::work(int nice) {
  // On Linux a thread's nice value is its own (the thread id is a process id here). Failing to
  // lower it only costs responsiveness elsewhere, so the result is not checked.
  if (nice > 0) setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), nice);
  for (;;) {
    Job job;
    {
      std::unique_lock lock(m_mutex);
      m_ready.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
      if (m_queue.empty()) return;
      job = std::move(m_queue.front());
      m_queue.pop_front();
    }
    if (Clock::now() > job.deadline) {
      job.expired();
    } else {
      job.run();
    }
  }
}

}  // namespace sanfang::core
