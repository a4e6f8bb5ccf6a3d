// "Is this file genuine?" — POST /v/check over HTTP: a downloaded signed PDF, the same file with
// one byte changed, the upload form, the size limit and the per-client rate limit.
#include "api/client_address.h"
#include "api/upload_check.h"
#include "core/validate.h"
#include "documents_support.h"
#include "store/secrets.h"
#include "service_fixture.h"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace sanfang;
using sanfang::testing::DocumentsWorld;
using sanfang::testing::HttpClient;
using sanfang::testing::HttpResult;
using sanfang::testing::require_ok;
using sanfang::testing::ServiceFixture;
using sanfang::testing::ServiceFixtureOptions;
using workflow::Role;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const std::map<std::string, std::string> kPdfJson{{"Content-Type", "application/pdf"}, {"Accept", "application/json"}};

struct CheckWorld {
  ServiceFixture fixture;
  DocumentsWorld world{fixture.app()};
  workflow::Agreement agreement;
  std::string pdf;  // the signed PDF as the student downloads it

  explicit CheckWorld(ServiceFixtureOptions options = {}) : fixture(options) {
    world.add_verified_student("2022001", "张三丰");
    agreement = world.sign(world.in_review("2022001"));
    HttpClient student(fixture.base_url());
    student.set_token(world.token(Role::Student, "2022001"));
    const auto download = student.get("/api/v1/agreements/" + std::to_string(agreement.id) + "/pdf");
    REQUIRE(download.status == 200);
    pdf = download.body;
  }
};

// A browser's form submission: the file in the field `field`.
std::string form_body(const std::string& boundary, const std::string& field, const std::string& file) {
  return "--" + boundary + "\r\n" + "Content-Disposition: form-data; name=\"" + field +
         "\"; filename=\"agreement.pdf\"\r\nContent-Type: application/pdf\r\n\r\n" + file + "\r\n--" + boundary +
         "--\r\n";
}

std::size_t files_under(const std::filesystem::path& folder) {
  std::size_t count = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(folder))
    if (entry.is_regular_file()) ++count;
  return count;
}

}  // namespace

TEST_CASE("a downloaded signed PDF checks as genuine with its serial, state and masked data", "[api][verify][check]") {
  CheckWorld w;
  HttpClient client(w.fixture.base_url());
  const auto answer = client.request("POST", "/v/check", w.pdf, kPdfJson);
  REQUIRE(answer.status == 200);
  CHECK(answer.header("cache-control") == "no-store");
  const auto body = answer.json();
  CHECK(body["genuine"] == true);
  CHECK(body["status"] == "valid");
  CHECK(body["status_label"] == "有效");
  CHECK(body["serial"] == *w.agreement.serial);
  CHECK(body["serial_display"] == core::format_serial_for_print(*w.agreement.serial));
  CHECK(body["school"] == w.fixture.app().school.name);
  CHECK(body["name"] == "张*丰");
  CHECK(body["employer"] == "甘肃丝路数字科技有限公司");
  CHECK(body["signed_date"] == "2026年5月29日");
  CHECK(body["sha256"] == require_ok(w.fixture.app().store->signed_document(w.agreement.id)).sha256);
  CHECK_FALSE(contains(answer.body, "张三丰"));
  CHECK_FALSE(body.contains("copy"));
}

TEST_CASE("the same file with one byte changed does not check as genuine", "[api][verify][check]") {
  CheckWorld w;
  HttpClient client(w.fixture.base_url());
  std::string altered = w.pdf;
  altered[altered.size() / 2] ^= 0x01;
  const auto answer = client.request("POST", "/v/check", altered, kPdfJson);
  REQUIRE(answer.status == 200);
  const auto body = answer.json();
  CHECK(body == nlohmann::json{{"genuine", false},
                               {"sha256", store::sha256_hex(altered)},
                               {"status", "unmatched"},
                               {"status_label", "不一致"}});
  // And one byte more at the end.
  CHECK(client.request("POST", "/v/check", w.pdf + "\n", kPdfJson).json()["genuine"] == false);
}

TEST_CASE("a terminated agreement's genuine PDF checks as 已解约 with its termination date", "[api][verify][check]") {
  CheckWorld w;
  w.fixture.clock().advance(std::chrono::hours(24 * 9));
  w.world.terminate(w.agreement);
  HttpClient client(w.fixture.base_url());
  const auto body = client.request("POST", "/v/check", w.pdf, kPdfJson).json();
  CHECK(body["genuine"] == true);
  CHECK(body["status"] == "terminated");
  CHECK(body["status_label"] == "已解约");
  CHECK(body["terminated_date"] == "2026年6月7日");
}

TEST_CASE("the upload form on the verification page posts a file and gets a Chinese page back", "[api][verify][check]") {
  CheckWorld w;
  HttpClient client(w.fixture.base_url());
  const auto form = client.get("/v/check");
  REQUIRE(form.status == 200);
  CHECK(form.header("content-type") == "text/html; charset=utf-8");
  CHECK(contains(form.body, "<form method=\"post\" action=\"/v/check\" enctype=\"multipart/form-data\">"));
  CHECK(contains(form.body, "name=\"file\""));

  const std::string boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
  const std::map<std::string, std::string> browser{
      {"Content-Type", "multipart/form-data; boundary=" + boundary},
      {"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}};
  const auto genuine = client.request("POST", "/v/check", form_body(boundary, "file", w.pdf), browser);
  REQUIRE(genuine.status == 200);
  CHECK(genuine.header("content-type") == "text/html; charset=utf-8");
  CHECK(contains(genuine.body, "id=\"status\">有效</div>"));
  CHECK(contains(genuine.body, "逐字节完全一致"));
  CHECK(contains(genuine.body, core::format_serial_for_print(*w.agreement.serial)));
  CHECK(contains(genuine.body, "张*丰"));
  CHECK(contains(genuine.body, "<dd>" + w.fixture.app().school.name + "</dd>"));

  std::string altered = w.pdf;
  altered[100] ^= 0x20;
  const auto forged = client.request("POST", "/v/check", form_body(boundary, "file", altered), browser);
  REQUIRE(forged.status == 200);
  CHECK(contains(forged.body, "id=\"status\">不一致</div>"));
  CHECK_FALSE(contains(forged.body, "张*丰"));

  // A form sent without the file: the person gets a page saying why, with the form again.
  const auto empty = client.request("POST", "/v/check", form_body(boundary, "other", "x"), browser);
  CHECK(empty.status == 400);
  CHECK(empty.header("content-type") == "text/html; charset=utf-8");
  CHECK(contains(empty.body, "未能核验这份文件"));
  CHECK(contains(empty.body, "没有收到文件"));
  CHECK(contains(empty.body, "enctype=\"multipart/form-data\""));

  // The same form from an API client (no text/html in Accept) answers JSON.
  const auto json = client.request("POST", "/v/check", form_body(boundary, "file", w.pdf),
                                   {{"Content-Type", "multipart/form-data; boundary=" + boundary}});
  CHECK(json.json()["genuine"] == true);
}

TEST_CASE("bad uploads to /v/check get a clear error and nothing is stored", "[api][verify][check]") {
  CheckWorld w;
  HttpClient client(w.fixture.base_url());
  const std::size_t files_before = files_under(w.fixture.data_dir());
  const std::string boundary = "b0undary";
  const std::string multipart = "multipart/form-data; boundary=" + boundary;
  struct Case {
    std::string what, body, content_type;
    long status;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"empty body", "", "application/pdf", 400, "file"},
      {"not a PDF", "just some text, not a document", "application/octet-stream", 400, "file"},
      {"a PNG", std::string("\x89PNG\r\n\x1a\n", 8) + std::string(100, '\0'), "image/png", 400, "Content-Type"},
      {"JSON", "{\"file\": \"x\"}", "application/json", 400, "Content-Type"},
      {"form without the file field", form_body(boundary, "document", w.pdf), multipart, 400, "file"},
      {"form that is not multipart", "no boundaries here", multipart, 400, "file"},
      {"over 10 MB", "%PDF-1.5\n" + std::string(api::kMaxUploadBytes, 'x'), "application/pdf", 413, "file"},
      {"over 10 MB in a form", form_body(boundary, "file", "%PDF-1.5\n" + std::string(api::kMaxUploadBytes, 'x')),
       multipart, 413, "file"},
  };
  for (const Case& bad : cases) {
    INFO(bad.what);
    const auto answer =
        client.request("POST", "/v/check", bad.body, {{"Content-Type", bad.content_type}});
    CHECK(answer.status == bad.status);
    CHECK(answer.header("content-type") == "application/problem+json");
    const auto problem = answer.json();
    CHECK(problem["field"] == bad.field);
    CHECK_FALSE(problem["detail"].get<std::string>().empty());
  }
  CHECK(files_under(w.fixture.data_dir()) == files_before);
}

TEST_CASE("a client checking too often gets 429 with Retry-After until its minute is over", "[api][verify][check]") {
  ServiceFixtureOptions behind_proxy;
  behind_proxy.trusted_proxies = require_ok(api::TrustedProxies::parse({"127.0.0.1"}, "trusted_proxies"));
  CheckWorld w(behind_proxy);
  HttpClient client(w.fixture.base_url());
  auto check_from = [&](const std::string& address) {
    return client.request("POST", "/v/check", w.pdf,
                          {{"Content-Type", "application/pdf"}, {"X-Forwarded-For", address}});
  };
  for (int i = 0; i < 10; ++i) REQUIRE(check_from("203.0.113.7").status == 200);
  const auto limited = check_from("203.0.113.7");
  REQUIRE(limited.status == 429);
  CHECK(limited.header("retry-after") == "60");
  CHECK(limited.header("content-type") == "application/problem+json");
  CHECK(limited.json()["type"] == "too_many_requests");
  CHECK(contains(limited.json()["detail"].get<std::string>(), "每分钟最多核验 10 次"));
  // Another client is not affected.
  CHECK(check_from("203.0.113.8").status == 200);
  w.fixture.clock().advance(std::chrono::seconds(45));
  const auto still = check_from("203.0.113.7");
  CHECK(still.status == 429);
  CHECK(still.header("retry-after") == "15");
  w.fixture.clock().advance(std::chrono::seconds(15));
  CHECK(check_from("203.0.113.7").status == 200);
}
