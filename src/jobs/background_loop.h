// A background thread that runs a pass, then sleeps for an interval, until it is stopped: the
// shape of the expiry sweeper and the webhook deliverer. stop() wakes the sleep at once and joins
// after the pass in flight, if any.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace sanfang::jobs {

class BackgroundLoop {
 public:
  explicit BackgroundLoop(std::chrono::milliseconds interval) : m_interval(interval) {}
  ~BackgroundLoop() { stop(); }
  BackgroundLoop(const BackgroundLoop&) = delete;
  BackgroundLoop& operator=(const BackgroundLoop&) = delete;

  // Runs `pass` on a new thread (once: a second start while running does nothing). `pass` returns
  // true when more work is waiting, and the next pass then starts without sleeping.
  void start(std::function<bool()> pass);
  void stop();
  // True from stop() on, so that a long pass can end early.
  bool stopping();
  std::chrono::milliseconds interval() const { return m_interval; }

 private:
  std::chrono::milliseconds m_interval;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stopping = false;
  std::thread m_thread;
};

}  // namespace sanfang::jobs
