// The invitation expiry sweeper (SPEC: "an invitation expires 14 days after it was (last) sent;
// expiry happens on time whether or not anyone is looking"). A background thread wakes every
// `interval`, reads the service clock and expires what is due — once per interval for the whole
// installation: several instances on one database each wake, and the one the store's periodic
// record picks sweeps (store/periodic_store.h). The clock is the service's own, so tests move a
// ManualClock and call run_once() to sweep deterministically.
//
// The same thread forgets credentials past their end (sessions, captchas, WeChat binding tokens),
// at most once an hour for the installation: they are refused by their own expiry anyway, so this
// only keeps the tables small, and an hourly table scan costs nothing next to the logins.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "core/result.h"
#include "jobs/background_loop.h"
#include "store/account_store.h"
#include "store/invitation_expiry.h"
#include "store/periodic_store.h"
#include "workflow/agreement_rules.h"
#include "workflow/clock.h"

namespace sanfang::jobs {

class ExpirySweeper {
 public:
  // The name of the sweep's periodic record.
  static constexpr std::string_view kPeriodicName = "invitation_expiry";
  // The name of the credentials clean-up's periodic record, and how often it runs at most.
  static constexpr std::string_view kCredentialsPeriodicName = "expired_credentials";
  static constexpr std::chrono::hours kCredentialsPeriod{1};

  ExpirySweeper(store::AgreementStore& store, store::AccountStore& accounts, store::PeriodicStore& periodic,
                const workflow::Clock& clock, const workflow::WorkflowOptions& options,
                std::chrono::milliseconds interval);
  ~ExpirySweeper();
  ExpirySweeper(const ExpirySweeper&) = delete;
  ExpirySweeper& operator=(const ExpirySweeper&) = delete;

  void start();
  // Wakes the thread and joins it; a sweep in progress finishes first.
  void stop();
  // One pass at the clock's current time, on the caller's thread.
  Result<store::ExpirySweep> run_once();
  // What the thread does at each wake-up: the pass, when no instance made one in the last
  // interval (whole seconds, at least one); nullopt when another did.
  Result<std::optional<store::ExpirySweep>> run_if_due();
  // The credentials clean-up when no instance made one within kCredentialsPeriod: how many rows it
  // removed, or nullopt when another did.
  Result<std::optional<std::int64_t>> forget_expired_if_due();

 private:
  // One wake-up's work: the sweep and the credentials clean-up when due, failures logged.
  void pass();

  store::AgreementStore& m_store;
  store::AccountStore& m_accounts;
  store::PeriodicStore& m_periodic;
  const workflow::Clock& m_clock;
  const workflow::WorkflowOptions& m_options;
  BackgroundLoop m_loop;
};

}  // namespace sanfang::jobs
