#include "api/documents.h"
#include "api/verify_page.h"
#include "core/validate.h"
#include "documents_support.h"
#include "service_fixture.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>

using namespace sanfang;
using sanfang::testing::DocumentsWorld;
using sanfang::testing::HttpClient;
using sanfang::testing::require_ok;
using sanfang::testing::ServiceFixture;
using workflow::Role;

namespace {

// The token printed on copy `copy` of a signed agreement, as the renderer makes it.
std::string printed_token(api::App& app, const workflow::Agreement& agreement, int copy) {
  const auto document = require_ok(app.store->signed_document(agreement.id));
  const auto hash = require_ok(api::hex_decode_hash(document.content_hash));
  return core::make_verification_token(app.key, *agreement.serial, copy, hash);
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct SignedWorld {
  ServiceFixture fixture;
  DocumentsWorld world{fixture.app()};
  workflow::Agreement agreement;

  SignedWorld() {
    world.add_verified_student("2022001", "张三丰");
    agreement = world.sign(world.in_review("2022001"));
  }
};

}  // namespace

TEST_CASE("a printed QR code's page says 有效 with masked name, employer, date and serial", "[api][verify]") {
  SignedWorld w;
  HttpClient client(w.fixture.base_url());
  const std::string token = printed_token(w.fixture.app(), w.agreement, 2);
  const auto page = client.get("/V/" + token);
  REQUIRE(page.status == 200);
  CHECK(page.header("content-type") == "text/html; charset=utf-8");
  CHECK(page.header("cache-control") == "no-store");
  CHECK(contains(page.body, "<meta name=\"viewport\""));
  CHECK(contains(page.body, "有效"));
  CHECK(contains(page.body, "张*丰"));
  CHECK_FALSE(contains(page.body, "张三丰"));
  CHECK(contains(page.body, "甘肃丝路数字科技有限公司"));
  CHECK(contains(page.body, core::format_serial_for_print(*w.agreement.serial)));
  // Signed at 2026-05-28 20:26:40 UTC: already the 29th in Beijing.
  CHECK(contains(page.body, "2026年5月29日"));
  CHECK(contains(page.body, "第 2 联"));
}

TEST_CASE("the verification token is compared case-insensitively on /v/ and /V/", "[api][verify]") {
  SignedWorld w;
  HttpClient client(w.fixture.base_url());
  const std::string token = printed_token(w.fixture.app(), w.agreement, 1);
  const std::map<std::string, std::string> json{{"Accept", "application/json"}};
  CHECK(client.get("/v/" + lower(token), json).json()["status"] == "valid");
  CHECK(client.get("/V/" + lower(token), json).json()["status"] == "valid");
  CHECK(client.get("/v/" + token, json).json()["status"] == "valid");
}

TEST_CASE("forged, altered and truncated tokens say 无效 and nothing else", "[api][verify]") {
  SignedWorld w;
  HttpClient client(w.fixture.base_url());
  const std::string token = printed_token(w.fixture.app(), w.agreement, 1);
  std::string altered = token;
  altered[token.size() - 3] = altered[token.size() - 3] == 'A' ? 'B' : 'A';
  std::string other_copy = printed_token(w.fixture.app(), w.agreement, 3);
  // The serial and copy of copy 3 with the MAC of copy 1: a copy number changed by hand.
  const std::string swapped = other_copy.substr(0, 13) + token.substr(13);
  const core::VerificationKey other_key = core::VerificationKey::from_bytes({});
  const auto stored = require_ok(w.fixture.app().store->signed_document(w.agreement.id));
  const std::string forged = core::make_verification_token(other_key, *w.agreement.serial, 1,
                                                           require_ok(api::hex_decode_hash(stored.content_hash)));
  for (const std::string& bad : {altered, swapped, forged, token.substr(0, token.size() - 1), std::string("HELLO"),
                                 std::string("%3Cscript%3E")}) {
    INFO(bad);
    const auto page = client.get("/V/" + bad);
    REQUIRE(page.status == 200);
    CHECK(contains(page.body, "无效"));
    CHECK_FALSE(contains(page.body, "有效</div>"));
    CHECK_FALSE(contains(page.body, "张*丰"));
    CHECK_FALSE(contains(page.body, "甘肃丝路"));
    CHECK_FALSE(contains(page.body, "10731"));
    CHECK_FALSE(contains(page.body, "<script>"));
    const auto answer = client.get("/v/" + bad, {{"Accept", "application/json"}}).json();
    CHECK(answer == nlohmann::json{{"status", "invalid"}, {"status_label", "无效"}});
  }
}

TEST_CASE("a terminated agreement's QR code says 已解约", "[api][verify]") {
  SignedWorld w;
  const std::string token = printed_token(w.fixture.app(), w.agreement, 3);
  w.world.terminate(w.agreement);
  HttpClient client(w.fixture.base_url());
  const auto page = client.get("/V/" + token);
  CHECK(contains(page.body, "已解约"));
  CHECK(contains(page.body, "张*丰"));
  const auto answer = client.get("/V/" + token, {{"Accept", "application/json"}}).json();
  CHECK(answer["status"] == "terminated");
  CHECK(answer["status_label"] == "已解约");
}

TEST_CASE("the JSON answer carries the masked data of a valid copy", "[api][verify]") {
  SignedWorld w;
  HttpClient client(w.fixture.base_url());
  const auto answer =
      client.get("/V/" + printed_token(w.fixture.app(), w.agreement, 1), {{"Accept", "application/json"}});
  REQUIRE(answer.status == 200);
  CHECK(answer.header("content-type") == "application/json");
  const auto body = answer.json();
  CHECK(body["status"] == "valid");
  CHECK(body["status_label"] == "有效");
  CHECK(body["name"] == "张*丰");
  CHECK(body["employer"] == "甘肃丝路数字科技有限公司");
  CHECK(body["serial"] == *w.agreement.serial);
  CHECK(body["serial_display"] == core::format_serial_for_print(*w.agreement.serial));
  CHECK(body["signed_date"] == "2026年5月29日");
  CHECK(body["copy"] == 1);
  CHECK_FALSE(body.contains("id_number"));
}

TEST_CASE("every verification is recorded and the school sees counts and recent checks", "[api][verify]") {
  SignedWorld w;
  HttpClient client(w.fixture.base_url());
  const std::string token = printed_token(w.fixture.app(), w.agreement, 1);
  client.get("/V/" + token, {{"X-Forwarded-For", "203.0.113.7, 10.0.0.1"}});
  client.get("/v/" + lower(token));
  std::string altered = token;
  altered[20] = altered[20] == 'A' ? 'B' : 'A';
  client.get("/V/" + altered);
  client.get("/V/NOTATOKEN");

  client.set_token(w.world.token(Role::School));
  const auto of_serial = client.get("/api/v1/verifications?serial=" + *w.agreement.serial);
  REQUIRE(of_serial.status == 200);
  const auto body = of_serial.json();
  CHECK(body["serial"] == *w.agreement.serial);
  CHECK(body["valid"] == 2);
  CHECK(body["invalid"] == 1);  // the altered MAC still names this serial: a forgery attempt
  CHECK(body["total"] == 3);
  REQUIRE(body["recent"].size() == 3);
  CHECK(body["recent"][0]["answer"] == "invalid");
  CHECK(body["recent"][2]["client_address"] == "203.0.113.7");
  CHECK(body["recent"][2]["token"] == token);
  CHECK(body["recent"][1]["client_address"] == "");
  CHECK(body["recent"][0]["at"] == workflow::to_unix_seconds(w.fixture.clock().now()));

  const auto all = client.get("/api/v1/verifications").json();
  CHECK(all["total"] == 4);
  CHECK(all["invalid"] == 2);
  CHECK(all["recent"][0]["serial"].is_null());

  const auto bad = client.get("/api/v1/verifications?serial=1073120260000010");
  CHECK(bad.status == 400);
  CHECK(bad.json()["field"] == "serial");
  client.set_token(w.world.token(Role::College, "CS"));
  CHECK(client.get("/api/v1/verifications").status == 404);
}

TEST_CASE("names are masked keeping the first and last character", "[api][verify]") {
  CHECK(api::mask_name("张三") == "张*");
  CHECK(api::mask_name("张三丰") == "张*丰");
  CHECK(api::mask_name("欧阳娜娜") == "欧*娜");
  CHECK(api::mask_name("𠮷野家") == "𠮷*家");
  CHECK(api::mask_name("买买提·艾力") == "买*力");
}

TEST_CASE("everything placed into the verification page is escaped", "[api][verify]") {
  api::VerificationAnswer answer;
  answer.status = api::VerificationStatus::Valid;
  answer.masked_name = "<b>张*</b>";
  answer.employer = "A&B \"公司\" <script>alert(1)</script>";
  answer.serial = "1073120260001233";
  answer.copy = 1;
  const std::string html = api::verification_page_html(answer);
  CHECK_FALSE(contains(html, "<script>"));
  CHECK_FALSE(contains(html, "<b>"));
  CHECK(contains(html, "A&amp;B &quot;公司&quot; &lt;script&gt;"));
}
