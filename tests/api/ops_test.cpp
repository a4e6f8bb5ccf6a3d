#include "service_fixture.h"

#include "api/routes.h"

#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

using namespace sanfang;
using sanfang::testing::HttpClient;
using sanfang::testing::ServiceFixture;

namespace {

// "/api/v1/agreements/:id" → "/api/v1/agreements/{id}" as OpenAPI writes it.
std::string openapi_path(const std::string& pattern) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == ':' && i > 0 && pattern[i - 1] == '/') {
      std::size_t end = pattern.find('/', i);
      out += "{" + pattern.substr(i + 1, end == std::string::npos ? std::string::npos : end - i - 1) + "}";
      i = end == std::string::npos ? pattern.size() : end - 1;
    } else {
      out += pattern[i];
    }
  }
  return out;
}

}  // namespace

TEST_CASE("openapi.yaml describes exactly the routes the server has", "[api][openapi]") {
  std::set<std::string> server_routes;
  const api::RouteTable table = api::all_routes();
  for (const auto& route : table.routes()) {
    std::string method = route.method;
    std::transform(method.begin(), method.end(), method.begin(), ::tolower);
    server_routes.insert(method + " " + openapi_path(route.pattern));
  }
  std::set<std::string> documented;
  YAML::Node spec = YAML::LoadFile(std::string(SANFANG_SOURCE_DIR) + "/api/openapi.yaml");
  for (const auto& path : spec["paths"]) {
    for (const auto& operation : path.second) {
      documented.insert(operation.first.as<std::string>() + " " + path.first.as<std::string>());
    }
  }
  CHECK(documented == server_routes);
}

TEST_CASE("health, readiness and the contract are served", "[api][ops]") {
  ServiceFixture fixture;
  HttpClient client(fixture.base_url());
  CHECK(client.get("/healthz").status == 200);
  auto ready = client.get("/readyz");
  CHECK(ready.status == 200);
  CHECK(ready.json()["status"] == "ready");
  auto contract = client.get("/api/v1/openapi.yaml");
  CHECK(contract.status == 200);
  CHECK(contract.body.find("openapi: 3.1.0") != std::string::npos);
}

TEST_CASE("metrics count requests by route and status in Prometheus text", "[api][ops]") {
  ServiceFixture fixture;
  HttpClient client(fixture.base_url());
  client.get("/healthz");
  client.get("/healthz");
  auto metrics = client.get("/metrics");
  CHECK(metrics.status == 200);
  CHECK(metrics.header("content-type").find("text/plain") == 0);
  CHECK(metrics.body.find("sanfang_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2") !=
        std::string::npos);
  CHECK(metrics.body.find("sanfang_http_request_duration_seconds_bucket") != std::string::npos);
}

TEST_CASE("an unknown path is a problem+json 404", "[api][ops]") {
  ServiceFixture fixture;
  HttpClient client(fixture.base_url());
  auto response = client.get("/api/v1/nothing-here");
  CHECK(response.status == 404);
  CHECK(response.header("content-type") == "application/problem+json");
  CHECK(response.json()["status"] == 404);
}

TEST_CASE("HTTP/1.1 connections stay open unless the client asks to close", "[api][ops]") {
  ServiceFixture fixture;
  HttpClient client(fixture.base_url());
  CHECK(client.get("/healthz").header("connection") == "Keep-Alive");
  CHECK(client.get("/healthz", {{"Connection", "close"}}).header("connection") == "Close");
}
