#include "core/field_rules.h"
#include "core/validate.h"

#include <catch2/catch.hpp>

#include <string>

using namespace sanfang;
using namespace sanfang::core;

namespace {

const CodeLists& codes() {
  static const CodeLists lists = CodeLists::load(std::string(SANFANG_SOURCE_DIR) + "/layouts/codes").value();
  return lists;
}

const FieldRule& rule(std::string_view path) {
  const FieldRule* found = field_rule(path);
  REQUIRE(found);
  return *found;
}

}  // namespace

TEST_CASE("the text policy refuses characters that print as nothing, naming the code point", "[field_rules]") {
  for (const auto& [text, code_point] : {std::pair{"\u3164", "U+3164"}, std::pair{"\u2800", "U+2800"},
                                         std::pair{"张\u00AD三", "U+00AD"}, std::pair{"\u115F张", "U+115F"},
                                         std::pair{"\uFFA0", "U+FFA0"}, std::pair{"张\u2028三", "U+2028"}}) {
    INFO(text);
    auto refused = check_text_policy(text, "name", false);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().field == "name");
    CHECK(refused.error().message.find(code_point) != std::string::npos);
  }
}

TEST_CASE("the text policy refuses blank values and long combining-mark runs but keeps real diacritics",
          "[field_rules]") {
  CHECK_FALSE(check_text_policy("   ", "name", false));
  CHECK_FALSE(check_text_policy("\u3000\u3000", "name", false));
  CHECK_FALSE(check_text_policy(" \n ", "remarks", true));
  CHECK_FALSE(check_text_policy("e\u0301\u0301\u0301\u0301", "name", false));
  CHECK_FALSE(check_text_policy("\u0301e", "name", false));
  CHECK(check_text_policy("Nguy\u1EC5n", "name", false));
  CHECK(check_text_policy("e\u0302\u0301", "name", false));  // ế decomposed: two marks
  CHECK(check_text_policy("阿卜杜拉·买买提", "name", false));
  CHECK(check_text_policy("", "remarks", true));
  CHECK(is_blank_text("\u3164 \u200B"));
  CHECK_FALSE(is_blank_text("张"));
}

TEST_CASE("dates must be real calendar days within the year range, named by the form's label", "[field_rules]") {
  const FieldRule& birth_date = rule("student.birth_date");
  CHECK(printed_value(birth_date, "2003-05-01", "basic.birth_date", codes()).value() == "2003年5月1日");
  CHECK(printed_value(birth_date, "2000-02-29", "basic.birth_date", codes()).value() == "2000年2月29日");
  for (const char* impossible : {"2003-02-30", "2023-02-29", "1900-02-29", "2003-06-31"}) {
    INFO(impossible);
    auto refused = printed_value(birth_date, impossible, "basic.birth_date", codes());
    REQUIRE_FALSE(refused);
    CHECK(refused.error().field == "basic.birth_date");
    CHECK(refused.error().message == "出生日期必须是有效日期");
  }
  CHECK(printed_value(birth_date, "1899-12-31", "x", codes()).error().message.find("出生日期的年份应在 1900 到 2100") == 0);
  CHECK(printed_value(birth_date, "2101-01-01", "x", codes()).error().message.find("出生日期的年份应在") == 0);
  CHECK(printed_value(birth_date, "2003/05/01", "x", codes()).error().message.find("出生日期格式应为") == 0);
}

TEST_CASE("every refusal of a field names it as the form does", "[field_rules]") {
  auto code = printed_value(rule("student.ethnicity"), "77", "basic.ethnicity", codes());
  REQUIRE_FALSE(code);
  CHECK(code.error().message.find("民族") == 0);
  auto id = printed_value(rule("student.id_number"), "110105194912310012", "id_number", codes());
  REQUIRE_FALSE(id);
  CHECK(id.error().message.find("身份证号") == 0);
  auto text = printed_value(rule("job.position"), "工程师\u202E", "job.position", codes());
  REQUIRE_FALSE(text);
  CHECK(text.error().message.find("工作岗位：") == 0);
  std::string long_name(33, 'a');
  CHECK(printed_value(rule("student.name"), long_name, "name", codes()).error().message == "姓名不能超过 32 个字");
}

TEST_CASE("reasons must be visible when required and obey the policy when given", "[field_rules]") {
  CHECK(check_reason("", "reason", false, "请填写原因"));
  CHECK(check_reason("岗位不符", "reason", true, "请填写原因"));
  CHECK(check_reason("", "reason", true, "请填写原因").error().message == "请填写原因");
  CHECK(check_reason("\u3164", "reason", true, "请填写原因").error().message == "请填写原因");
  CHECK_FALSE(check_reason("同意\u202E", "reason", false, "请填写原因"));
  CHECK_FALSE(check_reason("  ", "reason", false, "请填写原因"));
  CHECK_FALSE(check_reason(std::string(kMaxReasonChars + 1, 'a'), "reason", true, "请填写原因"));
}
