// The invitation expiry sweeper (SPEC: "an invitation expires 14 days after it was (last) sent;
// expiry happens on time whether or not anyone is looking"). A background thread wakes every
// `interval`, reads the service clock and expires what is due. The clock is the service's own, so
// tests move a ManualClock and call run_once() to sweep deterministically.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/result.h"
#include "store/invitation_expiry.h"
#include "workflow/agreement_rules.h"
#include "workflow/clock.h"

namespace sanfang::jobs {

class ExpirySweeper {
 public:
  ExpirySweeper(store::AgreementStore& store, const workflow::Clock& clock,
                const workflow::WorkflowOptions& options, std::chrono::milliseconds interval);
  ~ExpirySweeper();
  ExpirySweeper(const ExpirySweeper&) = delete;
  ExpirySweeper& operator=(const ExpirySweeper&) = delete;

  void start();
  // Wakes the thread and joins it; a sweep in progress finishes first.
  void stop();
  // One pass at the clock's current time, on the caller's thread.
  Result<store::ExpirySweep> run_once();

 private:
  void loop();

  store::AgreementStore& m_store;
  const workflow::Clock& m_clock;
  const workflow::WorkflowOptions& m_options;
  std::chrono::milliseconds m_interval;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stopping = false;
  std::thread m_thread;
};

}  // namespace sanfang::jobs
