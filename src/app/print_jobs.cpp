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
  request.part_limit = context.workflow.print_part_limit;
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

namespace {

Result<std::filesystem::path> stored_file(const Context& context, const std::string& sha256) {
  auto file = context.store.blob_file(sha256);
  if (!file && file.error().kind == ErrorKind::NotFound)
    return Error::make(ErrorKind::NotFound, "该打印任务的文件不在服务器上");
  return file;
}

}  // namespace

Result<PrintJobFile> print_job_file(const Context& context, const workflow::Actor& actor, std::int64_t id) {
  workflow::PrintJob job = TRY(print_job(context, actor, id));
  if (job.parts.size() > 1)
    return Error::make(ErrorKind::Conflict,
                       "该打印任务分为 " + std::to_string(job.parts.size()) + " 个部分，每部分一个文件，请逐个下载",
                       "parts");
  if (job.state != workflow::PrintJobState::Done)
    return Error::make(ErrorKind::Conflict, "打印任务尚未完成，没有可下载的文件", "state");
  std::filesystem::path file = TRY(stored_file(context, job.sha256));
  const std::string sha256 = job.sha256;
  return PrintJobFile{std::move(job), std::move(file), 1, sha256};
}

Result<PrintJobFile> print_job_part_file(const Context& context, const workflow::Actor& actor, std::int64_t id, int n) {
  workflow::PrintJob job = TRY(print_job(context, actor, id));
  for (const workflow::PrintJobPart& part : job.parts) {
    if (part.n != n) continue;
    if (!part.done()) return Error::make(ErrorKind::Conflict, "这一部分尚未完成，没有可下载的文件", "state");
    std::filesystem::path file = TRY(stored_file(context, part.sha256));
    const std::string sha256 = part.sha256;
    return PrintJobFile{std::move(job), std::move(file), n, sha256};
  }
  return Error::make(ErrorKind::NotFound, "打印任务没有第 " + std::to_string(n) + " 部分", "n");
}

Result<workflow::PrintJob> cancel_print_job(const Context& context, const workflow::Actor& actor,
                                            const store::PrintOperator& by, std::int64_t id) {
  TRY(require_print_room(actor));
  workflow::PrintJob cancelled = TRY(context.store.cancel_print_job(id, by, context.now()));
  wake_runner(context);
  return cancelled;
}

}  // namespace sanfang::app
