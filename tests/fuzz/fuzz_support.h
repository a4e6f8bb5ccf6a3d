// What the fuzz targets share: the project's code lists, a scratch folder per process, and a
// service world — a real SQLite store with accounts of every role and one agreement — through
// which request bodies are dispatched to the real route handlers, without a socket.
//
// Each dispatched request runs on a fresh copy of the world's database, so an input behaves the
// same however many inputs ran before it and a crash replays from its input alone. The copy costs
// some throughput; reproducible findings are worth more than raw executions per second.
#pragma once

#include "api/app.h"
#include "api/http.h"
#include "api/routes.h"
#include "core/code_lists.h"
#include "jobs/render_pool.h"
#include "workflow/clock.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sanfang::fuzz {

// The code lists of layouts/codes, loaded once.
const core::CodeLists& code_lists();
std::filesystem::path source_dir();
// One render thread with the project's fonts and default layout, shared by every input: what
// uploads are checked on and what the service world's routes draw and check fit with.
jobs::RenderPool& render_pool();
// A folder of this process, removed at exit.
const std::filesystem::path& scratch_dir();

// Stops the process (a finding) when a result the code promises does not hold.
void require(bool condition, const char* what);

// Who calls a route.
enum class Caller { Student, Employer, College, School, Print, Anonymous };
inline constexpr int kCallerCount = 6;

class ServiceWorld {
 public:
  static ServiceWorld& instance();

  // The route with this method and pattern (both exactly as registered).
  const api::Route& route(std::string_view method, std::string_view pattern) const;
  const std::vector<api::Route>& routes() const { return m_routes.routes(); }

  // Runs one request on a fresh copy of the world. Path parameters are filled with the world's
  // own records (the student, the employer, the agreement, print job 1).
  api::HttpResponse call(const api::Route& route, Caller caller, std::string body,
                         std::map<std::string, std::string> headers = {});

  const std::string& wechat_secret() const { return m_wechat_secret; }
  workflow::Timestamp now() const { return m_clock.now(); }

 private:
  ServiceWorld();

  api::RouteTable m_routes;
  workflow::ManualClock m_clock;
  std::filesystem::path m_template_dir;
  std::map<Caller, std::string> m_tokens;
  std::string m_wechat_secret;
  std::int64_t m_employer_id = 0;
  std::int64_t m_agreement_id = 0;
};

}  // namespace sanfang::fuzz
