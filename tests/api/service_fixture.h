// HTTP test support: a real sanfang service on a loopback port over a fresh data folder, with a
// manual clock, and a small libcurl client (keep-alive, one connection per client).
#pragma once

#include "api/service.h"
#include "workflow/clock.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <string>

namespace sanfang::testing {

struct HttpResult {
  long status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  nlohmann::json json() const;  // the body parsed (fails the test when it is not JSON)
  std::string header(const std::string& lower_case_name) const;
};

class HttpClient {
 public:
  explicit HttpClient(std::string base_url);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;

  // Bearer token sent with every request from now on (empty: none).
  void set_token(std::string token) { m_token = std::move(token); }

  HttpResult request(const std::string& method, const std::string& path, const std::string& body = {},
                     const std::map<std::string, std::string>& headers = {});
  HttpResult get(const std::string& path, const std::map<std::string, std::string>& headers = {}) {
    return request("GET", path, {}, headers);
  }
  HttpResult post_json(const std::string& path, const nlohmann::json& body) {
    return request("POST", path, body.dump(), {{"Content-Type", "application/json"}});
  }

 private:
  std::string m_base;
  std::string m_token;
  void* m_curl;
};

struct CommandResult {
  int exit_status = -1;
  std::string output;  // standard output and standard error together
};

// Runs the built sanfang binary with `arguments` (a shell command line).
CommandResult run_sanfang(const std::string& arguments);

struct ServiceFixtureOptions {
  // Signed agreements made with `sanfang bench-seed` before the service starts (0: an empty
  // folder). Their accounts are in seeded_accounts().
  int seeded_agreements = 0;
  int render_threads = 1;
  jobs::PrintRunOptions print;
  api::HttpLimits http;  // handler pool and timeouts
  // The store (--db): empty for SQLite in the data folder, or a PostgreSQL URI shared with other
  // instances; `verification_key_from` is then copied into the data folder first, as an operator
  // copies DATA/verification.key to every instance.
  std::string db;
  std::filesystem::path verification_key_from;
  api::TrustedProxies trusted_proxies;  // none: every client address is the TCP peer
  std::string public_base;  // --public-base; empty: http://HOST:PORT of the listener
  std::string wechat_page_base;  // empty: the service's default (PUBLIC_BASE/wechat/bind)
  // Webhook deliveries: the thread's first pass runs at start, later ones only by
  // service().webhook_deliverer().run_once() (an hour is longer than any test), so that a test
  // moves the manual clock between passes without a pass of its own in between.
  jobs::WebhookDeliveryOptions webhooks{std::chrono::hours{1}, std::chrono::seconds{5}, 20};
  // The most agreements in one part of a print job ("print_part_limit").
  int print_part_limit = workflow::kDefaultPartLimit;
};

class ServiceFixture {
 public:
  explicit ServiceFixture(ServiceFixtureOptions options = {});
  ~ServiceFixture();

  // Stops the service as SIGTERM does; start() runs a new one over the same data folder.
  void stop();
  void start();
  // What the next start() uses (a restart with another --public-base, say).
  ServiceFixtureOptions& options() { return m_options; }
  // DATA/bench-accounts.json of a seeded folder.
  nlohmann::json seeded_accounts() const;
  // The API key of the seeded account with `role` ("print", "portal").
  std::string seeded_api_key(const std::string& role) const;

  api::Service& service() { return *m_service; }
  api::App& app() { return m_service->app(); }
  workflow::ManualClock& clock() { return m_clock; }
  std::string base_url() const { return m_service->base_url(); }
  const std::filesystem::path& data_dir() const { return m_data_dir; }

 private:
  ServiceFixtureOptions m_options;
  std::filesystem::path m_data_dir;
  workflow::ManualClock m_clock;
  std::unique_ptr<api::Service> m_service;
};

// Creates a school account ("centre") and signs in through the login route; returns its token.
std::string sign_in_as_school(ServiceFixture& fixture, HttpClient& client);

}  // namespace sanfang::testing
