// "Waiting for me": how much work waits on the actor now (workflow/work_queue.h), counted within
// what they may see, for the badge a portal or a reviewer's page shows before opening the lists.
#pragma once

#include "app/context.h"
#include "core/result.h"
#include "workflow/entities.h"

#include <cstdint>
#include <optional>

namespace sanfang::app {

struct WaitingWork {
  // Agreements waiting on the actor: GET /api/v1/agreements?waiting_for=me lists them.
  std::int64_t agreements = 0;
  // Submitted 生源核查 of a college reviewer's college; none for those who do not verify them.
  std::optional<std::int64_t> source_infos;
};

Result<WaitingWork> waiting_work(const Context& context, const workflow::Actor& actor);

}  // namespace sanfang::app
