// The school's public address: what a valid one is, and how its change is recorded.
#include "workflow/public_address.h"

#include <catch2/catch.hpp>

namespace sanfang::workflow {
namespace {

TEST_CASE("a public address is an absolute http(s) URL with a host, without query or fragment",
          "[workflow][public_base]") {
  CHECK(validate_public_base("https://jy.example.edu.cn").value() == "https://jy.example.edu.cn");
  CHECK(validate_public_base("https://jy.example.edu.cn//").value() == "https://jy.example.edu.cn");
  CHECK(validate_public_base("http://127.0.0.1:8080").value() == "http://127.0.0.1:8080");
  CHECK(validate_public_base("https://example.edu.cn/jiuye").value() == "https://example.edu.cn/jiuye");
  for (const char* bad : {"", "jy.example.edu.cn", "ftp://jy.example.edu.cn", "https://", "https:///v",
                          "https://:8080", "https://jy.example.edu.cn/?a=1", "https://jy.example.edu.cn/#top",
                          "https://user@jy.example.edu.cn", "https://jy.example .edu.cn", "https://jy.example.edu.cn\n",
                          "HTTPS://JY.EXAMPLE.EDU.CN"}) {
    const auto refused = validate_public_base(bad, "--public-base");
    INFO(bad);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().kind == ErrorKind::InvalidInput);
    CHECK(refused.error().field == "--public-base");
  }
}

TEST_CASE("a change of the public address is one audit event from the old to the new address",
          "[workflow][public_base]") {
  const Actor school{Role::School, 9, "", 0, ""};
  const AuditEvent event = public_base_change("https://a.example.edu.cn", "https://b.example.edu.cn", school,
                                              from_unix_seconds(1'780'000'000));
  CHECK(event.entity == "school");
  CHECK(event.entity_id == "public_base");
  CHECK(event.action == "set_public_base");
  CHECK(event.actor_account_id == 9);
  CHECK(event.actor_role == Role::School);
  CHECK(event.from_state == "https://a.example.edu.cn");
  CHECK(event.to_state == "https://b.example.edu.cn");
}

}  // namespace
}  // namespace sanfang::workflow
