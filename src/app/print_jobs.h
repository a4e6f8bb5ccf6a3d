// The print room's batch jobs as use cases (SPEC "Print room"): queue, follow, fetch the file,
// cancel. Jobs run in the background (jobs/print_runner.h) or in `sanfang batch`; these only queue
// or read one. The print room and the school work the queue (workflow/visibility.h); anyone else
// finds no print jobs at all (NotFound).
#pragma once

#include "app/context.h"
#include "core/result.h"
#include "store/store.h"
#include "workflow/entities.h"
#include "workflow/print_job.h"

#include <cstdint>
#include <filesystem>
#include <vector>

namespace sanfang::app {

// Queues a job for the request, normalised against the layout's copies (Context::copy_numbers)
// and split into parts of at most WorkflowOptions::print_part_limit agreements (unless the request
// asks for one file), and wakes the background runner. For the service's accounts: create_print_job().
Result<workflow::PrintJob> queue_print_job(const Context& context, workflow::PrintJobOrigin origin,
                                           const store::PrintOperator& by, workflow::PrintRequest request);

// A job queued by an account of the print room or the school.
Result<workflow::PrintJob> create_print_job(const Context& context, const workflow::Actor& actor,
                                            const store::PrintOperator& by, workflow::PrintRequest request);

// The newest `limit` jobs, newest first.
Result<std::vector<workflow::PrintJob>> list_print_jobs(const Context& context, const workflow::Actor& actor,
                                                        int limit);

Result<workflow::PrintJob> print_job(const Context& context, const workflow::Actor& actor, std::int64_t id);

struct PrintJobFile {
  workflow::PrintJob job;
  std::filesystem::path file;
  int part = 1;  // which part of the job the file is
  std::string sha256;  // of the file
};

// A finished one-part job's PDF as a file on this machine: the blob the job's sha256 names, from
// any instance (Store::blob_file). Conflict naming `parts` for a job of several parts (each is
// downloaded by itself), naming state while the job is not done; NotFound when the store has no
// such blob (a job finished by `sanfang batch` wrote where it was told to).
Result<PrintJobFile> print_job_file(const Context& context, const workflow::Actor& actor, std::int64_t id);

// Part `n` of a job as soon as that part is drawn, while the others may still be drawn. Conflict
// naming state before; NotFound naming n for a part the job does not have.
Result<PrintJobFile> print_job_part_file(const Context& context, const workflow::Actor& actor, std::int64_t id, int n);

// A queued or running job stops: its records are voided and no file is left. Conflict naming
// state for a finished job.
Result<workflow::PrintJob> cancel_print_job(const Context& context, const workflow::Actor& actor,
                                            const store::PrintOperator& by, std::int64_t id);

}  // namespace sanfang::app
