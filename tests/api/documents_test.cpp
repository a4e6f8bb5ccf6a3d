#include "api/byte_range.h"
#include "core/validate.h"
#include "documents_support.h"
#include "service_fixture.h"

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-page.h>

#include <catch2/catch.hpp>

#include <cctype>
#include <memory>
#include <vector>

using namespace sanfang;
using sanfang::testing::DocumentsWorld;
using sanfang::testing::HttpClient;
using sanfang::testing::require_ok;
using sanfang::testing::ServiceFixture;
using workflow::Role;

namespace {

struct PdfText {
  int pages = 0;
  std::string text;                // every page, raw order, without white space
  std::vector<std::string> pages_text;
};

// Spaces, thin spaces (U+2009) and line breaks removed: the serial is printed in groups.
std::string without_spaces(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 3, "\u2009") == 0) {
      i += 2;
    } else if (!std::isspace(static_cast<unsigned char>(text[i]))) {
      out += text[i];
    }
  }
  return out;
}

PdfText read_pdf(const std::string& bytes) {
  std::unique_ptr<poppler::document> doc(
      poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
  REQUIRE(doc);
  PdfText out;
  out.pages = doc->pages();
  for (int i = 0; i < out.pages; ++i) {
    std::unique_ptr<poppler::page> page(doc->create_page(i));
    const auto utf8 = page->text(poppler::rectf(), poppler::page::raw_order_layout).to_utf8();
    out.pages_text.push_back(without_spaces(std::string(utf8.begin(), utf8.end())));
    out.text += out.pages_text.back();
  }
  return out;
}

std::string path_of(const workflow::Agreement& a, const std::string& what) {
  return "/api/v1/agreements/" + std::to_string(a.id) + "/" + what;
}

}  // namespace

TEST_CASE("a signed agreement's PDF is stored at signing and served with its serial", "[api][documents]") {
  ServiceFixture fixture;
  DocumentsWorld world(fixture.app());
  world.add_verified_student("2022001", "张三丰");
  const auto agreement = world.sign(world.in_review("2022001"));
  REQUIRE(agreement.serial);

  // Rendered once, as part of the signing decision (sign_agreement).
  const auto stored = require_ok(fixture.app().store->signed_document(agreement.id));
  CHECK(stored.serial == *agreement.serial);

  HttpClient client(fixture.base_url());
  client.set_token(world.token(Role::Student, "2022001"));
  const auto pdf = client.get(path_of(agreement, "pdf"));
  REQUIRE(pdf.status == 200);
  CHECK(pdf.header("content-type") == "application/pdf");
  CHECK(pdf.header("etag") == "\"" + stored.sha256 + "\"");
  const PdfText text = read_pdf(pdf.body);
  REQUIRE(text.pages == 6);
  for (const auto& page : text.pages_text) CHECK(page.find(*agreement.serial) != std::string::npos);
  CHECK(text.text.find("预览") == std::string::npos);
  // A pure function of its inputs: the next download is the very same file.
  CHECK(client.get(path_of(agreement, "pdf")).body == pdf.body);
}

TEST_CASE("the signed PDF answers 304 to a matching If-None-Match and names the file in Chinese", "[api][documents]") {
  ServiceFixture fixture;
  DocumentsWorld world(fixture.app());
  world.add_verified_student("2022001", "张三");
  const auto agreement = world.sign(world.in_review("2022001"));
  HttpClient client(fixture.base_url());
  client.set_token(world.token(Role::School));
  const auto first = client.get(path_of(agreement, "pdf"));
  REQUIRE(first.status == 200);
  const std::string etag = first.header("etag");
  CHECK(first.header("content-disposition") ==
        api::attachment_disposition("agreement-" + *agreement.serial + ".pdf",
                                    "就业协议书-" + *agreement.serial + "-张三.pdf"));
  CHECK(first.header("content-disposition").find("filename*=UTF-8''%E5%B0%B1%E4%B8%9A") != std::string::npos);

  const auto again = client.get(path_of(agreement, "pdf"), {{"If-None-Match", etag}});
  CHECK(again.status == 304);
  CHECK(again.body.empty());
  CHECK(client.get(path_of(agreement, "pdf"), {{"If-None-Match", "\"something-else\""}}).status == 200);
}

TEST_CASE("a signed agreement stored without its document (a seeded data folder) is rendered on first request",
          "[api][documents]") {
  ServiceFixture fixture;
  // As `sanfang bench-seed` signs: the signing is stored, its PDF is not.
  fixture.app().make_signed_document = [](const workflow::Agreement&) { return Status{}; };
  DocumentsWorld world(fixture.app());
  world.add_verified_student("2022001", "张三");
  const auto agreement = world.sign(world.in_review("2022001"));
  CHECK(fixture.app().store->signed_document(agreement.id).error().kind == ErrorKind::NotFound);

  HttpClient client(fixture.base_url());
  client.set_token(world.token(Role::Portal));
  const auto pdf = client.get(path_of(agreement, "pdf"));
  REQUIRE(pdf.status == 200);
  CHECK(read_pdf(pdf.body).pages == 6);
  CHECK(fixture.app().store->signed_document(agreement.id).ok());
}

TEST_CASE("before signing the PDF is a watermarked preview without serial", "[api][documents]") {
  ServiceFixture fixture;
  DocumentsWorld world(fixture.app());
  world.add_verified_student("2022001", "张三");
  const auto agreement = world.in_review("2022001");
  HttpClient client(fixture.base_url());
  client.set_token(world.token(Role::College, "CS"));
  const auto preview = client.get(path_of(agreement, "pdf"));
  REQUIRE(preview.status == 200);
  const PdfText text = read_pdf(preview.body);
  CHECK(text.pages == 6);
  CHECK(text.text.find("预览") != std::string::npos);
  CHECK(text.text.find("107312026") == std::string::npos);
  CHECK(preview.header("etag").rfind("\"preview-", 0) == 0);
  CHECK(preview.header("content-disposition").find("%E9%A2%84%E8%A7%88") != std::string::npos);  // 预览
  CHECK(client.get(path_of(agreement, "pdf"), {{"If-None-Match", preview.header("etag")}}).status == 304);
}

TEST_CASE("the invited student and the inviting employer preview the invitation as it will print, others get 404",
          "[api][documents][preview]") {
  ServiceFixture fixture;
  DocumentsWorld world(fixture.app());
  world.add_verified_student("2022001", "张三");
  world.add_verified_student("2022002", "李四");
  const auto invitation = world.invited("2022001");
  HttpClient client(fixture.base_url());
  for (const auto& party : {world.token(Role::Student, "2022001"), world.token(Role::Employer)}) {
    client.set_token(party);
    const auto preview = client.get(path_of(invitation, "pdf"));
    REQUIRE(preview.status == 200);
    CHECK(preview.header("content-type") == "application/pdf");
    const PdfText text = read_pdf(preview.body);
    CHECK(text.pages == 6);
    CHECK(text.text.find("预览") != std::string::npos);
    CHECK(text.text.find("张三") != std::string::npos);
    CHECK(text.text.find("软件开发工程师") != std::string::npos);
    const auto png = client.get(path_of(invitation, "preview.png") + "?page=2");
    REQUIRE(png.status == 200);
    CHECK(png.header("content-type") == "image/png");
    CHECK(png.body.rfind("\x89PNG\r\n\x1a\n", 0) == 0);
  }
  // Another student, and the reviewers and the portal before the agreement reaches them.
  for (const auto& other : {world.token(Role::Student, "2022002"), world.token(Role::College, "CS"),
                            world.token(Role::School), world.token(Role::Portal), world.token(Role::Print)}) {
    client.set_token(other);
    const auto answer = client.get(path_of(invitation, "pdf"));
    CHECK(answer.status == 404);
    CHECK_FALSE(answer.json().contains("current_state"));
    CHECK(client.get(path_of(invitation, "preview.png")).status == 404);
  }
  CHECK(require_ok(fixture.app().store->agreement(invitation.id)).version == invitation.version);
}

TEST_CASE("an agreement without a snapshot has nothing to print: 409 with its state", "[api][documents]") {
  ServiceFixture fixture;
  DocumentsWorld world(fixture.app());
  world.add_verified_student("2022001", "张三");
  const auto in_review = world.in_review("2022001");
  // A rejected agreement drops its snapshot until it is resubmitted.
  const auto rejected = require_ok(fixture.app().store->apply_agreement_change(
      require_ok(workflow::review_agreement(in_review, {Role::College, 0, "", 0, "CS"},
                                            workflow::ReviewDecision::Reject, "信息有误", fixture.clock().now())),
      in_review.version));
  HttpClient client(fixture.base_url());
  client.set_token(world.token(Role::School));
  const auto answer = client.get(path_of(rejected, "pdf"));
  CHECK(answer.status == 409);
  CHECK(answer.header("content-type") == "application/problem+json");
  CHECK(answer.json()["current_state"] == "rejected");
}

TEST_CASE("agreement documents are 404 outside the caller's scope", "[api][documents]") {
  ServiceFixture fixture;
  DocumentsWorld world(fixture.app());
  world.add_verified_student("2022001", "张三");
  world.add_verified_student("2022002", "李四");
  const auto agreement = world.sign(world.in_review("2022001"));
  HttpClient client(fixture.base_url());
  for (const auto& token : {world.token(Role::Student, "2022002"), world.token(Role::College, "EE"),
                            world.token(Role::Employer), world.token(Role::Print)}) {
    client.set_token(token);
    const auto answer = client.get(path_of(agreement, "pdf"));
    CHECK(answer.status == 404);
    CHECK(answer.header("content-type") == "application/problem+json");
    CHECK(client.get(path_of(agreement, "preview.png")).status == 404);
  }
  client.set_token(world.token(Role::School));
  CHECK(client.get("/api/v1/agreements/999999/pdf").status == 404);
  const auto bad_id = client.get("/api/v1/agreements/abc/pdf");
  CHECK(bad_id.status == 404);
  CHECK(bad_id.json()["field"] == "id");
  client.set_token("");
  CHECK(client.get(path_of(agreement, "pdf")).status == 401);
}

TEST_CASE("page previews are PNG images of the requested page", "[api][documents]") {
  ServiceFixture fixture;
  DocumentsWorld world(fixture.app());
  world.add_verified_student("2022001", "张三");
  const auto agreement = world.in_review("2022001");
  HttpClient client(fixture.base_url());
  client.set_token(world.token(Role::Student, "2022001"));
  for (const std::string query : {"", "?page=6"}) {
    const auto png = client.get(path_of(agreement, "preview.png") + query);
    REQUIRE(png.status == 200);
    CHECK(png.header("content-type") == "image/png");
    CHECK(png.body.rfind("\x89PNG\r\n\x1a\n", 0) == 0);
  }
  for (const std::string bad : {"0", "7", "x", "-1", "2.5"}) {
    const auto answer = client.get(path_of(agreement, "preview.png") + "?page=" + bad);
    CHECK(answer.status == 400);
    CHECK(answer.json()["field"] == "page");
  }
}

TEST_CASE("the portal and the print room fetch signed PDFs and agreement records by serial", "[api][documents]") {
  ServiceFixture fixture;
  DocumentsWorld world(fixture.app());
  world.add_verified_student("2022001", "张三");
  const auto agreement = world.sign(world.in_review("2022001"));
  const std::string serial = *agreement.serial;
  HttpClient client(fixture.base_url());
  for (Role role : {Role::Portal, Role::Print}) {
    client.set_token(world.token(role));
    const auto pdf = client.get("/api/v1/serials/" + serial + "/pdf");
    REQUIRE(pdf.status == 200);
    CHECK(read_pdf(pdf.body).text.find(serial) != std::string::npos);
    // The record itself, for a portal that knows the agreement only by the serial printed on it.
    const auto status = client.get("/api/v1/serials/" + serial);
    REQUIRE(status.status == 200);
    CHECK(status.json()["id"] == agreement.id);
    CHECK(status.json()["state"] == "signed");
    CHECK(status.json()["state_label"] == "已签约");
    CHECK(status.json()["serial"] == serial);
  }
  // A wrong check character is a typo, not an unknown agreement.
  std::string typo = serial;
  typo.back() = typo.back() == '0' ? '1' : '0';
  const auto bad = client.get("/api/v1/serials/" + typo + "/pdf");
  CHECK(bad.status == 400);
  CHECK(bad.json()["field"] == "serial");
  const std::string unknown = require_ok(core::make_serial("10731", 2026, 999));
  CHECK(client.get("/api/v1/serials/" + unknown + "/pdf").status == 404);
  CHECK(client.get("/api/v1/serials/" + unknown).status == 404);
  CHECK(client.get("/api/v1/serials/" + typo).status == 400);
  // For other roles the routes do not exist.
  for (const auto& token : {world.token(Role::Student, "2022001"), world.token(Role::School)}) {
    client.set_token(token);
    CHECK(client.get("/api/v1/serials/" + serial + "/pdf").status == 404);
    CHECK(client.get("/api/v1/serials/" + serial).status == 404);
  }
}

TEST_CASE("renders are counted in the metrics", "[api][documents]") {
  ServiceFixture fixture;
  DocumentsWorld world(fixture.app());
  world.add_verified_student("2022001", "张三");
  world.sign(world.in_review("2022001"));
  HttpClient client(fixture.base_url());
  const auto metrics = client.get("/metrics");
  CHECK(metrics.body.find("sanfang_renders_total{outcome=\"ok\"} 1\n") != std::string::npos);
}

namespace {

unsigned long long renders_so_far(HttpClient& client) {
  const std::string metrics = client.get("/metrics").body;
  const std::string line = "sanfang_renders_total{outcome=\"ok\"} ";
  const auto at = metrics.find(line);
  REQUIRE(at != std::string::npos);
  return std::stoull(metrics.substr(at + line.size()));
}

}  // namespace

TEST_CASE("an unchanged preview answers a conditional GET with 304 and no render, and is drawn once for everyone",
          "[api][documents][preview]") {
  ServiceFixture fixture;
  DocumentsWorld world(fixture.app());
  world.add_verified_student("2022001", "张三");
  const auto invitation = world.invited("2022001");
  HttpClient employer(fixture.base_url()), student(fixture.base_url()), metrics(fixture.base_url());
  employer.set_token(world.token(Role::Employer));
  student.set_token(world.token(Role::Student, "2022001"));
  const auto before = renders_so_far(metrics);

  const auto first = employer.get(path_of(invitation, "pdf"));
  REQUIRE(first.status == 200);
  CHECK(renders_so_far(metrics) == before + 1);
  // The student opens the same preview: the same bytes, no second render.
  const auto second = student.get(path_of(invitation, "pdf"));
  REQUIRE(second.status == 200);
  CHECK(second.body == first.body);
  CHECK(second.header("etag") == first.header("etag"));
  const auto page = student.get(path_of(invitation, "preview.png") + "?page=2");
  REQUIRE(page.status == 200);
  CHECK(page.header("etag") == first.header("etag").substr(0, first.header("etag").size() - 1) + "-p2\"");
  CHECK(renders_so_far(metrics) == before + 1);

  // Conditional GETs of the unchanged preview and its page: 304, nothing drawn.
  const auto unchanged = student.get(path_of(invitation, "pdf"), {{"If-None-Match", first.header("etag")}});
  CHECK(unchanged.status == 304);
  CHECK(unchanged.body.empty());
  CHECK(unchanged.header("etag") == first.header("etag"));
  CHECK(student.get(path_of(invitation, "preview.png") + "?page=2", {{"If-None-Match", page.header("etag")}}).status ==
        304);
  CHECK(renders_so_far(metrics) == before + 1);

  // The employer edits the invitation: a new preview, a new ETag, the old one no longer matches.
  nlohmann::json agreement = employer.get("/api/v1/agreements/" + std::to_string(invitation.id)).json();
  nlohmann::json content = agreement["content"];
  content["job"]["position"] = "测试开发工程师";
  const auto edited = employer.request("PATCH", "/api/v1/agreements/" + std::to_string(invitation.id),
                                       nlohmann::json{{"content", content}, {"version", agreement["version"]}}.dump(),
                                       {{"Content-Type", "application/json"}});
  REQUIRE(edited.status == 200);
  const auto changed = student.get(path_of(invitation, "pdf"), {{"If-None-Match", first.header("etag")}});
  REQUIRE(changed.status == 200);
  CHECK(changed.header("etag") != first.header("etag"));
  CHECK(read_pdf(changed.body).text.find("测试开发工程师") != std::string::npos);
  CHECK(renders_so_far(metrics) == before + 2);
}

TEST_CASE("a signed agreement's page image carries the file's hash and page as its ETag and answers 304",
          "[api][documents]") {
  ServiceFixture fixture;
  DocumentsWorld world(fixture.app());
  world.add_verified_student("2022001", "张三");
  const auto agreement = world.sign(world.in_review("2022001"));
  HttpClient client(fixture.base_url());
  client.set_token(world.token(Role::Student, "2022001"));
  const auto pdf = client.get(path_of(agreement, "pdf"));
  REQUIRE(pdf.status == 200);
  const auto png = client.get(path_of(agreement, "preview.png") + "?page=3");
  REQUIRE(png.status == 200);
  const std::string etag = pdf.header("etag");
  CHECK(png.header("etag") == etag.substr(0, etag.size() - 1) + "-p3\"");
  CHECK(client.get(path_of(agreement, "preview.png") + "?page=3", {{"If-None-Match", png.header("etag")}}).status ==
        304);
  CHECK(client.get(path_of(agreement, "preview.png") + "?page=2", {{"If-None-Match", png.header("etag")}}).status ==
        200);
}

TEST_CASE("a download cut off half-way resumes with Range, and the pieces make the same file", "[api][documents]") {
  ServiceFixture fixture;
  DocumentsWorld world(fixture.app());
  world.add_verified_student("2022001", "张三");
  const auto agreement = world.sign(world.in_review("2022001"));
  HttpClient client(fixture.base_url());
  client.set_token(world.token(Role::School));
  const auto whole = client.get(path_of(agreement, "pdf"));
  REQUIRE(whole.status == 200);
  CHECK(whole.header("accept-ranges") == "bytes");
  const std::size_t size = whole.body.size();
  const std::size_t half = size / 2;
  const std::string etag = whole.header("etag");

  const auto head = client.get(path_of(agreement, "pdf"), {{"Range", "bytes=0-" + std::to_string(half - 1)}});
  REQUIRE(head.status == 206);
  CHECK(head.header("content-range") == "bytes 0-" + std::to_string(half - 1) + "/" + std::to_string(size));
  const auto rest = client.get(path_of(agreement, "pdf"), {{"Range", "bytes=" + std::to_string(half) + "-"}, {"If-Range", etag}});
  REQUIRE(rest.status == 206);
  CHECK(head.body + rest.body == whole.body);
  CHECK(client.get(path_of(agreement, "pdf"), {{"Range", "bytes=-10"}}).body == whole.body.substr(size - 10));

  // Another version than the one the client holds: the whole current file.
  const auto changed = client.get(path_of(agreement, "pdf"), {{"Range", "bytes=10-"}, {"If-Range", "\"older\""}});
  CHECK(changed.status == 200);
  CHECK(changed.body == whole.body);
  const auto beyond = client.get(path_of(agreement, "pdf"), {{"Range", "bytes=" + std::to_string(size) + "-"}});
  CHECK(beyond.status == 416);
  CHECK(beyond.header("content-range") == "bytes */" + std::to_string(size));
}

TEST_CASE("byte ranges are read as RFC 9110 says: suffixes, open ends, clamping, and ranges ignored when malformed",
          "[api][documents]") {
  using api::decide_range;
  using api::RangeAnswer;
  const auto partial = [](const char* header, std::uintmax_t first, std::uintmax_t length) {
    const auto decision = decide_range(std::string(header), std::nullopt, "", 1000);
    INFO(header);
    CHECK(decision.answer == RangeAnswer::Partial);
    CHECK(decision.range.first == first);
    CHECK(decision.range.length == length);
  };
  partial("bytes=0-499", 0, 500);
  partial("bytes=500-", 500, 500);
  partial("bytes=-100", 900, 100);
  partial("bytes=-5000", 0, 1000);
  partial("bytes=990-5000", 990, 10);
  partial("Bytes= 1-1", 1, 1);
  for (const char* ignored : {"bytes=5-1", "bytes=a-b", "items=0-1", "bytes=0-1,5-6", "bytes=", "bytes=-", "0-1"}) {
    INFO(ignored);
    CHECK(decide_range(std::string(ignored), std::nullopt, "", 1000).answer == RangeAnswer::Whole);
  }
  CHECK(decide_range(std::string("bytes=1000-"), std::nullopt, "", 1000).answer == RangeAnswer::Unsatisfiable);
  CHECK(decide_range(std::string("bytes=-0"), std::nullopt, "", 1000).answer == RangeAnswer::Unsatisfiable);
  CHECK(decide_range(std::nullopt, std::nullopt, "", 1000).answer == RangeAnswer::Whole);
  CHECK(decide_range(std::string("bytes=0-1"), std::string("\"v1\""), "\"v1\"", 1000).answer == RangeAnswer::Partial);
  CHECK(decide_range(std::string("bytes=0-1"), std::string("W/\"v1\""), "\"v1\"", 1000).answer == RangeAnswer::Whole);
  CHECK(decide_range(std::string("bytes=0-1"), std::string("Tue, 01 Dec 2026 00:00:00 GMT"), "\"v1\"", 1000).answer ==
        RangeAnswer::Whole);
}
