#include "core/validate.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdio>

#include <glib.h>

namespace sanfang::core {

namespace {

bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

bool all_ascii_digits(std::string_view text) {
  for (char c : text) {
    if (!is_ascii_digit(c)) return false;
  }
  return true;
}

char ascii_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

Error invalid(std::string_view field, std::string message) {
  return Error::invalid(std::string(field), std::move(message));
}

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

// A real calendar date. The window is wide on purpose: GB 11643 sets no bound, and a widely used
// test vector (440524188001010014) carries a birth year of 1880.
bool is_valid_birth_date(int year, int month, int day) {
  if (year < 1800 || year > 2100 || month < 1 || month > 12 || day < 1) return false;
  static constexpr std::array<int, 12> days_in_month = {31, 28, 31, 30, 31, 30,
                                                        31, 31, 30, 31, 30, 31};
  int last_day = days_in_month[month - 1];
  if (month == 2 && is_leap_year(year)) last_day = 29;
  return day <= last_day;
}

int parse_digits(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

// GB 32100-2015: the code's character set, in value order (0-30). I, O, S, V and Z are left out
// because they are easily mistaken for digits or other letters.
constexpr std::string_view kUsccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

// U+2009 THIN SPACE in UTF-8: the separator between the groups of a printed serial.
constexpr std::string_view kThinSpace = "\xE2\x80\x89";

// Length of the group separator (ASCII space or U+2009) starting at text[i], 0 if there is none.
std::size_t separator_length_at(std::string_view text, std::size_t i) {
  if (text[i] == ' ') return 1;
  return text.substr(i).starts_with(kThinSpace) ? kThinSpace.size() : 0;
}

// Lengths of the serial's groups: school code, graduation year, sequence, check character.
constexpr std::array<std::size_t, 4> kSerialGroupLengths = {5, 4, 6, 1};
constexpr std::size_t kSerialLength = 16;

// Why a code point is refused by the text policy, or nullptr when it is allowed.
const char* refusal_reason(char32_t cp, bool allow_newlines) {
  // C0 controls, DEL and C1 controls (Unicode General_Category Cc): invisible, and they break
  // layout or hide content. '\n' is the only one with a meaning in multi-line fields.
  if (cp == U'\n' && allow_newlines) return nullptr;
  if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return "不允许的控制字符";
  // Bidi marks, embeddings, overrides and isolates (UAX #9): they can reorder what is printed
  // relative to what was reviewed ("Trojan Source", CVE-2021-42574).
  if (cp == 0x200E || cp == 0x200F || cp == 0x061C || (cp >= 0x202A && cp <= 0x202E) ||
      (cp >= 0x2066 && cp <= 0x2069)) {
    return "不允许的双向文本控制字符";
  }
  // Zero-width characters: two names that look identical would compare different.
  if (cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0x2060 || cp == 0xFEFF ||
      cp == 0x180E) {
    return "不允许的零宽字符";
  }
  // Private use (BMP area and planes 15-16): old systems put rare 汉字 there with meanings no
  // font or other system shares; GB 18030-2022 moved such characters to standard code points.
  if ((cp >= 0xE000 && cp <= 0xF8FF) || cp >= 0xF0000) return "不允许的私用区字符";
  // Noncharacters (Unicode §23.7): U+FDD0-U+FDEF and the last two code points of every plane.
  if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE) return "不允许的非字符码位";
  // Characters that print as nothing: Hangul fillers, the Braille blank, the soft hyphen (shown
  // only at a line break), the grapheme joiner, invisible math operators, line and paragraph
  // separators and tag characters. A name of them looks empty or like another name.
  if (cp == 0x115F || cp == 0x1160 || cp == 0x3164 || cp == 0xFFA0 || cp == 0x2800 ||
      cp == 0x00AD || cp == 0x034F || (cp >= 0x2061 && cp <= 0x2064) || cp == 0x2028 ||
      cp == 0x2029 || (cp >= 0xE0000 && cp <= 0xE007F)) {
    return "不允许的不可见字符";
  }
  return nullptr;
}

// Whitespace and variation selectors: allowed inside a value, but not as all of it.
bool is_blank_character(char32_t cp) {
  return cp == U' ' || cp == U'\n' || cp == 0x00A0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F || cp == 0x3000 ||
         (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF);
}

// Up to three marks on one base covers real text (Vietnamese stacks two, some Pinyin and
// Indic syllables three); longer runs ("Zalgo" text) overprint the lines around them.
constexpr std::size_t kMaxCombiningRun = 3;

}  // namespace

char iso7064_mod11_2(std::string_view digits) {
  // ISO 7064:2003 MOD 11-2, recursive form: p = ((p + d) * 2) mod 11 over the data digits, then
  // the check value c satisfies (p + c) mod 11 = 1, written 'X' when it is 10.
  int p = 0;
  for (char c : digits) {
    assert(is_ascii_digit(c));
    p = ((p + (c - '0')) * 2) % 11;
  }
  int check = (12 - p) % 11;
  return check == 10 ? 'X' : static_cast<char>('0' + check);
}

Result<std::string> validate_resident_id(std::string_view id, std::string_view field) {
  if (id.size() == 15 && all_ascii_digits(id)) {
    // The GB 11643-1989 format: a two-digit birth year and no check character.
    return invalid(field, "不支持15位旧身份证号，请填写18位身份证号");
  }
  if (id.size() != 18) return invalid(field, "身份证号应为18位");
  std::string_view body = id.substr(0, 17);
  if (!all_ascii_digits(body)) return invalid(field, "身份证号前17位应为数字");
  char check = ascii_upper(id[17]);
  if (!is_ascii_digit(check) && check != 'X') return invalid(field, "身份证号最后一位应为数字或X");
  // GB 11643-1999: positions 7-14 are the birth date YYYYMMDD.
  if (!is_valid_birth_date(parse_digits(body.substr(6, 4)), parse_digits(body.substr(10, 2)),
                           parse_digits(body.substr(12, 2)))) {
    return invalid(field, "身份证号中的出生日期无效");
  }
  // GB 11643-1999: the check character is ISO 7064:2003 MOD 11-2 over the first 17 digits.
  if (iso7064_mod11_2(body) != check) return invalid(field, "身份证号校验位错误");
  std::string normalised(body);
  normalised.push_back(check);
  return normalised;
}

Result<std::string> validate_uscc(std::string_view code, std::string_view field) {
  if (code.size() != 18) return invalid(field, "统一社会信用代码应为18位");
  std::string normalised;
  normalised.reserve(18);
  // GB 32100-2015: weights W_i = 3^(i-1) mod 31 for positions 1-17.
  int weighted_sum = 0;
  int weight = 1;
  for (std::size_t i = 0; i < code.size(); ++i) {
    char c = ascii_upper(code[i]);
    std::size_t value = kUsccAlphabet.find(c);
    if (value == std::string_view::npos) {
      return invalid(field, "统一社会信用代码第" + std::to_string(i + 1) +
                                "位不是允许的字符（只能是数字和除I、O、S、V、Z以外的大写字母）");
    }
    normalised.push_back(c);
    if (i < 17) {
      weighted_sum += static_cast<int>(value) * weight;
      weight = weight * 3 % 31;
    }
  }
  // C18 = 31 - (sum mod 31), where 31 is written as 0.
  int check_value = (31 - weighted_sum % 31) % 31;
  if (normalised[17] != kUsccAlphabet[check_value]) {
    return invalid(field, "统一社会信用代码校验位错误");
  }
  return normalised;
}

Result<std::string> validate_serial(std::string_view serial, std::string_view field) {
  // Remove the separators, but only where the printed form puts them: between two groups.
  std::string compact;
  compact.reserve(kSerialLength);
  std::size_t group = 0;          // index of the group being read
  std::size_t group_filled = 0;   // characters read of that group
  bool separator_allowed = false; // true right after a complete group (not the last)
  std::size_t i = 0;
  while (i < serial.size()) {
    if (std::size_t separator_length = separator_length_at(serial, i)) {
      if (!separator_allowed) return invalid(field, "编号中的空格只能出现在各组数字之间");
      i += separator_length;
      continue;
    }
    if (group == kSerialGroupLengths.size()) return invalid(field, "编号应为16位");
    compact.push_back(serial[i]);
    ++i;
    separator_allowed = false;
    if (++group_filled == kSerialGroupLengths[group]) {
      ++group;
      group_filled = 0;
      separator_allowed = group < kSerialGroupLengths.size();
    }
  }
  if (compact.size() != kSerialLength) return invalid(field, "编号应为16位");
  std::string_view body = std::string_view(compact).substr(0, 15);
  if (!all_ascii_digits(body)) return invalid(field, "编号前15位应为数字");
  compact[15] = ascii_upper(compact[15]);
  if (!is_ascii_digit(compact[15]) && compact[15] != 'X') {
    return invalid(field, "编号最后一位应为数字或X");
  }
  if (iso7064_mod11_2(body) != compact[15]) return invalid(field, "编号校验位错误");
  return compact;
}

Result<std::string> make_serial(std::string_view school_code, int graduation_year, int sequence) {
  if (school_code.size() != 5 || !all_ascii_digits(school_code)) {
    return Error::invalid("school_code", "院校代码应为5位数字");
  }
  if (graduation_year < 1000 || graduation_year > 9999) {
    return Error::invalid("graduation_year", "毕业年份应为4位数字");
  }
  if (sequence < 0 || sequence > 999999) {
    return Error::invalid("sequence", "序号应在0到999999之间");
  }
  std::string sequence_digits = std::to_string(sequence);
  std::string serial(school_code);
  serial += std::to_string(graduation_year);
  serial.append(6 - sequence_digits.size(), '0');
  serial += sequence_digits;
  serial.push_back(iso7064_mod11_2(serial));
  return serial;
}

std::string format_serial_for_print(std::string_view compact_serial) {
  if (compact_serial.size() != kSerialLength) return std::string(compact_serial);
  std::string printed;
  std::size_t offset = 0;
  for (std::size_t group = 0; group < kSerialGroupLengths.size(); ++group) {
    if (group > 0) printed += kThinSpace;
    printed += compact_serial.substr(offset, kSerialGroupLengths[group]);
    offset += kSerialGroupLengths[group];
  }
  return printed;
}

Status validate_mobile(std::string_view phone, std::string_view field) {
  if (phone.size() != 11 || !all_ascii_digits(phone) || phone[0] != '1' || phone[1] < '3') {
    return invalid(field, "手机号码应为11位数字，以13至19开头");
  }
  return {};
}

Status validate_postcode(std::string_view code, std::string_view field) {
  if (code.size() != 6 || !all_ascii_digits(code)) return invalid(field, "邮政编码应为6位数字");
  return {};
}

std::string format_code_point(char32_t cp) {
  char text[16];
  std::snprintf(text, sizeof text, "U+%04X", static_cast<unsigned>(cp));
  return text;
}

Result<std::u32string> decode_utf8(std::string_view text, std::string_view field) {
  std::u32string decoded;
  decoded.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    auto lead = static_cast<unsigned char>(text[i]);
    auto error = [&](const char* what) {
      return invalid(field, std::string("文本不是有效的UTF-8编码：第") + std::to_string(i + 1) +
                                "字节" + what);
    };
    if (lead < 0x80) {
      decoded.push_back(lead);
      ++i;
      continue;
    }
    // RFC 3629 §4: lead bytes C2-DF start 2 bytes, E0-EF 3, F0-F4 4. C0, C1 could only start
    // overlong forms; F5-FF would go beyond U+10FFFF.
    std::size_t length = 0;
    char32_t cp = 0;
    char32_t minimum = 0;  // the smallest code point this length may encode (no overlong forms)
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
      cp = lead & 0x1F;
      minimum = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      cp = lead & 0x0F;
      minimum = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      cp = lead & 0x07;
      minimum = 0x10000;
    } else {
      return error("不是合法的起始字节");
    }
    if (i + length > text.size()) return error("起的字符不完整");
    for (std::size_t k = 1; k < length; ++k) {
      auto continuation = static_cast<unsigned char>(text[i + k]);
      if ((continuation & 0xC0) != 0x80) return error("起的字符不完整");
      cp = (cp << 6) | (continuation & 0x3F);
    }
    if (cp < minimum) return error("起是超长编码");
    if (cp >= 0xD800 && cp <= 0xDFFF) return error("起编码了代理码位");
    if (cp > 0x10FFFF) return error("起超出Unicode范围");
    decoded.push_back(cp);
    i += length;
  }
  return decoded;
}

Status check_text_policy(std::string_view utf8, std::string_view field, bool allow_newlines) {
  std::u32string text = TRY(decode_utf8(utf8, field));
  std::size_t combining_run = 0;
  bool has_base = false;  // a character a combining mark can sit on precedes
  for (char32_t cp : text) {
    if (const char* reason = refusal_reason(cp, allow_newlines)) {
      return invalid(field, std::string(reason) + " " + format_code_point(cp));
    }
    if (g_unichar_ismark(static_cast<gunichar>(cp))) {
      if (!has_base) return invalid(field, "组合符号前没有可附着的字符 " + format_code_point(cp));
      if (++combining_run > kMaxCombiningRun) {
        return invalid(field, "连续的组合符号过多（最多 " + std::to_string(kMaxCombiningRun) + " 个）");
      }
      continue;
    }
    combining_run = 0;
    has_base = !is_blank_character(cp);
  }
  if (!text.empty() && std::all_of(text.begin(), text.end(), is_blank_character)) {
    return invalid(field, "不能只有空白字符");
  }
  return {};
}

bool is_blank_text(std::string_view utf8) {
  auto text = decode_utf8(utf8, "");
  if (!text) return false;
  return std::all_of(text->begin(), text->end(), [](char32_t cp) {
    return is_blank_character(cp) || refusal_reason(cp, true) != nullptr;
  });
}

}  // namespace sanfang::core
