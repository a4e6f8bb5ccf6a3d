#include "core/validate.h"

#include <catch2/catch.hpp>

#include <string>

using namespace sanfang;
using namespace sanfang::core;

namespace {

// UTF-8 for one code point, written out here so the tests do not depend on the decoder under test.
std::string utf8(char32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

const std::string kThinSpace = "\xE2\x80\x89";

}  // namespace

TEST_CASE("ISO 7064 MOD 11-2 gives the check characters of the worked examples",
          "[core][validate]") {
  CHECK(iso7064_mod11_2("11010519491231002") == 'X');
  CHECK(iso7064_mod11_2("44052418800101001") == '4');
  CHECK(iso7064_mod11_2("107312026000123") == '3');
  CHECK(iso7064_mod11_2("100012026000001") == '3');
}

TEST_CASE("valid resident IDs are accepted and returned unchanged", "[core][validate]") {
  for (const char* id : {"11010519491231002X", "440524188001010014", "34052419800101001X"}) {
    auto result = validate_resident_id(id, "student.id_number");
    REQUIRE(result.ok());
    CHECK(result.value() == id);
  }
}

TEST_CASE("a lower-case x check character is normalised to upper case", "[core][validate]") {
  auto result = validate_resident_id("11010519491231002x", "student.id_number");
  REQUIRE(result.ok());
  CHECK(result.value() == "11010519491231002X");
}

TEST_CASE("a resident ID with a wrong check character is refused", "[core][validate]") {
  auto result = validate_resident_id("110105194912310021", "student.id_number");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == ErrorKind::InvalidInput);
  CHECK(result.error().field == "student.id_number");
  CHECK(result.error().message == "身份证号校验位错误");
}

TEST_CASE("15-digit resident IDs are refused", "[core][validate]") {
  auto result = validate_resident_id("110105491231002", "student.id_number");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().field == "student.id_number");
  CHECK(result.error().message.find("15位") != std::string::npos);
}

TEST_CASE("a resident ID with an impossible birth date is refused", "[core][validate]") {
  // 1949-02-31 does not exist; the check character is made right so only the date is wrong.
  std::string body = "11010519490231002";
  std::string id = body + iso7064_mod11_2(body);
  auto result = validate_resident_id(id, "student.id_number");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().message == "身份证号中的出生日期无效");

  std::string leap_body = "11010520000229002";  // 2000 is a leap year (divisible by 400)
  CHECK(validate_resident_id(leap_body + iso7064_mod11_2(leap_body), "id").ok());
  std::string not_leap_body = "11010519000229002";  // 1900 is not
  CHECK_FALSE(validate_resident_id(not_leap_body + iso7064_mod11_2(not_leap_body), "id").ok());
  std::string too_early_body = "11010517991231002";  // before the 1800-2100 window
  CHECK_FALSE(validate_resident_id(too_early_body + iso7064_mod11_2(too_early_body), "id").ok());
  std::string too_late_body = "11010521010101002";
  CHECK_FALSE(validate_resident_id(too_late_body + iso7064_mod11_2(too_late_body), "id").ok());
}

TEST_CASE("resident IDs of the wrong shape are refused", "[core][validate]") {
  CHECK_FALSE(validate_resident_id("", "id").ok());
  CHECK_FALSE(validate_resident_id("11010519491231002X0", "id").ok());
  CHECK_FALSE(validate_resident_id("1101051949123100AX", "id").ok());
  CHECK_FALSE(validate_resident_id("11010519491231002Y", "id").ok());
  CHECK_FALSE(validate_resident_id(" 11010519491231002X", "id").ok());
}

TEST_CASE("valid unified social credit codes are accepted", "[core][validate]") {
  for (const char* code : {"91350100M000100Y43", "91440300708461136T"}) {
    auto result = validate_uscc(code, "employer.uscc");
    REQUIRE(result.ok());
    CHECK(result.value() == code);
  }
}

TEST_CASE("a lower-case credit code is accepted and returned upper case", "[core][validate]") {
  auto result = validate_uscc("91350100m000100y43", "employer.uscc");
  REQUIRE(result.ok());
  CHECK(result.value() == "91350100M000100Y43");
}

TEST_CASE("a credit code with one changed character is refused", "[core][validate]") {
  for (const char* code : {"91350100M000100Y44", "91350100M000101Y43", "91440300708461136U"}) {
    auto result = validate_uscc(code, "employer.uscc");
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().field == "employer.uscc");
    CHECK(result.error().message == "统一社会信用代码校验位错误");
  }
}

TEST_CASE("a credit code with a letter outside the GB 32100 alphabet is refused",
          "[core][validate]") {
  for (const char* code : {"91350100I000100Y43", "91350100O000100Y43", "91350100Z000100Y43",
                           "91350100S000100Y43", "91350100V000100Y43", "91350100i000100Y43"}) {
    auto result = validate_uscc(code, "employer.uscc");
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().field == "employer.uscc");
    CHECK(result.error().message.find("第9位") != std::string::npos);
  }
}

TEST_CASE("credit codes of the wrong length are refused", "[core][validate]") {
  CHECK_FALSE(validate_uscc("91350100M000100Y4", "employer.uscc").ok());
  CHECK_FALSE(validate_uscc("91350100M000100Y433", "employer.uscc").ok());
  CHECK_FALSE(validate_uscc("", "employer.uscc").ok());
}

TEST_CASE("make_serial appends the MOD 11-2 check character", "[core][validate]") {
  auto serial = make_serial("10731", 2026, 123);
  REQUIRE(serial.ok());
  CHECK(serial.value() == "1073120260001233");

  auto other = make_serial("10001", 2026, 1);
  REQUIRE(other.ok());
  CHECK(other.value() == "1000120260000013");
}

TEST_CASE("make_serial refuses parts out of range", "[core][validate]") {
  CHECK(make_serial("1073", 2026, 1).error().field == "school_code");
  CHECK(make_serial("1073A", 2026, 1).error().field == "school_code");
  CHECK(make_serial("10731", 999, 1).error().field == "graduation_year");
  CHECK(make_serial("10731", 10000, 1).error().field == "graduation_year");
  CHECK(make_serial("10731", 2026, -1).error().field == "sequence");
  CHECK(make_serial("10731", 2026, 1000000).error().field == "sequence");
  CHECK(make_serial("10731", 2026, 999999).ok());
}

TEST_CASE("the printed serial separates the groups with U+2009 thin spaces", "[core][validate]") {
  CHECK(format_serial_for_print("1073120260001233") ==
        "10731" + kThinSpace + "2026" + kThinSpace + "000123" + kThinSpace + "3");
}

TEST_CASE("a compact serial is validated and returned", "[core][validate]") {
  auto result = validate_serial("1073120260001233", "serial");
  REQUIRE(result.ok());
  CHECK(result.value() == "1073120260001233");
}

TEST_CASE("a serial with spaces between the groups is accepted and compacted", "[core][validate]") {
  CHECK(validate_serial("10731 2026 000123 3", "serial").value() == "1073120260001233");
  CHECK(validate_serial(format_serial_for_print("1073120260001233"), "serial").value() ==
        "1073120260001233");
  CHECK(validate_serial("10731 2026" + kThinSpace + "000123 3", "serial").value() ==
        "1073120260001233");
}

TEST_CASE("a serial with spaces inside a group is refused", "[core][validate]") {
  CHECK_FALSE(validate_serial("1073 12026 000123 3", "serial").ok());
  CHECK_FALSE(validate_serial(" 10731 2026 000123 3", "serial").ok());
  CHECK_FALSE(validate_serial("10731 2026 000123 3 ", "serial").ok());
}

TEST_CASE("a serial with a wrong check character is refused", "[core][validate]") {
  auto result = validate_serial("1073120260001234", "serial");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().field == "serial");
  CHECK(result.error().message == "编号校验位错误");
  // The example once given with an 'X' fails its own check.
  CHECK_FALSE(validate_serial("107312026000123X", "serial").ok());
}

TEST_CASE("serials of the wrong shape are refused", "[core][validate]") {
  CHECK_FALSE(validate_serial("", "serial").ok());
  CHECK_FALSE(validate_serial("107312026000123", "serial").ok());
  CHECK_FALSE(validate_serial("10731202600012333", "serial").ok());
  CHECK_FALSE(validate_serial("1073A20260001233", "serial").ok());
}

TEST_CASE("mobile numbers must be 11 digits starting 13 to 19", "[core][validate]") {
  CHECK(validate_mobile("13800138000", "student.phone").ok());
  CHECK(validate_mobile("19912345678", "student.phone").ok());
  auto wrong_prefix = validate_mobile("12800138000", "student.phone");
  REQUIRE_FALSE(wrong_prefix.ok());
  CHECK(wrong_prefix.error().field == "student.phone");
  CHECK_FALSE(validate_mobile("1380013800", "student.phone").ok());
  CHECK_FALSE(validate_mobile("138001380000", "student.phone").ok());
  CHECK_FALSE(validate_mobile("1380013800a", "student.phone").ok());
  CHECK_FALSE(validate_mobile("+8613800138000", "student.phone").ok());
}

TEST_CASE("postcodes must be 6 digits", "[core][validate]") {
  CHECK(validate_postcode("730050", "employer.postcode").ok());
  auto short_code = validate_postcode("73005", "employer.postcode");
  REQUIRE_FALSE(short_code.ok());
  CHECK(short_code.error().field == "employer.postcode");
  CHECK_FALSE(validate_postcode("7300500", "employer.postcode").ok());
  CHECK_FALSE(validate_postcode("73005O", "employer.postcode").ok());
}

TEST_CASE("code points are formatted as upper-case hex with at least 4 digits",
          "[core][validate]") {
  CHECK(format_code_point(0x7) == "U+0007");
  CHECK(format_code_point(0x4E2D) == "U+4E2D");
  CHECK(format_code_point(0x2A6A5) == "U+2A6A5");
  CHECK(format_code_point(0x10FFFF) == "U+10FFFF");
}

TEST_CASE("UTF-8 decoding accepts every sequence length", "[core][validate]") {
  auto decoded = decode_utf8("a\xC2\xB7\xE4\xB8\xAD\xF0\xAA\x9A\xA5", "student.name");
  REQUIRE(decoded.ok());
  CHECK(decoded.value() == U"a\u00B7\u4E2D\U0002A6A5");
}

TEST_CASE("malformed UTF-8 is refused naming the field", "[core][validate]") {
  auto input = GENERATE(as<std::string>{},
                        "\xC0\x80",          // overlong NUL
                        "\xE0\x80\xAF",      // overlong '/'
                        "\xF0\x80\x80\xAF",  // overlong '/'
                        "\xED\xA0\x80",      // surrogate U+D800
                        "\xF4\x90\x80\x80",  // U+110000
                        "\xF5\x80\x80\x80",  // lead byte beyond U+10FFFF
                        "\xE4\xB8",          // truncated 中
                        "a\x80",             // stray continuation byte
                        "\xE4\x41\xAD");     // continuation replaced by ASCII
  auto decoded = decode_utf8(input, "student.name");
  REQUIRE_FALSE(decoded.ok());
  CHECK(decoded.error().field == "student.name");
  CHECK(decoded.error().message.find("UTF-8") != std::string::npos);

  auto policy = check_text_policy(input, "student.name", true);
  REQUIRE_FALSE(policy.ok());
  CHECK(policy.error().field == "student.name");
}

TEST_CASE("the text policy refuses each forbidden class naming the field and code point",
          "[core][validate]") {
  auto [cp, reason] = GENERATE(table<char32_t, std::string>({
      {0x0000, "控制字符"},   {0x0007, "控制字符"},   {0x0009, "控制字符"},
      {0x000D, "控制字符"},   {0x001F, "控制字符"},   {0x007F, "控制字符"},
      {0x0080, "控制字符"},   {0x009F, "控制字符"},   {0x200E, "双向文本"},
      {0x200F, "双向文本"},   {0x061C, "双向文本"},   {0x202A, "双向文本"},
      {0x202E, "双向文本"},   {0x2066, "双向文本"},   {0x2069, "双向文本"},
      {0x200B, "零宽"},       {0x200C, "零宽"},       {0x200D, "零宽"},
      {0x2060, "零宽"},       {0xFEFF, "零宽"},       {0x180E, "零宽"},
      {0xE000, "私用区"},     {0xF8FF, "私用区"},     {0xF0000, "私用区"},
      {0xFFFFD, "私用区"},    {0x100000, "私用区"},   {0x10FFFD, "私用区"},
      {0xFDD0, "非字符"},     {0xFDEF, "非字符"},     {0xFFFE, "非字符"},
      {0xFFFF, "非字符"},     {0x1FFFE, "非字符"},    {0x2FFFF, "非字符"},
  }));
  std::string text = "张" + utf8(cp) + "三";
  auto result = check_text_policy(text, "student.name", false);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == ErrorKind::InvalidInput);
  CHECK(result.error().field == "student.name");
  CHECK(result.error().message.find(reason) != std::string::npos);
  CHECK(result.error().message.find(format_code_point(cp)) != std::string::npos);
}

TEST_CASE("the control character message has the documented form", "[core][validate]") {
  auto result = check_text_policy("a\x07", "employer.name", false);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().message == "不允许的控制字符 U+0007");
}

TEST_CASE("newlines pass only where the field allows them", "[core][validate]") {
  CHECK(check_text_policy("第一行\n第二行", "remarks", true).ok());
  auto single_line = check_text_policy("第一行\n第二行", "student.name", false);
  REQUIRE_FALSE(single_line.ok());
  CHECK(single_line.error().message.find("U+000A") != std::string::npos);
  // A carriage return is a C0 control even in multi-line fields.
  CHECK_FALSE(check_text_policy("第一行\r\n第二行", "remarks", true).ok());
}

TEST_CASE("the text policy allows rare ideographs, the middle dot and variation selectors",
          "[core][validate]") {
  CHECK(check_text_policy(utf8(0x2A6A5), "student.name", false).ok());  // 𪚥, CJK Ext B
  CHECK(check_text_policy("阿依古丽·买买提", "student.name", false).ok());
  CHECK(check_text_policy("葛" + utf8(0xE0100), "student.name", false).ok());  // IVS
  CHECK(check_text_policy("葛" + utf8(0xFE00), "student.name", false).ok());
  CHECK(check_text_policy("", "student.name", false).ok());
  CHECK(check_text_policy("Zhang San 张三 (1)", "student.name", false).ok());
}

TEST_CASE("nothing is normalised: a compatibility ideograph passes through unchanged",
          "[core][validate]") {
  // U+F900 豈 would become U+8C48 under NFC; it must reach the document as entered.
  std::string text = "金" + utf8(0xF900);
  CHECK(check_text_policy(text, "student.name", false).ok());
  auto decoded = decode_utf8(text, "student.name");
  REQUIRE(decoded.ok());
  CHECK(decoded.value() == U"\u91D1\uF900");
  // Decomposed and precomposed forms both pass and stay distinct.
  CHECK(check_text_policy("e\xCC\x81", "student.name", false).ok());
  CHECK(decode_utf8("e\xCC\x81", "f").value() == U"e\u0301");
}
