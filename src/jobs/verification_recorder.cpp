#include "jobs/verification_recorder.h"

#include "core/log.h"

namespace sanfang::jobs {

VerificationRecorder::VerificationRecorder(store::Store& store, VerificationRecorderOptions options)
    : m_store(store), m_options(options) {
  m_thread = std::thread([this] { loop(); });
}

VerificationRecorder::~VerificationRecorder() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_wake.notify_all();
  m_thread.join();
  if (auto written = write_queued(); !written)
    log::background_failure(log::BackgroundTask::VerificationLog, "verification_log_write_failed",
                            {{"error", written.error().describe()}, {"lost", true}});
}

void VerificationRecorder::record(store::VerificationRecord record) {
  std::unique_lock lock(m_mutex);
  m_drained.wait(lock, [&] { return m_queue.size() < m_options.max_queued || m_stopping; });
  m_queue.push_back(std::move(record));
  if (m_queue.size() >= m_options.max_queued) m_wake.notify_all();
}

Status VerificationRecorder::flush() { return write_queued(); }

Status VerificationRecorder::write_queued() {
  std::lock_guard writing(m_writing);
  std::vector<store::VerificationRecord> batch;
  {
    std::lock_guard lock(m_mutex);
    batch.swap(m_queue);
  }
  m_drained.notify_all();
  if (batch.empty()) return {};
  Status written = m_store.in_one_transaction([&]() -> Status {
    for (const auto& record : batch) TRY(m_store.record_verification(record));
    return {};
  });
  if (!written) {
    // Kept for the next pass rather than lost: the log is how forgeries being tried show up.
    std::lock_guard lock(m_mutex);
    m_queue.insert(m_queue.begin(), batch.begin(), batch.end());
  }
  return written;
}

void VerificationRecorder::loop() {
  std::unique_lock lock(m_mutex);
  while (!m_stopping) {
    m_wake.wait_for(lock, m_options.interval, [this] { return m_stopping || m_queue.size() >= m_options.max_queued; });
    if (m_stopping) return;
    lock.unlock();
    if (auto written = write_queued(); !written)
      log::background_failure(log::BackgroundTask::VerificationLog, "verification_log_write_failed",
                              {{"error", written.error().describe()}});
    lock.lock();
  }
}

}  // namespace sanfang::jobs
