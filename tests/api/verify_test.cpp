#include "api/client_address.h"
#include "api/documents.h"
#include "api/verify_page.h"
#include "core/validate.h"
#include "documents_support.h"
#include "service_fixture.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <unistd.h>
#include <cctype>

using namespace sanfang;
using sanfang::testing::DocumentsWorld;
using sanfang::testing::HttpClient;
using sanfang::testing::require_ok;
using sanfang::testing::ServiceFixture;
using sanfang::testing::ServiceFixtureOptions;
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

  explicit SignedWorld(ServiceFixtureOptions options = {}) : fixture(options) {
    world.add_verified_student("2022001", "张三丰");
    agreement = world.sign(world.in_review("2022001"));
  }
};

}  // namespace

TEST_CASE("a printed QR code's page says 有效 with school, masked name, employer, date, serial and copy label",
          "[api][verify]") {
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
  CHECK(contains(page.body, "<dd>第二联　用人单位存</dd>"));
  CHECK_FALSE(contains(page.body, "第 2 联"));
  CHECK(contains(page.body, "<dd>" + w.fixture.app().school.name + "</dd>"));
  CHECK_FALSE(contains(page.body, "解约日期"));
  // Every verification page offers the file check.
  CHECK(contains(page.body, "action=\"/v/check\" enctype=\"multipart/form-data\""));
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

TEST_CASE("a terminated agreement's page gives the day it was terminated", "[api][verify]") {
  SignedWorld w;
  const std::string token = printed_token(w.fixture.app(), w.agreement, 1);
  // Signed 2026-05-28 20:26:40 UTC (29 May in Beijing); terminated nine days later, 7 June in Beijing.
  w.fixture.clock().advance(std::chrono::hours(24 * 9));
  w.world.terminate(w.agreement);
  HttpClient client(w.fixture.base_url());
  const auto page = client.get("/V/" + token);
  CHECK(contains(page.body, "<dt>解约日期</dt><dd>2026年6月7日</dd>"));
  CHECK(contains(page.body, "<dt>签约日期</dt><dd>2026年5月29日</dd>"));
  const auto answer = client.get("/V/" + token, {{"Accept", "application/json"}}).json();
  CHECK(answer["terminated_date"] == "2026年6月7日");
  CHECK(answer["signed_date"] == "2026年5月29日");
}

TEST_CASE("every malformed token shape gets the same 无效 page over HTTP 200", "[api][verify]") {
  SignedWorld w;
  HttpClient client(w.fixture.base_url());
  const std::string token = printed_token(w.fixture.app(), w.agreement, 1);
  std::string bad_signature = token;
  bad_signature.back() = bad_signature.back() == 'A' ? 'B' : 'A';
  const std::string invalid_page = api::verification_page_html(api::VerificationAnswer{});
  const std::vector<std::string> paths = {
      "/V/", "/v/", "/V", "/v",                      // empty
      "/V/" + token.substr(0, 10),                   // truncated
      "/V/" + token.substr(0, token.size() - 1),
      "/V/" + token + "A",                           // one character too many
      "/V/" + std::string(2000, 'A'),                // far too long
      "/V/" + bad_signature,                         // bad signature
      "/V/!!!~~~", "/V/%00%FF", "/V/%E4%B8%AD%E6%96%87", "/V/..%2F..%2Fetc", "/V/" + token + "%20",
  };
  for (const std::string& path : paths) {
    INFO(path);
    const auto page = client.get(path);
    REQUIRE(page.status == 200);
    CHECK(page.header("content-type") == "text/html; charset=utf-8");
    CHECK(page.body == invalid_page);
    CHECK(contains(page.body, "class=\"status invalid\" id=\"status\">无效</div>"));
    const auto answer = client.get(path, {{"Accept", "application/json"}});
    REQUIRE(answer.status == 200);
    CHECK(answer.json() == nlohmann::json{{"status", "invalid"}, {"status_label", "无效"}});
  }
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
  CHECK(body["copy_label"] == "第一联　学校存");
  CHECK(body["school"] == w.fixture.app().school.name);
  CHECK_FALSE(body.contains("terminated_date"));
  CHECK_FALSE(body.contains("id_number"));
}

TEST_CASE("every verification is recorded and the school sees counts and recent checks", "[api][verify]") {
  ServiceFixtureOptions behind_proxy;
  // This server's peer (127.0.0.1) and the inner hop 10.0.0.1 are the school's proxies.
  behind_proxy.trusted_proxies =
      require_ok(api::TrustedProxies::parse({"127.0.0.0/8", "10.0.0.0/8"}, "trusted_proxies"));
  SignedWorld w(behind_proxy);
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
  CHECK(body["recent"][1]["client_address"] == "127.0.0.1");  // no header: the proxy itself
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

TEST_CASE("X-Forwarded-For is ignored unless the TCP peer is a trusted proxy", "[api][verify]") {
  SignedWorld w;  // no trusted proxies
  HttpClient client(w.fixture.base_url());
  client.get("/V/NOTATOKEN", {{"X-Forwarded-For", "203.0.113.7"}});
  client.set_token(w.world.token(Role::School));
  const auto recent = client.get("/api/v1/verifications").json()["recent"];
  REQUIRE(recent.size() == 1);
  CHECK(recent[0]["client_address"] == "127.0.0.1");
}

TEST_CASE("behind trusted proxies the client is the nearest untrusted hop of X-Forwarded-For", "[api][verify]") {
  const auto trusted = require_ok(api::TrustedProxies::parse({"10.0.0.0/8", "127.0.0.1", "fd00::/8"}, "trusted_proxies"));
  auto address_for = [&](const std::string& peer, std::optional<std::string> forwarded) {
    api::HttpRequest request;
    request.peer_address = peer;
    if (forwarded) request.headers["x-forwarded-for"] = *forwarded;
    return api::client_address(request, trusted);
  };
  CHECK(address_for("127.0.0.1", "203.0.113.7") == "203.0.113.7");
  // A client cannot choose its address by sending a header through the proxy: the proxy appends.
  CHECK(address_for("127.0.0.1", "198.51.100.1, 203.0.113.7") == "203.0.113.7");
  CHECK(address_for("127.0.0.1", "203.0.113.7, 10.1.2.3") == "203.0.113.7");
  CHECK(address_for("127.0.0.1", "2001:db8::1, fd00::5") == "2001:db8::1");
  CHECK(address_for("127.0.0.1", "10.9.9.9") == "10.9.9.9");       // every hop trusted: the first
  CHECK(address_for("127.0.0.1", "garbage, 10.1.2.3") == "10.1.2.3");  // not an address: stop there
  CHECK(address_for("127.0.0.1", std::nullopt) == "127.0.0.1");
  CHECK(address_for("192.0.2.50", "203.0.113.7") == "192.0.2.50");  // untrusted peer: header ignored
  CHECK(address_for("::ffff:10.0.0.1", "203.0.113.7") == "203.0.113.7");
}

TEST_CASE("a trusted_proxies entry that is not an address or CIDR range is refused naming the key", "[api][verify]") {
  for (const std::string bad : {"", "localhost", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "::1/129", "1.2.3.4.5",
                                "10.0.0.0/8/8"}) {
    INFO(bad);
    const auto parsed = api::TrustedProxies::parse({"127.0.0.1", bad}, "trusted_proxies");
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().kind == ErrorKind::InvalidInput);
    CHECK(parsed.error().field == "trusted_proxies");
  }
  const auto parsed = require_ok(api::TrustedProxies::parse({"192.168.0.0/16", "::1"}, "trusted_proxies"));
  CHECK(parsed.contains("192.168.44.1"));
  CHECK_FALSE(parsed.contains("192.169.0.1"));
  CHECK(parsed.contains("::1"));
  CHECK_FALSE(parsed.contains("::2"));
  CHECK_FALSE(parsed.contains("not an address"));
}

TEST_CASE("sanfang serve refuses a configuration whose trusted_proxies is not a list of addresses", "[api][verify]") {
  const auto folder = std::filesystem::temp_directory_path() / ("sanfang-proxies-" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  for (const std::string bad : {R"({"trusted_proxies": ["10.0.0.0/40"]})", R"({"trusted_proxies": "10.0.0.1"})",
                                R"({"trusted_proxies": [10]})"}) {
    INFO(bad);
    std::ofstream(folder / "config.json") << bad;
    const auto result = sanfang::testing::run_sanfang("serve --data " + (folder / "data").string() + " --config " +
                                                      (folder / "config.json").string() + " --listen 127.0.0.1:0");
    INFO(result.output);
    CHECK(result.exit_status != 0);
    CHECK(contains(result.output, "trusted_proxies"));
  }
  std::filesystem::remove_all(folder);
}
