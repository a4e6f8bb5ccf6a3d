#include "jobs/print_lease.h"

#include "core/log.h"

#include <cerrno>
#include <charconv>
#include <csignal>
#include <unistd.h>

namespace sanfang::jobs {

namespace {

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "localhost";
  return name;
}

// "host:pid" of a lease owner "host:pid" or "host:pid/N": the process decides for its runners.
std::string_view owning_process(std::string_view owner) { return owner.substr(0, owner.find('/')); }

}  // namespace

std::string this_process_lease_owner() { return host_name() + ":" + std::to_string(::getpid()); }

bool lease_owner_is_parent_process(std::string_view owner) {
  return owning_process(owner) == host_name() + ":" + std::to_string(::getppid());
}

std::string new_runner_lease_owner() {
  static std::atomic<int> runners{0};
  return this_process_lease_owner() + "/" + std::to_string(++runners);
}

bool lease_owner_is_dead(std::string_view owner) {
  owner = owning_process(owner);
  const std::size_t colon = owner.rfind(':');
  if (colon == std::string_view::npos || owner.substr(0, colon) != host_name()) return false;
  const std::string_view digits = owner.substr(colon + 1);
  pid_t pid = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), pid);
  if (ec != std::errc() || end != digits.data() + digits.size() || pid <= 0) return false;
  return ::kill(pid, 0) != 0 && errno == ESRCH;
}

void break_dead_leases(store::PrintStore& store, const workflow::Clock& clock) {
  for (const auto origin : {workflow::PrintJobOrigin::Service, workflow::PrintJobOrigin::Cli}) {
    auto jobs = store.unfinished_print_jobs(origin);
    if (!jobs) {
      log::background_failure(log::BackgroundTask::PrintQueue, "print_queue_read_failed",
                              {{"error", jobs.error().describe()}});
      return;
    }
    for (const workflow::PrintJob& job : *jobs) {
      if (job.lease_owner.empty() || !lease_owner_is_dead(job.lease_owner)) continue;
      if (auto broken = store.break_print_lease(job.id, job.lease_owner, clock.now()); !broken) {
        log::background_failure(log::BackgroundTask::PrintQueue, "print_lease_break_failed",
                                {{"job_id", job.id}, {"error", broken.error().describe()}});
      } else {
        log::warn("print_job_owner_dead", {{"job_id", job.id}, {"owner", job.lease_owner}});
      }
    }
  }
}

LeaseKeeper::LeaseKeeper(store::PrintStore& store, const workflow::Clock& clock, std::int64_t job_id, std::string owner,
                         std::chrono::seconds duration, LeaseOn on)
    : m_store(store), m_clock(clock), m_job_id(job_id), m_owner(std::move(owner)), m_duration(duration), m_on(on) {
  m_thread = std::thread([this] { loop(); });
}

LeaseKeeper::~LeaseKeeper() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_wake.notify_all();
  m_thread.join();
}

void LeaseKeeper::loop() {
  const auto interval = std::max<std::chrono::milliseconds>(m_duration / 3, std::chrono::milliseconds(100));
  std::unique_lock lock(m_mutex);
  while (!m_wake.wait_for(lock, interval, [this] { return m_stopping; })) {
    lock.unlock();
    const store::PrintLease lease{m_owner, m_clock.now() + m_duration};
    auto renewed = m_on == LeaseOn::Job ? m_store.renew_print_lease(m_job_id, lease)
                                        : m_store.renew_print_part_leases(m_job_id, lease);
    lock.lock();
    if (renewed) continue;
    if (renewed.error().kind == ErrorKind::Conflict) {
      m_lost = true;
      log::warn("print_lease_lost", {{"job_id", m_job_id}, {"owner", m_owner}});
      return;
    }
    // The database may answer again before the lease runs out; the next renewal tries.
    log::background_failure(log::BackgroundTask::PrintJob, "print_lease_renewal_failed",
                            {{"job_id", m_job_id}, {"error", renewed.error().describe()}});
  }
}

}  // namespace sanfang::jobs
