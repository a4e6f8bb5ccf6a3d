// Webhook signatures as Standard Webhooks 1.0 specifies them, checked against the specification's
// own example, so that a portal's stock verifier accepts sanfang's deliveries.
#include "jobs/webhook_signature.h"

#include <catch2/catch.hpp>

namespace sanfang::jobs {
namespace {

TEST_CASE("a signature matches the Standard Webhooks reference example", "[webhooks]") {
  const auto signature = webhook_signature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                                           1614265330, R"({"test": 2432232314})");
  REQUIRE(signature.ok());
  CHECK(signature.value() == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST_CASE("a signature covers the id, the timestamp and every byte of the body", "[webhooks]") {
  const std::string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const std::string reference = webhook_signature(secret, "msg_1", 1614265330, "{}").value();
  CHECK(webhook_signature(secret, "msg_2", 1614265330, "{}").value() != reference);
  CHECK(webhook_signature(secret, "msg_1", 1614265331, "{}").value() != reference);
  CHECK(webhook_signature(secret, "msg_1", 1614265330, "{ }").value() != reference);
}

TEST_CASE("a new secret is whsec_ and base64 of random bytes, different every time", "[webhooks]") {
  const std::string first = new_webhook_secret().value();
  const std::string second = new_webhook_secret().value();
  CHECK(first.starts_with("whsec_"));
  CHECK(first != second);
  CHECK(check_webhook_secret(first).ok());
}

TEST_CASE("a secret that is not whsec_ and base64 of 24 to 64 bytes is refused naming secret", "[webhooks]") {
  for (const char* secret : {"", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_", "whsec_c2hvcnQ=", "whsec_not base64!",
                             "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw==="}) {
    CAPTURE(secret);
    const Status checked = check_webhook_secret(secret);
    REQUIRE_FALSE(checked.ok());
    CHECK(checked.error().kind == ErrorKind::InvalidInput);
    CHECK(checked.error().field == "secret");
    CHECK_FALSE(webhook_signature(secret, "msg_1", 1, "{}").ok());
  }
}

}  // namespace
}  // namespace sanfang::jobs
