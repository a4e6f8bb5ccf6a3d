// Every request that carries a body, through the real route handlers on a fresh copy of a small
// service world (fuzz_support.h): the first byte picks the route, the second the caller, the rest
// is the body. Whatever the body, the answer is never a server error: a bad body is a 4xx naming
// the member, and an unexpected exception (a JSON type error, say) would surface here as a 500.
#include "fuzz_support.h"

#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sanfang;
  if (size < 2) return 0;
  auto& world = fuzz::ServiceWorld::instance();
  static const std::vector<const api::Route*> routes = [&] {
    std::vector<const api::Route*> with_body;
    for (const api::Route& route : world.routes())
      if (route.method == "POST" || route.method == "PUT" || route.method == "PATCH") with_body.push_back(&route);
    return with_body;
  }();
  const api::Route& route = *routes[data[0] % routes.size()];
  const auto caller = static_cast<fuzz::Caller>(data[1] % fuzz::kCallerCount);
  const api::HttpResponse response =
      world.call(route, caller, std::string(reinterpret_cast<const char*>(data + 2), size - 2),
                 {{"content-type", "application/json"}});
  if (response.status >= 500) {
    std::fprintf(stderr, "%s %s answered %d: %s\n", route.method.c_str(), route.pattern.c_str(), response.status,
                 response.body.c_str());
  }
  fuzz::require(response.status < 500, "a request body never causes a server error");
  return 0;
}
