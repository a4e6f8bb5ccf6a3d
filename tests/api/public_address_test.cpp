// One public address per school (workflow/public_address.h), stored with the data: every
// document of an agreement — the signed PDF and every print — carries the same QR URL whichever
// instance or port made it; a change is an explicit, audited action that applies to documents
// made afterwards. QR codes are read back from the PDFs with zbar.
#include "service_fixture.h"

#include "../render/pdf_probe.h"
#include "core/log.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <thread>

namespace sanfang::testing {
namespace {

using nlohmann::json;

// The QR codes on the first page (the outside face of copy 1), sorted.
std::vector<std::string> first_page_codes(const std::string& pdf) {
  const PdfProbe probe(pdf);
  REQUIRE(probe.valid());
  std::vector<std::string> codes = probe.decode_qr(1);
  REQUIRE_FALSE(codes.empty());
  std::sort(codes.begin(), codes.end());
  return codes;
}

// Prints copy 1 of `serial` as the print room does and returns the job's file.
std::string print_copy_one(HttpClient& print_room, const std::string& serial) {
  const auto created = print_room.post_json("/api/v1/print-jobs", {{"serials", {serial}}, {"copies", {1}}});
  INFO(created.body);
  REQUIRE(created.status == 202);
  const std::string path = "/api/v1/print-jobs/" + std::to_string(created.json()["id"].get<int>());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  for (;;) {
    const json state = print_room.get(path).json();
    if (state["state"] == "done") break;
    REQUIRE(state["state"] != "failed");
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const auto pdf = print_room.get(path + "/pdf");
  REQUIRE(pdf.status == 200);
  return pdf.body;
}

struct CapturedLog {
  std::vector<std::string> lines;
  CapturedLog() {
    log::set_sink([this](const std::string& line) { lines.push_back(line); });
  }
  ~CapturedLog() { log::set_sink({}); }
  bool contains(const std::string& text) const {
    return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l.find(text) != std::string::npos; });
  }
};

TEST_CASE("a print made by a service on another port carries the same QR URL as the signed PDF",
          "[api][print][public_base]") {
  ServiceFixture fixture({.seeded_agreements = 1, .public_base = "https://jy.example.edu.cn/"});
  const std::string serial = fixture.seeded_accounts()["first_serial"];
  CHECK(fixture.app().config.public_base == "https://jy.example.edu.cn");
  HttpClient portal(fixture.base_url());
  portal.set_token(fixture.seeded_api_key("portal"));
  const auto signed_pdf = portal.get("/api/v1/serials/" + serial + "/pdf");
  REQUIRE(signed_pdf.status == 200);
  const auto signed_codes = first_page_codes(signed_pdf.body);
  for (const auto& code : signed_codes) CHECK(code.rfind("HTTPS://JY.EXAMPLE.EDU.CN/V/", 0) == 0);

  // Another instance: another port, started with another --public-base. It says so and keeps
  // the school's stored address.
  const std::string first_url = fixture.base_url();
  fixture.stop();
  fixture.options().public_base = "http://127.0.0.1:9";
  {
    CapturedLog log;
    fixture.start();
    CHECK(log.contains("public_base_differs_from_stored"));
  }
  REQUIRE(fixture.base_url() != first_url);
  CHECK(fixture.app().config.public_base == "https://jy.example.edu.cn");
  HttpClient print_room(fixture.base_url());
  print_room.set_token(fixture.seeded_api_key("print"));
  CHECK(first_page_codes(print_copy_one(print_room, serial)) == signed_codes);
  // A reprint carries it too.
  CHECK(first_page_codes(print_copy_one(print_room, serial)) == signed_codes);
}

TEST_CASE("the public address changes only by the audited command, and documents made afterwards carry it",
          "[api][print][public_base]") {
  ServiceFixture fixture({.seeded_agreements = 1, .public_base = "https://jy.example.edu.cn"});
  const std::string serial = fixture.seeded_accounts()["first_serial"];
  HttpClient print_room(fixture.base_url());
  print_room.set_token(fixture.seeded_api_key("print"));
  const auto before = first_page_codes(print_copy_one(print_room, serial));
  const std::string data = " --data " + fixture.data_dir().string();

  // Bad addresses are refused naming the problem, and change nothing.
  for (const std::string bad : {"ftp://jy.example.edu.cn", "https://jy.example.edu.cn/?a=1", "https://jy.example.edu.cn/#v",
                                "jy.example.edu.cn", "https://", "'https://jy.example .edu.cn'"}) {
    const auto refused = run_sanfang("school set-public-base " + bad + data);
    INFO(bad << ": " << refused.output);
    CHECK(refused.exit_status == 1);
    CHECK(refused.output.find("public_base") != std::string::npos);
  }
  const auto shown = run_sanfang("school public-base" + data);
  CHECK(shown.exit_status == 0);
  CHECK(shown.output.find("https://jy.example.edu.cn\n") != std::string::npos);
  CHECK(fixture.app().store->audit_trail("school", "public_base")->size() == 1);

  const auto changed = run_sanfang("school set-public-base https://verify.example.edu.cn" + data);
  INFO(changed.output);
  REQUIRE(changed.exit_status == 0);
  CHECK(changed.output.find("https://jy.example.edu.cn -> https://verify.example.edu.cn") != std::string::npos);
  const auto trail = fixture.app().store->audit_trail("school", "public_base").value();
  REQUIRE(trail.size() == 2);
  CHECK(trail[1].event.from_state == "https://jy.example.edu.cn");
  CHECK(trail[1].event.to_state == "https://verify.example.edu.cn");

  // The running service prints the new address from now on; the token part is unchanged, so the
  // copies printed before keep verifying.
  const auto after = first_page_codes(print_copy_one(print_room, serial));
  REQUIRE(after.size() == before.size());
  for (std::size_t i = 0; i < after.size(); ++i) {
    CHECK(after[i].rfind("HTTPS://VERIFY.EXAMPLE.EDU.CN/V/", 0) == 0);
    CHECK(after[i].substr(after[i].find("/V/")) == before[i].substr(before[i].find("/V/")));
  }
}

}  // namespace
}  // namespace sanfang::testing
