#include "app/print_jobs.h"

#include "workflow/visibility.h"

#include <utility>

namespace sanfang::app {

namespace {

Status require_print_room(const workflow::Actor& actor) {
  return require_visible(workflow::may_see_print_jobs(actor));
}

void wake_runner(const Context& context) {
  if (context.prints) context.prints->wake();
}

}  // namespace

Result<workflow::PrintJob> queue_print_job(const Context& context, workflow::PrintJobOrigin origin,
                                           const store::PrintOperator& by, workflow::PrintRequest request) {
  const workflow::PrintRequest normalized =
      TRY(workflow::normalize_print_request(std::move(request), context.copy_numbers));
  workflow::PrintJob job = TRY(context.store.create_print_job(normalized, origin, by, context.now()));
  wake_runner(context);
  return job;
}

Result<workflow::PrintJob> create_print_job(const Context& context, const workflow::Actor& actor,
                                            const store::PrintOperator& by, workflow::PrintRequest request) {
  TRY(require_print_room(actor));
  return queue_print_job(context, workflow::PrintJobOrigin::Service, by, std::move(request));
}

Result<std::vector<workflow::PrintJob>> list_print_jobs(const Context& context, const workflow::Actor& actor,
                                                        int limit) {
  TRY(require_print_room(actor));
  return context.store.print_jobs(limit);
}

Result<workflow::PrintJob> print_job(const Context& context, const workflow::Actor& actor, std::int64_t id) {
  TRY(require_print_room(actor));
  return context.store.print_job(id);
}

Result<PrintJobFile> print_job_file(const Context& context, const workflow::Actor& actor, std::int64_t id) {
  workflow::PrintJob job = TRY(print_job(context, actor, id));
  if (job.state != workflow::PrintJobState::Done)
    return Error::make(ErrorKind::Conflict, "打印任务尚未完成，没有可下载的文件", "state");
  auto file = context.store.blob_file(job.sha256);
  if (!file) {
    if (file.error().kind == ErrorKind::NotFound) return Error::make(ErrorKind::NotFound, "该打印任务的文件不在服务器上");
    return file.take_error();
  }
  return PrintJobFile{std::move(job), std::move(*file)};
}

Result<workflow::PrintJob> cancel_print_job(const Context& context, const workflow::Actor& actor,
                                            const store::PrintOperator& by, std::int64_t id) {
  TRY(require_print_room(actor));
  workflow::PrintJob cancelled = TRY(context.store.cancel_print_job(id, by, context.now()));
  wake_runner(context);
  return cancelled;
}

}  // namespace sanfang::app
