// Periodic work that must run once per period for the whole installation, however many
// `sanfang serve` instances share the store (issue 10): the invitation expiry sweep. Every
// instance wakes on its own timer and asks the store; one caller per period is told to run.
#pragma once

#include <chrono>
#include <string_view>

#include "core/result.h"
#include "workflow/clock.h"

namespace sanfang::store {

class PeriodicStore {
 public:
  virtual ~PeriodicStore() = default;

  // Whether the caller runs the work called `name` now: true when no run of it was recorded, or
  // the last one was at least `period` before `now`; the run is then recorded at `now` in the
  // same transaction, so of several callers in one period exactly one is told to run (on
  // PostgreSQL under an advisory lock per name besides the row, so that a caller that finds
  // another instance claiming gives up at once instead of waiting). The work itself is not
  // covered: a run that takes longer than `period` may overlap the next one, so periodic work
  // must be safe to repeat (the expiry sweep is: each expiry is a version-checked transaction).
  virtual Result<bool> claim_periodic_run(std::string_view name, std::chrono::seconds period,
                                          workflow::Timestamp now) = 0;
};

}  // namespace sanfang::store
