#include "service_fixture.h"

#include <fstream>

#include "store/store.h"

#include <catch2/catch.hpp>
#include <curl/curl.h>

#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
#include <cstdlib>

namespace sanfang::testing {

namespace {

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

std::size_t append_header(char* data, std::size_t size, std::size_t count, void* out) {
  std::string line(data, size * count);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    value.erase(value.find_last_not_of("\r\n ") + 1);
    (*static_cast<std::map<std::string, std::string>*>(out))[name] = value;
  }
  return size * count;
}

}  // namespace

nlohmann::json HttpResult::json() const {
  auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_discarded()) FAIL("response is not JSON: " << body);
  return parsed;
}

std::string HttpResult::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

HttpClient::HttpClient(std::string base_url) : m_base(std::move(base_url)), m_curl(curl_easy_init()) {}
HttpClient::~HttpClient() { curl_easy_cleanup(static_cast<CURL*>(m_curl)); }

HttpResult HttpClient::request(const std::string& method, const std::string& path, const std::string& body,
                               const std::map<std::string, std::string>& headers) {
  CURL* curl = static_cast<CURL*>(m_curl);
  curl_easy_reset(curl);
  HttpResult result;
  const std::string url = m_base + path;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
  if (method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_slist* list = nullptr;
  list = curl_slist_append(list, "Expect:");  // Pistache 0.0.5 has no 100-continue
  for (const auto& [name, value] : headers) list = curl_slist_append(list, (name + ": " + value).c_str());
  if (!m_token.empty()) list = curl_slist_append(list, ("Authorization: Bearer " + m_token).c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, append_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &result.headers);
  CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(list);
  if (code != CURLE_OK) FAIL(method << " " << path << ": " << curl_easy_strerror(code));
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  return result;
}

CommandResult run_sanfang(const std::string& arguments) {
  const std::string command = std::string(SANFANG_BINARY_DIR) + "/src/cli/sanfang " + arguments + " 2>&1";
  std::unique_ptr<FILE, decltype(&pclose)> pipe(popen(command.c_str(), "r"), &pclose);
  REQUIRE(pipe);
  CommandResult result;
  std::array<char, 512> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe.get())) result.output += buffer.data();
  const int status = pclose(pipe.release());
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

ServiceFixture::ServiceFixture(ServiceFixtureOptions options)
    : m_options(options), m_clock(workflow::from_unix_seconds(1'780'000'000)) {
  std::string pattern = (std::filesystem::temp_directory_path() / "sanfang-api-XXXXXX").string();
  if (!mkdtemp(pattern.data())) FAIL("mkdtemp failed");
  m_data_dir = pattern;
  if (options.seeded_agreements > 0) {
    const auto seeded = run_sanfang("bench-seed --data " + m_data_dir.string() + " --agreements " +
                                    std::to_string(options.seeded_agreements));
    INFO(seeded.output);
    REQUIRE(seeded.exit_status == 0);
  }
  if (!options.verification_key_from.empty())
    std::filesystem::copy_file(options.verification_key_from, m_data_dir / "verification.key");
  start();
}

void ServiceFixture::start() {
  api::ServiceOptions options;
  options.data_dir = m_data_dir;
  options.share_dir = SANFANG_SOURCE_DIR;
  options.port = 0;
  options.io_threads = 2;
  options.render_threads = m_options.render_threads;
  options.clock = &m_clock;
  options.print = m_options.print;
  options.http = m_options.http;
  options.db = m_options.db;
  options.trusted_proxies = m_options.trusted_proxies;
  options.public_base = m_options.public_base;
  options.wechat_page_base = m_options.wechat_page_base;
  options.webhooks = m_options.webhooks;
  options.workflow.print_part_limit = m_options.print_part_limit;
  auto service = api::Service::start(options);
  if (!service) FAIL("service did not start: " << service.error().describe());
  m_service = std::move(*service);
}

void ServiceFixture::stop() {
  m_service->stop();
  m_service.reset();
}

nlohmann::json ServiceFixture::seeded_accounts() const {
  std::ifstream in(m_data_dir / "bench-accounts.json");
  REQUIRE(in);
  return nlohmann::json::parse(in);
}

std::string ServiceFixture::seeded_api_key(const std::string& role) const {
  const nlohmann::json accounts = seeded_accounts();
  for (const auto& account : accounts["accounts"]) {
    if (account["role"] == role) return account["api_key"].get<std::string>();
  }
  FAIL("no seeded " << role << " account");
  return {};
}

ServiceFixture::~ServiceFixture() {
  m_service.reset();
  std::error_code ec;
  std::filesystem::remove_all(m_data_dir, ec);
}

std::string sign_in_as_school(ServiceFixture& fixture, HttpClient& client) {
  store::NewAccount account;
  account.username = "centre";
  account.password = "correct-horse";
  account.role = workflow::Role::School;
  REQUIRE(fixture.app().store->create_account(account, fixture.clock().now()).ok());
  auto login = client.post_json("/api/v1/auth/login", {{"username", "centre"}, {"password", "correct-horse"}});
  REQUIRE(login.status == 200);
  return login.json()["token"];
}

}  // namespace sanfang::testing
