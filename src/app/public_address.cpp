#include "app/public_address.h"

#include "workflow/public_address.h"

namespace sanfang::app {

Result<AdoptedPublicBase> adopt_public_base(store::Store& store, std::string_view configured, std::string_view field,
                                            workflow::Timestamp now) {
  const std::string url = TRY(workflow::validate_public_base(configured, field));
  AdoptedPublicBase adopted;
  adopted.url = TRY(store.adopt_public_base(url, workflow::Actor::system(), now));
  adopted.differs_from_configured = adopted.url != url;
  return adopted;
}

Result<std::string> change_public_base(store::Store& store, const workflow::Actor& by, std::string_view url,
                                       workflow::Timestamp now) {
  const std::string valid = TRY(workflow::validate_public_base(url));
  return store.change_public_base(valid, by, now);
}

}  // namespace sanfang::app
