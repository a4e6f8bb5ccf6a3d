#include "jobs/background_loop.h"

namespace sanfang::jobs {

void BackgroundLoop::start(std::function<bool()> pass) {
  std::lock_guard lock(m_mutex);
  if (m_thread.joinable()) return;
  m_stopping = false;
  m_thread = std::thread([this, pass = std::move(pass)] {
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
      lock.unlock();
      const bool more = pass();
      lock.lock();
      if (!more) m_wake.wait_for(lock, m_interval, [this] { return m_stopping; });
    }
  });
}

void BackgroundLoop::stop() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_wake.notify_all();
  if (m_thread.joinable()) m_thread.join();
}

bool BackgroundLoop::stopping() {
  std::lock_guard lock(m_mutex);
  return m_stopping;
}

}  // namespace sanfang::jobs
