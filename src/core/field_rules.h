// The field-rule table: one definition of every field printed on the agreement — its format,
// calendar and year range, code list, text policy and length — used by the workflow when a value
// is saved and by the renderer when a document is prepared, so that the two cannot disagree.
// Fields are named by their render-input path ("student.birth_date", api/render-input.schema.json);
// what a party saves maps onto these paths (source info basic.birth_date → student.birth_date).
//
// What the table cannot know — whether the fonts cover a value and whether it fits its box — is
// the renderer's; the workflow asks it through workflow::PrintCheck. Errors are InvalidInput with
// `field` set to the caller's name for the value and a Chinese detail that names the field as the
// form calls it ("出生日期必须是有效日期").
#pragma once

#include "core/code_lists.h"
#include "core/result.h"

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace sanfang::core {

enum class FieldKind {
  Text,        // one line of free text
  Multiline,   // free text that may contain line breaks (备注, 意见)
  Code,        // a code of `code_list`, printed as its label
  Date,        // YYYY-MM-DD, a real calendar date within the year range, printed 2003年5月1日
  ResidentId,  // GB 11643
  Uscc,        // GB 32100
  Mobile,      // 1[3-9] + 9 digits
  Phone,       // mobile or landline with area code / extension
  Postcode,
  Email,
};

struct FieldRule {
  std::string_view path;   // render-input path
  std::string_view label;  // the form's name for it, used in error details
  FieldKind kind;
  bool required;           // must be filled on a printed agreement
  std::size_t max_chars;   // in code points
  std::string_view code_list = {};
};

// Years a date field may carry. Wide on purpose: the field is a birth date checked against the
// resident ID, whose own rule (validate_resident_id) sets no tighter bound.
inline constexpr int kMinDateYear = 1900;
inline constexpr int kMaxDateYear = 2100;

// Every printed field, in form order.
std::span<const FieldRule> field_rules();
// The rule for a render-input path; nullptr for a path that is not a printed field.
const FieldRule* field_rule(std::string_view path);

// Checks a non-empty `value` against `rule` and returns it as printed (a code's label, a date in
// 年月日, a resident ID or credit code upper-cased). `field` names the value in the error.
Result<std::string> printed_value(const FieldRule& rule, std::string_view value, std::string_view field,
                                  const CodeLists& codes);

// The error for a required field left empty (or blank), naming it.
Error missing_field(const FieldRule& rule, std::string_view field);

// The stored code of a gender written as 男/女 or as the code itself; nullopt for anything else.
std::optional<std::string> gender_code(std::string_view gender);

// Cross-field rules (GB 11643-1999 §5): the resident ID carries the birth date (digits 7–14) and
// the sex (digit 17: odd = male). `resident_id` must have passed its rule.
Status check_birth_date_matches_id(std::string_view birth_date, std::string_view resident_id, std::string_view field);
Status check_gender_matches_id(std::string_view gender, std::string_view resident_id, std::string_view field);

// 培养方式 as printed: a 定向 or 委培 student names the unit they are bound to, "定向（某单位）".
// `mode_label` is the printed label of the training-mode code; an empty `unit` for a bound mode is
// an error naming `unit_field`.
Result<std::string> printed_training_mode(std::string_view mode_label, std::string_view unit,
                                          std::string_view unit_field);

// Characters as people count them in a length limit: Unicode code points of valid UTF-8.
std::size_t count_code_points(std::string_view utf8);

// A reason or explanation people type into a decision (打回, 驳回, 解约说明): never printed on the
// agreement but shown to the parties and kept in the audit log, so it obeys the text policy
// (line breaks allowed) and a length limit. When `required`, a blank value is refused with
// `missing_detail`.
inline constexpr std::size_t kMaxReasonChars = 500;
Status check_reason(std::string_view text, std::string_view field, bool required, std::string_view missing_detail);

}  // namespace sanfang::core
