// The verification log's writer (SPEC "Serial numbers and verification": every check is
// recorded). A scan of a QR code should not wait for the disk: the page answers at once and the
// record joins a queue that a background thread writes in one transaction every `interval` — one
// fsync for many scans, so the page serves thousands of scans a second.
// Trade-off: a crash loses at most the records of the last interval (scans, never agreement
// data). Memory is bounded: when `max_queued` records wait, record() waits for the writer.
#pragma once

#include "store/store.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace sanfang::jobs {

struct VerificationRecorderOptions {
  std::chrono::milliseconds interval{200};
  std::size_t max_queued = 10'000;
};

class VerificationRecorder {
 public:
  VerificationRecorder(store::Store& store, VerificationRecorderOptions options = {});
  // Writes what is still queued, then stops.
  ~VerificationRecorder();
  VerificationRecorder(const VerificationRecorder&) = delete;
  VerificationRecorder& operator=(const VerificationRecorder&) = delete;

  void record(store::VerificationRecord record);
  // Writes everything queued so far before returning: the log's readers see every check.
  Status flush();

 private:
  void loop();
  // Takes the queue and writes it; the caller holds no lock.
  Status write_queued();

  store::Store& m_store;
  VerificationRecorderOptions m_options;
  std::mutex m_mutex;
  std::mutex m_writing;  // one writer at a time, so that records keep their order
  std::condition_variable m_wake, m_drained;
  std::vector<store::VerificationRecord> m_queue;
  bool m_stopping = false;
  std::thread m_thread;
};

}  // namespace sanfang::jobs
