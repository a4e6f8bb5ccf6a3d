// The students CSV (POST /api/v1/admin/students/import, `sanfang import`): any file gives a
// report — counts and per-line errors — or a 400 naming what is wrong; never a server error.
#include "fuzz_support.h"

#include <nlohmann/json.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sanfang;
  auto& world = fuzz::ServiceWorld::instance();
  static const api::Route& import = world.route("POST", "/api/v1/admin/students/import");
  const api::HttpResponse response =
      world.call(import, fuzz::Caller::School, std::string(reinterpret_cast<const char*>(data), size));
  fuzz::require(response.status == 200 || response.status == 400, "an import answers a report or a 400");
  const auto body = nlohmann::json::parse(response.body, nullptr, false);
  fuzz::require(body.is_object(), "an import answers JSON");
  if (response.status == 200) {
    fuzz::require(body.at("imported").get<int>() >= 0 && body.at("updated").get<int>() >= 0, "counts");
    for (const auto& error : body.at("errors")) {
      fuzz::require(error.at("line").get<int>() >= 2, "a line error is after the header");
      fuzz::require(!error.at("detail").get<std::string>().empty(), "a line error says why");
    }
  }
  return 0;
}
