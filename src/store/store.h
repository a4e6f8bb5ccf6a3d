// The store: where workflow entities live between requests, behind one interface per area so
// that a PostgreSQL implementation can follow the embedded SQLite one (SPEC "Storage") and both
// answer to the same contract tests (tests/store/contract/).
//
// The areas: accounts (account_store.h), agreements (agreement_store.h), print room
// (print_store.h), documents and blobs (document_store.h), audit (audit_store.h), the record of
// periodic work run once per installation (periodic_store.h), and the portal's webhooks with their
// outbox (webhook_store.h). A component that needs one area takes that interface; `Store` is all
// of them behind one connection, with the two things that span areas: readiness and a transaction
// around several calls.
//
// Trade-off: one implementation class still provides every area (the areas share transactions —
// signing an agreement appends audit events, creating a print job writes print records and audit
// events), so the split narrows what callers depend on, not how a backend is built.
#pragma once

#include <functional>

#include "core/result.h"
#include "store/account_store.h"
#include "store/agreement_store.h"
#include "store/audit_store.h"
#include "store/document_store.h"
#include "store/periodic_store.h"
#include "store/print_store.h"
#include "store/webhook_store.h"

namespace sanfang::store {

class Store : public AccountStore,
              public AgreementStore,
              public PrintStore,
              public DocumentStore,
              public AuditStore,
              public PeriodicStore,
              public WebhookStore {
 public:
  ~Store() override = default;

  // Readiness: the database answers a trivial query.
  virtual Status ping() = 0;

  // Runs `work` — calls of this store's methods on this thread — as one transaction: all of it
  // is kept or none. Other threads wait meanwhile. For bulk loads (`sanfang bench-seed`), where
  // one transaction per change would dominate.
  virtual Status in_one_transaction(const std::function<Status()>& work) = 0;
};

}  // namespace sanfang::store
