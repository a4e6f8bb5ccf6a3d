// The school's public address (workflow/public_address.h) as use cases: adopted at a service's
// start, changed only by an explicit action that the audit log records (old → new). Both take the
// store alone: `sanfang school set-public-base` runs them without a service.
#pragma once

#include "core/result.h"
#include "store/store.h"
#include "workflow/entities.h"

#include <string>
#include <string_view>

namespace sanfang::app {

struct AdoptedPublicBase {
  std::string url;                 // what this process prints from now on
  bool differs_from_configured = false;  // another address was stored before: it wins
};

// A service's start: `configured` (--public-base, the config file, or http://HOST:PORT) is
// validated (InvalidInput naming `field`) and stored when the data has no address yet; an address
// already stored is kept.
Result<AdoptedPublicBase> adopt_public_base(store::Store& store, std::string_view configured, std::string_view field,
                                            workflow::Timestamp now);

// An explicit change by `by` (the school's staff over HTTP, the operator's CLI as the system):
// validated, stored and audited in one transaction. Returns the previous address (empty if none).
// Documents made afterwards carry the new one; earlier copies keep verifying, since the QR code's
// MAC does not cover the address.
Result<std::string> change_public_base(store::Store& store, const workflow::Actor& by, std::string_view url,
                                       workflow::Timestamp now);

}  // namespace sanfang::app
