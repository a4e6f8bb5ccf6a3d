#include "jobs/expiry_sweeper.h"

#include <algorithm>

#include "core/log.h"

namespace sanfang::jobs {

ExpirySweeper::ExpirySweeper(store::AgreementStore& store, store::AccountStore& accounts,
                             store::PeriodicStore& periodic, const workflow::Clock& clock,
                             const workflow::WorkflowOptions& options, std::chrono::milliseconds interval)
    : m_store(store),
      m_accounts(accounts),
      m_periodic(periodic),
      m_clock(clock),
      m_options(options),
      m_loop(interval) {}

ExpirySweeper::~ExpirySweeper() { stop(); }

void ExpirySweeper::start() {
  m_loop.start([this] {
    pass();
    return false;
  });
}

void ExpirySweeper::stop() { m_loop.stop(); }

Result<store::ExpirySweep> ExpirySweeper::run_once() {
  return store::expire_due_invitations(m_store, m_options, m_clock.now());
}

Result<std::optional<store::ExpirySweep>> ExpirySweeper::run_if_due() {
  const auto period = std::max(std::chrono::ceil<std::chrono::seconds>(m_loop.interval()), std::chrono::seconds(1));
  if (!TRY(m_periodic.claim_periodic_run(kPeriodicName, period, m_clock.now()))) return std::optional<store::ExpirySweep>();
  return std::optional<store::ExpirySweep>(TRY(run_once()));
}

Result<std::optional<std::int64_t>> ExpirySweeper::forget_expired_if_due() {
  const auto now = m_clock.now();
  if (!TRY(m_periodic.claim_periodic_run(kCredentialsPeriodicName, kCredentialsPeriod, now)))
    return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(TRY(m_accounts.forget_expired_credentials(now)));
}

void ExpirySweeper::pass() {
  auto sweep = run_if_due();
  if (!sweep) {
    // The next pass retries; nothing was half-done because each expiry is its own transaction.
    log::background_failure(log::BackgroundTask::ExpirySweep, "expiry_sweep_failed",
                            {{"error", sweep.error().describe()}});
  } else if (*sweep && (*sweep)->expired > 0) {
    log::info("invitations_expired", {{"count", (*sweep)->expired}});
  }
  auto forgotten = forget_expired_if_due();
  if (!forgotten) {
    log::background_failure(log::BackgroundTask::ExpirySweep, "credentials_cleanup_failed",
                            {{"error", forgotten.error().describe()}});
  } else if (*forgotten && **forgotten > 0) {
    log::info("expired_credentials_forgotten", {{"count", **forgotten}});
  }
}

}  // namespace sanfang::jobs
