#include "app/audit_log.h"

#include "workflow/print_job.h"
#include "workflow/visibility.h"

namespace sanfang::app {

Result<AuditPage> audit_log(const Context& context, const workflow::Actor& actor, const AuditFilter& filter) {
  TRY(require_visible(workflow::may_see_audit_log(actor)));
  const workflow::SigningWindow window = TRY(workflow::signing_window(filter.from, filter.to, "to"));
  store::AuditQuery query;
  query.entity = filter.entity;
  query.entity_id = filter.entity_id;
  query.actor_account_id = filter.actor_account_id;
  query.from = window.from;
  query.until = window.until;
  query.limit = filter.limit;
  query.offset = filter.offset;
  AuditPage page;
  page.items = TRY(context.store.audit_log(query));
  page.total = TRY(context.store.count_audit(query));
  return page;
}

}  // namespace sanfang::app
