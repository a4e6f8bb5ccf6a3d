// Every answer carries its request's id — the client's X-Request-Id when it is sane, a new one
// otherwise — in the X-Request-Id header and, for a problem, in the body's request_id.
#include "service_fixture.h"

#include <catch2/catch.hpp>

#include <regex>

namespace sanfang::testing {
namespace {

TEST_CASE("a problem body and its response header carry the same request id", "[api][request-id]") {
  ServiceFixture fixture;
  HttpClient client(fixture.base_url());
  client.set_token(sign_in_as_school(fixture, client));

  const auto given = client.get("/api/v1/agreements/999999", {{"X-Request-Id", "trace-42.a:b_c"}});
  CHECK(given.status == 404);
  CHECK(given.header("x-request-id") == "trace-42.a:b_c");
  CHECK(given.json()["request_id"] == "trace-42.a:b_c");

  // Without one, or with one that is not sane, the service makes its own.
  const std::regex generated("[0-9a-f]{32}");
  for (const std::string& bad : {std::string(), std::string("two words"), std::string(65, 'x'), std::string("a\"b")}) {
    const auto answer = bad.empty() ? client.get("/api/v1/agreements/999999")
                                    : client.get("/api/v1/agreements/999999", {{"X-Request-Id", bad}});
    INFO("X-Request-Id: " << bad);
    CHECK(answer.status == 404);
    const std::string id = answer.header("x-request-id");
    CHECK(std::regex_match(id, generated));
    CHECK(answer.json()["request_id"] == id);
  }

  // Answers that are not problems carry it too, and two requests never share one.
  const auto first = client.get("/api/v1/agreements");
  const auto second = client.get("/api/v1/agreements");
  CHECK(first.status == 200);
  CHECK(std::regex_match(first.header("x-request-id"), generated));
  CHECK(first.header("x-request-id") != second.header("x-request-id"));
  CHECK_FALSE(first.json().contains("request_id"));

  // So do refusals before the handler: no account.
  HttpClient anonymous(fixture.base_url());
  const auto refused = anonymous.get("/api/v1/agreements", {{"X-Request-Id", "anon-1"}});
  CHECK(refused.status == 401);
  CHECK(refused.header("x-request-id") == "anon-1");
  CHECK(refused.json()["request_id"] == "anon-1");

  // And the answers the HTTP layer makes itself: an unknown address, a method a route lacks.
  const auto unknown = anonymous.get("/no/such/address", {{"X-Request-Id", "lost-1"}});
  CHECK(unknown.status == 404);
  CHECK(unknown.header("x-request-id") == "lost-1");
  CHECK(unknown.json()["request_id"] == "lost-1");
  const auto wrong_method = anonymous.post_json("/healthz", nlohmann::json::object());
  CHECK(wrong_method.status == 405);
  CHECK(std::regex_match(wrong_method.header("x-request-id"), generated));
  CHECK(wrong_method.json()["request_id"] == wrong_method.header("x-request-id"));
}

}  // namespace
}  // namespace sanfang::testing
