#include "app/work_queue.h"

#include "app/agreements.h"
#include "app/source_info.h"
#include "workflow/work_queue.h"

namespace sanfang::app {

Result<WaitingWork> waiting_work(const Context& context, const workflow::Actor& actor) {
  WaitingWork waiting;
  AgreementFilter agreements;
  agreements.waiting_for_me = true;
  agreements.limit = 1;
  waiting.agreements = TRY(list_agreements(context, actor, agreements)).total;
  if (workflow::awaited_work(actor).source_infos) {
    StudentFilter submitted;
    submitted.source_state = workflow::SourceInfoState::Submitted;
    submitted.limit = 1;
    waiting.source_infos = TRY(list_students(context, actor, submitted)).total;
  }
  return waiting;
}

}  // namespace sanfang::app
