// Validation of the national codes and text that reach an agreement: resident ID (GB 11643),
// unified social credit code (GB 32100), the agreement serial, phone and postcode, and the text
// policy applied to every value printed on a document. Error messages are in Simplified Chinese
// because students and school staff read them; every error names the offending field.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace sanfang::core {

// ISO 7064 MOD 11-2 check character ('0'-'9' or 'X') over a string of decimal digits.
// Precondition: every character of `digits` is '0'-'9' (callers check the format first).
char iso7064_mod11_2(std::string_view digits);

// GB 11643-1999 resident ID: 17 digits (address, birth date YYYYMMDD, sequence) and a check
// character. A lower-case 'x' is accepted and returned upper-case; 15-digit IDs are refused.
Result<std::string> validate_resident_id(std::string_view id, std::string_view field);

// GB 32100-2015 unified social credit code: 18 characters from 0-9 A-H J-N P-R T U W-Y with a
// MOD 31 check character. Lower-case letters are accepted and returned upper-case.
Result<std::string> validate_uscc(std::string_view code, std::string_view field);

// Agreement serial: school code (5 digits) + graduation year (4) + sequence (6) + ISO 7064
// MOD 11-2 check character over those 15 digits. ASCII spaces and U+2009 THIN SPACE are tolerated
// between the groups (the printed form) and removed; a lower-case 'x' check character is returned
// upper-case. Returns the 16-character compact serial.
Result<std::string> validate_serial(std::string_view serial, std::string_view field);

// Builds a compact serial from its parts and appends the check character. Requires a 5-digit
// school code, 1000 <= graduation_year <= 9999 and 0 <= sequence <= 999999.
Result<std::string> make_serial(std::string_view school_code, int graduation_year, int sequence);

// The printed form of a valid compact serial: "10731 2026 000123 3" with U+2009 THIN SPACE between
// the four groups. Anything that is not 16 characters long is returned unchanged.
std::string format_serial_for_print(std::string_view compact_serial);

// Mainland mobile number: 11 digits, "1" then 3-9 then 9 digits.
Status validate_mobile(std::string_view phone, std::string_view field);

// Postcode: 6 digits.
Status validate_postcode(std::string_view code, std::string_view field);

// "U+4E2D", "U+2A6A5": upper-case hex, at least 4 digits.
std::string format_code_point(char32_t cp);

// Strict UTF-8 decoding (RFC 3629): overlong forms, surrogates, code points above U+10FFFF,
// stray continuation bytes and truncated sequences are errors naming the field.
Result<std::u32string> decode_utf8(std::string_view text, std::string_view field);

// The one text policy for every free text people type — values that reach a document, names,
// reasons and explanations alike. Refuses invalid UTF-8, control characters (C0 except '\n' when
// allow_newlines, DEL, C1), bidi controls, zero-width characters, private-use code points,
// noncharacters, characters that print as nothing (Hangul fillers U+115F/U+1160/U+3164/U+FFA0,
// U+2800 BRAILLE PATTERN BLANK, U+00AD SOFT HYPHEN, U+034F, invisible operators, U+2028/U+2029,
// tag characters), a combining mark with no character before it, more than three combining
// marks in a row, and a non-empty value that is nothing but blanks (spaces of any width, line
// breaks, variation selectors). The error names the field and, where one is at fault, the code
// point. Never normalises: what passes is printed exactly as entered. An empty value passes;
// whether a field may be empty is its own rule.
Status check_text_policy(std::string_view utf8, std::string_view field, bool allow_newlines);

// True when `utf8` holds nothing a reader would see: empty, blanks only, or only characters the
// text policy refuses as invisible. "A reason of blanks is no reason."
bool is_blank_text(std::string_view utf8);

}  // namespace sanfang::core
