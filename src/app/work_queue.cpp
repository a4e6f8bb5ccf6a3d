#include "app/work_queue.h"

#include "app/agreements.h"
#include "app/source_info.h"
#include "workflow/work_queue.h"

namespace sanfang::app {

Result<WaitingWork> waiting_work(const Context& context, const workflow::Actor& actor) {
  WaitingWork waiting;
  AgreementFilter agreements;
  agreements.waiting_for_me = true;
  waiting.agreements = TRY(count_agreements(context, actor, agreements));
  if (workflow::awaited_work(actor).source_infos) {
    StudentFilter submitted;
    submitted.source_state = workflow::SourceInfoState::Submitted;
    waiting.source_infos = TRY(count_students(context, actor, submitted));
  }
  return waiting;
}

}  // namespace sanfang::app
