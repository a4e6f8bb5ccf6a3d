// RequestFramer on its own (api/request_framing.h): reads cut anywhere, an empty read, and the
// `Expect: 100-continue` handshake it tells the server about.
#include "api/request_framing.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using sanfang::api::FramedRequest;
using sanfang::api::RequestFramer;

namespace {

std::string post(const std::string& version, const std::string& framing) {
  return "POST /api/v1/auth/login " + version + "\r\nHost: 127.0.0.1\r\n" + framing + "\r\n";
}

}  // namespace

TEST_CASE("Regression: an empty read is not taken as the end of the stream", "[api][framing]") {
  RequestFramer framer(1024);
  std::vector<FramedRequest> complete;
  REQUIRE_FALSE(framer.feed("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n", complete));
  // http-parser reads zero bytes as the end of input and refuses the unfinished request.
  CHECK_FALSE(framer.feed("", complete));
  CHECK(framer.in_request());
  REQUIRE_FALSE(framer.feed("ok", complete));
  REQUIRE(complete.size() == 1);
  CHECK(complete[0].body == "ok");
}

TEST_CASE("A request expecting 100-continue asks for it once, while its body has not begun", "[api][framing]") {
  RequestFramer framer(1024);
  std::vector<FramedRequest> complete;
  REQUIRE_FALSE(framer.feed(post("HTTP/1.1", "Content-Length: 4\r\nExpect: 100-continue\r\n"), complete));
  CHECK(framer.take_continue());
  CHECK_FALSE(framer.take_continue());
  REQUIRE_FALSE(framer.feed("body", complete));
  CHECK_FALSE(framer.take_continue());
  REQUIRE(complete.size() == 1);
  CHECK(complete[0].body == "body");
}

TEST_CASE("No 100-continue is asked for when it would tell the client nothing", "[api][framing]") {
  RequestFramer framer(1024);
  std::vector<FramedRequest> complete;
  SECTION("the body came with the headers") {
    REQUIRE_FALSE(framer.feed(post("HTTP/1.1", "Content-Length: 4\r\nExpect: 100-continue\r\n") + "bo", complete));
  }
  SECTION("an HTTP/1.0 client (RFC 9110 §10.1.1)") {
    REQUIRE_FALSE(framer.feed(post("HTTP/1.0", "Content-Length: 4\r\nExpect: 100-continue\r\n"), complete));
  }
  SECTION("a request without content") {
    REQUIRE_FALSE(framer.feed(post("HTTP/1.1", "Content-Length: 0\r\nExpect: 100-continue\r\n"), complete));
    CHECK(complete.size() == 1);
  }
  CHECK_FALSE(framer.take_continue());
}

TEST_CASE("An announced body over the limit or an unknown expectation is refused instead of continued",
          "[api][framing]") {
  RequestFramer framer(1024);
  std::vector<FramedRequest> complete;
  SECTION("413") {
    const auto refusal = framer.feed(post("HTTP/1.1", "Content-Length: 5000\r\nExpect: 100-continue\r\n"), complete);
    REQUIRE(refusal);
    CHECK(refusal->status == 413);
  }
  SECTION("417") {
    const auto refusal = framer.feed(post("HTTP/1.1", "Content-Length: 4\r\nExpect: 100-continue, x\r\n"), complete);
    REQUIRE(refusal);
    CHECK(refusal->status == 417);
    CHECK(refusal->type == "expectation_failed");
  }
  CHECK_FALSE(framer.take_continue());
  CHECK(complete.empty());
}
