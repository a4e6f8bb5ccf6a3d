// Leases on print jobs (store::PrintLease): which process runs a job, renewed while it does, so
// that the job of a process that died — a service killed with -9, a `sanfang batch` killed in the
// middle — is recognisable (owner "host:pid", expiry) and taken over by the next runner.
//
// Trade-offs: a dead owner is normally recognised by its lease running out (kLeaseDefault), which
// works across machines sharing one database. On the same machine a runner need not wait: a pid
// that no longer exists is dead at once (lease_owner_is_dead). A reused pid only makes it wait
// for the expiry, never take a live job.
#pragma once

#include "store/print_store.h"
#include "workflow/clock.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace sanfang::jobs {

inline constexpr std::chrono::seconds kLeaseDefault{30};

// "host:pid" of this process.
std::string this_process_lease_owner();

// True when `owner` ("host:pid" or "host:pid/N") is a runner of the process that started this
// one: a drawing process only helps with its own runner's job.
bool lease_owner_is_parent_process(std::string_view owner);

// "host:pid/N" for the N-th print runner of this process: each runner holds leases of its own, so
// that two services in one process (tests of several instances) take jobs over from each other
// exactly as two processes would.
std::string new_runner_lease_owner();

// True when `owner` ("host:pid" or "host:pid/N") names a process of this host that no longer runs.
bool lease_owner_is_dead(std::string_view owner);

// Ends the leases that dead processes of this host still hold on unfinished jobs, so that they
// can be claimed now rather than when the leases run out.
void break_dead_leases(store::PrintStore& store, const workflow::Clock& clock);

// What a lease is on: a whole job (its runner, whose renewals extend its part leases too), or the
// parts of another runner's job that this runner helps with (store::PrintStore, "parts drawn
// side by side").
enum class LeaseOn { Job, Parts };

// Renews this process's lease on one job, or on the parts of it that it draws, from a thread of
// its own (every third of the lease) for as long as it lives; lost() turns true when another
// runner took them over or the job's run ended.
class LeaseKeeper {
 public:
  LeaseKeeper(store::PrintStore& store, const workflow::Clock& clock, std::int64_t job_id, std::string owner,
              std::chrono::seconds duration, LeaseOn on = LeaseOn::Job);
  ~LeaseKeeper();
  LeaseKeeper(const LeaseKeeper&) = delete;
  LeaseKeeper& operator=(const LeaseKeeper&) = delete;

  const std::string& owner() const { return m_owner; }
  bool lost() const { return m_lost; }

 private:
  void loop();

  store::PrintStore& m_store;
  const workflow::Clock& m_clock;
  std::int64_t m_job_id;
  std::string m_owner;
  std::chrono::seconds m_duration;
  LeaseOn m_on;
  std::atomic<bool> m_lost{false};
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stopping = false;
  std::thread m_thread;
};

}  // namespace sanfang::jobs
