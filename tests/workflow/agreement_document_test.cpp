#include "workflow/agreement_document.h"

#include "core/code_lists.h"
#include "print_check_support.h"
#include "render/document.h"

#include <catch2/catch.hpp>

using namespace sanfang;
using namespace sanfang::workflow;
using nlohmann::json;

namespace {

const core::CodeLists& codes() {
  static const core::CodeLists lists = core::CodeLists::load(std::string(SANFANG_SOURCE_DIR) + "/layouts/codes").value();
  return lists;
}

Agreement signed_agreement() {
  Agreement a;
  a.serial = "1073120260001233";
  a.signed_at = from_unix_seconds(1'779'244'200);  // 2026-05-20T02:30:00Z
  a.content = {{"job", {{"position", "软件开发工程师"}, {"salary", "月薪 8000 元"}}},
               {"archive", {{"unit", "甘肃省人才交流中心"}, {"postcode", "730030"}}},
               {"hukou", {{"address", "甘肃省兰州市安宁区"}}},
               {"remarks", "违约金 5000 元。"},
               {"employer_opinion", "同意录用。"}};
  a.snapshot = {
      {"student",
       {{"student_no", "220101010123"},
        {"name", "张三"},
        {"id_number", "620102200305010032"},
        {"gender", "男"},
        {"college_code", "01"},
        {"major", "计算机科学与技术"},
        {"source_info",
         {{"basic", {{"ethnicity", "01"}, {"political_status", "03"}, {"birth_date", "2003-05-01"}}},
          {"contact", {{"mobile", "13912345678"}}},
          {"enrolment", {{"education_level", "21"}, {"training_mode", "1"}}},
          {"archive", {{"origin_region", "620100"}}}}}}},
      {"employer",
       {{"name", "甘肃丝路数字科技有限公司"}, {"uscc", "91620100MA74X2B3KD"}, {"profile", {{"nature", "39"}}}}}};
  return a;
}

}  // namespace

TEST_CASE("a signed agreement's snapshot becomes a render input the renderer accepts", "[agreement_document]") {
  auto input = render_input(signed_agreement(), SchoolProfile{}, "计算机与通信学院");
  REQUIRE(input);
  CHECK((*input)["serial"] == "1073120260001233");
  CHECK((*input)["signed_at"] == "2026-05-20T02:30:00Z");
  CHECK((*input)["student"]["gender"] == "1");
  CHECK((*input)["student"]["college"] == "计算机与通信学院");
  CHECK((*input)["employer"]["opinion"] == "同意录用。");
  auto doc = render::make_document(*input, codes());
  INFO((doc ? std::string() : doc.error().describe()));
  REQUIRE(doc);
  CHECK(doc->value("student.ethnicity") == "汉族");
  CHECK(doc->value("job.position") == "软件开发工程师");
}

TEST_CASE("an agreement that never entered review has no document", "[agreement_document]") {
  Agreement a;
  auto input = render_input(a, SchoolProfile{}, "x");
  REQUIRE_FALSE(input);
  CHECK(input.error().kind == ErrorKind::Conflict);
}

TEST_CASE("an unsigned agreement renders as a preview without serial", "[agreement_document]") {
  Agreement a = signed_agreement();
  a.serial.reset();
  a.signed_at.reset();
  auto input = render_input(a, SchoolProfile{}, "x");
  REQUIRE(input);
  CHECK_FALSE(input->contains("serial"));
}

TEST_CASE("source sections, employer profiles and content refuse bad members naming them", "[agreement_document]") {
  const PrintCheck& print = testing::print_check();
  const Student student{"220101010123", "张三", "620102200305010032", "男", "01", "计算机科学与技术", "本科", 2026};
  SourceSections sections;
  sections.contact = {{"mobile", "12345"}};
  auto bad_mobile = validate_source_sections(sections, student, codes(), print);
  REQUIRE_FALSE(bad_mobile);
  CHECK(bad_mobile.error().field == "contact.mobile");

  sections.contact = {{"mobile", "13912345678"}, {"wechat", "x"}};
  auto unknown = validate_source_sections(sections, student, codes(), print);
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().field == "contact.wechat");

  sections.contact = json::object();
  sections.basic = {{"ethnicity", "77"}};
  auto bad_code = validate_source_sections(sections, student, codes(), print);
  REQUIRE_FALSE(bad_code);
  CHECK(bad_code.error().field == "basic.ethnicity");

  auto bad_profile = validate_employer("甘肃丝路数字科技有限公司", "91620100MA74X2B3KD", {{"postcode", "7300"}}, codes(), print);
  REQUIRE_FALSE(bad_profile);
  CHECK(bad_profile.error().field == "profile.postcode");

  auto bad_content = validate_agreement_content({{"job", {{"position", "开发\u202E"}}}}, codes(), print);
  REQUIRE_FALSE(bad_content);
  CHECK(bad_content.error().field == "job.position");

  auto unknown_content = validate_agreement_content({{"bonus", "x"}}, codes(), print);
  REQUIRE_FALSE(unknown_content);
  CHECK(unknown_content.error().field == "bonus");

  CHECK(validate_agreement_content(signed_agreement().content, codes(), print));
}
