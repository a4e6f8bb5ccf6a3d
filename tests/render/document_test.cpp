#include "pdf_probe.h"

#include "render/document.h"

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

using namespace sanfang;
using sanfang::testing::RenderFixture;

namespace {

nlohmann::json typical() { return nlohmann::json::parse(RenderFixture::get().sample_text("typical")); }

Result<render::AgreementDocument> prepare(const nlohmann::json& input) {
  return render::make_document(input, *RenderFixture::get().codes);
}

}  // namespace

TEST_CASE("a typical agreement prepares with coded values replaced by labels", "[document]") {
  auto doc = prepare(typical());
  REQUIRE(doc);
  CHECK(doc->value("student.gender") == "男");
  CHECK(doc->value("student.training_mode") == "非定向");
  CHECK(doc->value("student.birth_date") == "2003年5月1日");
  CHECK(doc->value("serial") == "10731\u20092026\u2009000123\u20093");
  CHECK(doc->value("signed_date") == "2026年5月20日");
  CHECK(doc->timestamp_utc == "2026-05-20T02:30:00Z");
  CHECK_FALSE(doc->is_preview());
}

TEST_CASE("the signing date is the Beijing calendar day", "[document]") {
  auto input = typical();
  input["signed_at"] = "2026-05-20T17:30:00Z";  // 01:30 on 21 May in Beijing
  auto doc = prepare(input);
  REQUIRE(doc);
  CHECK(doc->value("signed_date") == "2026年5月21日");
}

TEST_CASE("the content hash changes with any value and not with key order", "[document]") {
  auto a = prepare(typical());
  auto input = typical();
  input["student"]["major"] = "软件工程";
  auto b = prepare(input);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->content_hash != b->content_hash);
  auto reordered = nlohmann::json::parse(R"({"remarks": ""})");
  const auto original = typical();
  for (auto& [k, v] : original.items()) reordered[k] = v;
  auto c = prepare(reordered);
  REQUIRE(c);
  CHECK(c->content_hash == a->content_hash);
}

TEST_CASE("a directed student must name the unit, which is printed with the mode", "[document]") {
  auto input = typical();
  input["student"]["training_mode"] = "2";
  auto missing = prepare(input);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().field == "student.training_unit");
  input["student"]["training_unit"] = "甘肃省教育厅";
  auto doc = prepare(input);
  REQUIRE(doc);
  CHECK(doc->value("student.training_mode") == "定向（甘肃省教育厅）");
}

TEST_CASE("bad inputs are refused naming the field", "[document]") {
  struct Case {
    const char* name;
    const char* path;
    nlohmann::json value;  // null: remove the field
    const char* field;
  };
  const Case cases[] = {
      {"missing name", "/student/name", nullptr, "student.name"},
      {"empty name", "/student/name", "", "student.name"},
      {"name of wrong type", "/student/name", 42, "student.name"},
      {"unknown field", "/student/nickname", "三儿", "student.nickname"},
      {"unknown section", "/extra", nlohmann::json::object(), "extra"},
      {"resident ID check digit", "/student/id_number", "620102200305010031", "student.id_number"},
      {"15-digit resident ID", "/student/id_number", "620102030501003", "student.id_number"},
      {"credit code check character", "/employer/uscc", "91620100MA74X2B3KE", "employer.uscc"},
      {"serial check character", "/serial", "1073120260001234", "serial"},
      {"unknown ethnicity code", "/student/ethnicity", "77", "student.ethnicity"},
      {"mobile number", "/student/mobile", "12912345678", "student.mobile"},
      {"postcode", "/employer/postcode", "73007", "employer.postcode"},
      {"email", "/student/email", "zhangsan@", "student.email"},
      {"birth date not matching the ID", "/student/birth_date", "2003-05-02", "student.birth_date"},
      {"gender not matching the ID", "/student/gender", "2", "student.gender"},
      {"impossible date", "/student/birth_date", "2003-02-30", "student.birth_date"},
      {"bell character", "/student/name", "张\u0007三", "student.name"},
      {"bidi override", "/employer/name", "甘肃\u202E公司", "employer.name"},
      {"bidi isolate", "/employer/name", "甘肃\u2066公司", "employer.name"},
      {"zero-width space", "/student/name", "张\u200B三", "student.name"},
      {"private use", "/student/name", "张\uE000", "student.name"},
      {"line break in a one-line field", "/student/name", "张\n三", "student.name"},
      {"name over the length limit", "/student/name", std::string(65 * 3, 'a'), "student.name"},
      {"signed_at without offset", "/signed_at", "2026-05-20T10:30:00", "signed_at"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto input = typical();
    nlohmann::json::json_pointer pointer(c.path);
    if (c.value.is_null()) {
      input[pointer.parent_pointer()].erase(pointer.back());
    } else {
      input[pointer] = c.value;
    }
    auto doc = prepare(input);
    REQUIRE_FALSE(doc);
    CHECK(doc.error().field == c.field);
  }
}

TEST_CASE("a serial without a signing time is refused", "[document]") {
  auto input = typical();
  input.erase("signed_at");
  auto doc = prepare(input);
  REQUIRE_FALSE(doc);
  CHECK(doc.error().field == "signed_at");
}

TEST_CASE("malformed JSON is refused", "[document]") {
  auto doc = render::parse_document("{\"student\": ", *RenderFixture::get().codes);
  REQUIRE_FALSE(doc);
  CHECK(doc.error().kind == ErrorKind::InvalidInput);
}

TEST_CASE("names are kept exactly as entered, never normalised", "[document]") {
  auto input = typical();
  input["student"]["name"] = "\uF900三";  // a compatibility ideograph NFC would replace
  auto doc = prepare(input);
  if (doc) {
    CHECK(doc->value("student.name") == "\uF900三");
  } else {
    CHECK(doc.error().field == "student.name");  // refused if the fonts lack it, but never altered
  }
}

TEST_CASE("a character no font has is refused naming the field and the code point", "[document][fonts]") {
  const auto& fonts = *RenderFixture::get().fonts;
  CHECK(fonts.covers(U'张'));
  CHECK(fonts.covers(0x2A6A5));  // through HanaMin B
  auto status = fonts.check_coverage("张\U00031350", "student.name");
  REQUIRE_FALSE(status);
  CHECK(status.error().kind == ErrorKind::FontCoverage);
  CHECK(status.error().field == "student.name");
  CHECK(status.error().message.find("U+31350") != std::string::npos);
}
