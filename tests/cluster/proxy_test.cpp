// nginx in front of three instances with deploy/nginx/sanfang.conf (issue "Several instances on
// PostgreSQL"; tech notes §1: Pistache 0.0.5 stays behind a proxy that bounds and normalises
// requests): round robin reaches every instance, a body over the proxy's limit never reaches one,
// and X-Forwarded-For is the proxy's own statement of the client, never the client's.
#include "cluster.h"

#include <fstream>
#include <sstream>

using namespace sanfang;
using sanfang::cluster::Cluster;
using sanfang::cluster::requests_counted;
using sanfang::testing::HttpClient;

namespace {

std::vector<std::string> lines_of(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool names_an_address(const std::string& line) {
  return line.find("listen ") != std::string::npos || line.find("server 127.0.0.1:") != std::string::npos;
}

std::string metrics_of(const Cluster& cluster, int instance) {
  HttpClient client(cluster.base_url(instance));
  const auto answer = client.get("/metrics");
  REQUIRE(answer.status == 200);
  return answer.body;
}

}  // namespace

TEST_CASE("the proxy configuration the cluster runs is the deploy file with only its addresses changed", "[cluster]") {
  test::TempFolder folder;
  REQUIRE(testing::run_process({std::string(SANFANG_SOURCE_DIR) + "/scripts/lib/proxy-config.sh",
                                folder.path().string(), "18080", "18081", "18082"}) == 0);
  const auto deployed = lines_of(std::string(SANFANG_SOURCE_DIR) + "/deploy/nginx/sanfang.conf");
  const auto generated = lines_of(folder.path() / "sanfang.conf");

  std::vector<std::string> deployed_directives, generated_directives, generated_addresses;
  for (const auto& line : deployed)
    if (!names_an_address(line)) deployed_directives.push_back(line);
  for (const auto& line : generated)
    (names_an_address(line) ? generated_addresses : generated_directives).push_back(line);
  CHECK(generated_directives == deployed_directives);
  CHECK(generated_addresses == std::vector<std::string>{"    server 127.0.0.1:18081 max_fails=2 fail_timeout=5s;",
                                                        "    server 127.0.0.1:18082 max_fails=2 fail_timeout=5s;",
                                                        "    listen 127.0.0.1:18080;"});
  // A bad port is refused and nothing is written.
  test::TempFolder refused;
  CHECK(testing::run_process({std::string(SANFANG_SOURCE_DIR) + "/scripts/lib/proxy-config.sh",
                              refused.path().string(), "18080", "81; evil"}) == 2);
  CHECK(std::filesystem::is_empty(refused.path()));
}

TEST_CASE("through nginx, requests reach all three instances and a body over the limit is refused by the proxy alone",
          "[cluster][postgresql]") {
  Cluster cluster;
  cluster.start(3);
  cluster.start_proxy();

  constexpr int kRequests = 30;
  HttpClient through_proxy(cluster.proxy_url());
  for (int i = 0; i < kRequests; ++i) REQUIRE(through_proxy.get("/v/check").status == 200);
  long total = 0;
  for (int i = 0; i < cluster.size(); ++i) {
    const long counted = requests_counted(metrics_of(cluster, i), "GET", "/v/check");
    INFO("instance " << i);
    CHECK(counted > 0);
    total += counted;
  }
  CHECK(total == kRequests);

  // 12 MiB: over client_max_body_size (11m). nginx answers from its Content-Length alone.
  const auto oversized = through_proxy.request("POST", "/v/check", std::string(12 * 1024 * 1024, '%'),
                                               {{"Content-Type", "application/pdf"}});
  CHECK(oversized.status == 413);
  CHECK(oversized.header("content-type").find("problem+json") == std::string::npos);
  for (int i = 0; i < cluster.size(); ++i) {
    INFO("instance " << i);
    CHECK(requests_counted(metrics_of(cluster, i), "POST", "/v/check") == 0);
  }
}

TEST_CASE("through nginx, a client cannot choose its own address with X-Forwarded-For", "[cluster][postgresql]") {
  Cluster cluster;
  cluster.start(3);  // every instance trusts 127.0.0.1, the proxy
  cluster.start_proxy();

  // Document checks are limited to 10 a minute per client address on each instance: 30 through
  // three instances. Were the spoofed header passed on (appended to), each request would count
  // for another client and none would be refused.
  constexpr int kRequests = 40;
  HttpClient through_proxy(cluster.proxy_url());
  int refused = 0;
  for (int i = 0; i < kRequests; ++i) {
    const auto answer = through_proxy.request("POST", "/v/check", "%PDF-1.7 not a document",
                                              {{"Content-Type", "application/pdf"},
                                               {"X-Forwarded-For", "203.0.113." + std::to_string(i + 1)}});
    INFO("request " << i << ": " << answer.status << " " << answer.body);
    CHECK(answer.status < 500);
    refused += answer.status == 429;
  }
  CHECK(refused >= kRequests - 30);
}
