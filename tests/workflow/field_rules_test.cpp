// One definition of every field: what the workflow accepts on save is exactly what the renderer
// prints. Save-time refusals name the field; a seeded property test generates agreements and
// checks that the workflow's decision and the renderer's always agree.
#include "workflow/agreement_document.h"

#include "core/field_rules.h"
#include "jobs/agreement_documents.h"
#include "print_check_support.h"
#include "render/fonts.h"
#include "render/layout_spec.h"
#include "render/renderer.h"

#include <catch2/catch.hpp>

#include <array>
#include <random>
#include <string>
#include <vector>

using namespace sanfang;
using namespace sanfang::workflow;
using nlohmann::json;

namespace {

const Student kStudent{"220101010123", "张三", "620102200305010032", "1", "01", "计算机科学与技术", "本科", 2026};

SourceSections valid_sections() {
  SourceSections s;
  s.basic = {{"ethnicity", "01"}, {"political_status", "03"}, {"birth_date", "2003-05-01"}};
  s.contact = {{"mobile", "13912345678"}, {"email", "zhangsan@example.com"}, {"home_address", "甘肃省兰州市城关区"}};
  s.enrolment = {{"education_level", "21"}, {"length_of_schooling", "4年"}, {"training_mode", "1"}};
  s.archive = {{"origin_region", "620100"}};
  return s;
}

Status save_sections(const SourceSections& s) {
  return validate_source_sections(s, kStudent, testing::code_lists(), testing::print_check());
}

Status save_content(const json& content) {
  return validate_agreement_content(content, testing::code_lists(), testing::print_check());
}

}  // namespace

TEST_CASE("impossible calendar dates are refused at save naming the birth date", "[field_rules]") {
  for (const char* date : {"2003-02-30", "2023-02-29", "2003-04-31", "2003-13-01", "2003-00-10"}) {
    SourceSections s = valid_sections();
    s.basic["birth_date"] = date;
    auto saved = save_sections(s);
    INFO(date);
    REQUIRE_FALSE(saved);
    CHECK(saved.error().kind == ErrorKind::InvalidInput);
    CHECK(saved.error().field == "basic.birth_date");
    CHECK(saved.error().message == "出生日期必须是有效日期");
  }
}

TEST_CASE("a leap day is a valid date but must still match the resident ID", "[field_rules]") {
  SourceSections s = valid_sections();
  s.basic["birth_date"] = "2004-02-29";
  auto saved = save_sections(s);
  REQUIRE_FALSE(saved);
  CHECK(saved.error().field == "basic.birth_date");
  CHECK(saved.error().message == "出生日期与身份证号不一致");
}

TEST_CASE("birth years outside the printable range are refused naming the field", "[field_rules]") {
  for (const char* date : {"1899-12-31", "2101-01-01"}) {
    SourceSections s = valid_sections();
    s.basic["birth_date"] = date;
    auto saved = save_sections(s);
    INFO(date);
    REQUIRE_FALSE(saved);
    CHECK(saved.error().field == "basic.birth_date");
    CHECK(saved.error().message.find("出生日期的年份应在") == 0);
  }
}

TEST_CASE("a character no font of the chain has is refused at save as FontCoverage", "[field_rules]") {
  auto saved = save_content({{"job", {{"position", "工程师\u0F40"}}}});
  REQUIRE_FALSE(saved);
  CHECK(saved.error().kind == ErrorKind::FontCoverage);
  CHECK(saved.error().field == "job.position");
  CHECK(saved.error().message.find("工作岗位") == 0);
  CHECK(saved.error().message.find("U+0F40") != std::string::npos);

  SourceSections s = valid_sections();
  s.contact["home_address"] = "兰州\U00013000";
  auto address = save_sections(s);
  REQUIRE_FALSE(address);
  CHECK(address.error().kind == ErrorKind::FontCoverage);
  CHECK(address.error().field == "contact.home_address");
}

TEST_CASE("a rare character the fallback fonts cover is accepted", "[field_rules]") {
  CHECK(save_content({{"job", {{"position", "\U0002A6A5工程师"}}}}));
}

TEST_CASE("a value within its length limit that does not fit its box is refused as Overflow", "[field_rules]") {
  // 64 characters is the limit for 工作岗位; as many wide ideographs do not fit its one-line box.
  std::string wide;
  for (int i = 0; i < 64; ++i) wide += "龘";
  auto saved = save_content({{"job", {{"position", wide}}}});
  REQUIRE_FALSE(saved);
  CHECK(saved.error().kind == ErrorKind::Overflow);
  CHECK(saved.error().field == "job.position");
  CHECK(saved.error().message.find("工作岗位") == 0);
}

TEST_CASE("invisible and blank values are refused in every free-text field", "[field_rules]") {
  for (const char* value : {"\u3164", "\u2800", "  ", "\u3000\u3000", "张\u00AD三", "e\u0301\u0301\u0301\u0301",
                            "\u0301张", "\u202E张三"}) {
    INFO(value);
    auto content = save_content({{"remarks", value}});
    REQUIRE_FALSE(content);
    CHECK(content.error().field == "remarks");
    CHECK(content.error().kind == ErrorKind::InvalidInput);
    auto reason = core::check_reason(value, "reason", true, "驳回必须填写原因");
    CHECK_FALSE(reason);
  }
  CHECK(save_content({{"remarks", "第一行\n第二行，ê 与 ế 都可以"}}));
}

TEST_CASE("a 定向 student must name the unit, and the printed mode with it must fit", "[field_rules]") {
  SourceSections s = valid_sections();
  s.enrolment["training_mode"] = "2";
  auto saved = save_sections(s);
  REQUIRE_FALSE(saved);
  CHECK(saved.error().field == "enrolment.training_unit");
  s.enrolment["training_unit"] = "甘肃省教育厅";
  CHECK(save_sections(s));
}

// ---- property: the workflow's decision and the renderer's agree ---------------------------------

namespace {

// Values a party might type, good and bad: ordinary, long, rare characters the fallback fonts
// have, characters no font has, controls, bidi, invisible fillers, blanks and combining runs.
const std::vector<std::string> kTexts = {
    "甘肃省兰州市城关区",     "软件开发工程师",        "\U0002A6A5",           "阿卜杜拉·买买提",
    "工程师\u0F40",           "行\x07政",              "\u202E工程师",         "\u3164",
    "\u2800",                 "   ",                   "a\u00ADb",             "e\u0301\u0301\u0301\u0301",
    "Café Müller",            "",                      "葛\U000E0100",         "第一行\n第二行",
    "\u200B",                 "\u3000",                "=HYPERLINK(1)",        "北京\U0003134A",
};

const std::vector<std::string> kDates = {"2003-05-01", "2003-02-30", "2023-02-29", "1899-05-01", "2101-05-01",
                                         "2003-5-1",   "2000-02-29", "",           "二〇〇三年五月一日"};

std::string pick(std::mt19937& random, const std::vector<std::string>& from) {
  return from[std::uniform_int_distribution<std::size_t>(0, from.size() - 1)(random)];
}

std::string long_text(std::mt19937& random) {
  std::string text;
  const int repeats = std::uniform_int_distribution<int>(1, 70)(random);
  for (int i = 0; i < repeats; ++i) text += i % 3 == 0 ? "龘" : "很长的内容";
  return text;
}

std::string text_value(std::mt19937& random) {
  return std::bernoulli_distribution(0.25)(random) ? long_text(random) : pick(random, kTexts);
}

struct Candidate {
  Student student = kStudent;
  std::string college = "计算机与通信学院";
  SourceSections sections = valid_sections();
  std::string employer_name = "甘肃丝路数字科技有限公司";
  std::string uscc = "91620100MA74X2B3KD";
  json profile = {{"nature", "39"}, {"address", "兰州市安宁区"}, {"phone", "0931-1234567"}};
  json content = {{"job", {{"position", "软件开发工程师"}, {"salary", "月薪 8000 元"}}}, {"remarks", "无"}};
};

// Changes one to three fields of a valid agreement.
void mutate(Candidate& c, std::mt19937& random) {
  const int changes = std::uniform_int_distribution<int>(1, 3)(random);
  for (int i = 0; i < changes; ++i) {
    switch (std::uniform_int_distribution<int>(0, 13)(random)) {
      case 0: c.sections.basic["birth_date"] = pick(random, kDates); break;
      case 1: c.sections.contact["home_address"] = text_value(random); break;
      case 2: c.sections.contact["mobile"] = pick(random, {"13912345678", "12345678901", "1391234567x"}); break;
      case 3: c.sections.enrolment["training_mode"] = pick(random, {"1", "2", "3", "9"}); break;
      case 4: c.sections.enrolment["training_unit"] = text_value(random); break;
      case 5: c.content["job"]["position"] = text_value(random); break;
      case 6: c.content["remarks"] = text_value(random); break;
      case 7: c.content["employer_opinion"] = text_value(random); break;
      case 8: c.content["archive"] = {{"unit", text_value(random)}, {"postcode", pick(random, {"730030", "7300"})}}; break;
      case 9: c.employer_name = text_value(random); break;
      case 10: c.profile["address"] = text_value(random); break;
      case 11: c.student.name = text_value(random); break;
      case 12: c.student.major = text_value(random); break;
      case 13: c.sections.basic["ethnicity"] = pick(random, {"01", "05", "77"}); break;
    }
  }
}

bool workflow_accepts(const Candidate& c) {
  const auto& codes = testing::code_lists();
  const auto& print = testing::print_check();
  return validate_student_record(c.student, c.college, codes, print) &&
         validate_source_sections(c.sections, c.student, codes, print) &&
         validate_employer(c.employer_name, c.uscc, c.profile, codes, print) &&
         validate_agreement_content(c.content, codes, print);
}

// The agreement as signed from these parts, rendered in full.
Status renders(const Candidate& c, render::Renderer& renderer) {
  Agreement a;
  a.serial = "1073120260001233";
  a.signed_at = from_unix_seconds(1'779'244'200);
  a.content = c.content;
  a.snapshot = {{"student",
                 {{"student_no", c.student.student_no},
                  {"name", c.student.name},
                  {"id_number", c.student.id_number},
                  {"gender", c.student.gender},
                  {"major", c.student.major},
                  {"source_info",
                   {{"basic", c.sections.basic},
                    {"contact", c.sections.contact},
                    {"enrolment", c.sections.enrolment},
                    {"archive", c.sections.archive}}}}},
                {"employer", {{"name", c.employer_name}, {"uscc", c.uscc}, {"profile", c.profile}}}};
  const auto document = TRY(jobs::agreement_document(a, SchoolProfile{}, c.college, testing::code_lists()));
  std::vector<render::AgreementDocument> documents{document};
  TRY(renderer.render_to_string(documents));
  return {};
}

}  // namespace

TEST_CASE("property: an agreement the workflow accepts always renders, and one it refuses never does",
          "[field_rules][property]") {
  const std::string source = SANFANG_SOURCE_DIR;
  auto fonts = render::FontSet::load(source + "/fonts").value();
  auto layout = std::make_shared<const render::LayoutSpec>(render::load_layout(source + "/layouts/default.json").value());
  render::RenderOptions options;
  std::array<unsigned char, 32> key_bytes{};
  key_bytes.fill(0x2a);
  options.key = core::VerificationKey::from_bytes(key_bytes);
  auto renderer = render::Renderer::create(fonts, layout, options).value();

  std::mt19937 random(20260601);  // fixed: every run checks the same agreements
  int accepted = 0, refused = 0;
  for (int i = 0; i < 120; ++i) {
    Candidate candidate;
    mutate(candidate, random);
    const bool accepts = workflow_accepts(candidate);
    const Status rendered = renders(candidate, *renderer);
    INFO("case " << i << ": " << (rendered ? std::string("rendered") : rendered.error().describe()));
    CHECK(accepts == rendered.ok());
    (accepts ? accepted : refused) += 1;
  }
  // Both outcomes are exercised, so the agreement is not vacuous.
  CHECK(accepted >= 20);
  CHECK(refused >= 20);
}
