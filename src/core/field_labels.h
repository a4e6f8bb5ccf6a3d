// What people read for the members of a request: every message about a member (problem+json
// `detail`) names it as the form does — "单位名称为必填项", "版本号应为整数" — never by its key and
// never by a bare "必填". A printed field is named by its rule (field_rules.h: the one place its
// label lives); every other member of a request or query by the table in field_labels.cpp. The
// key itself stays in the error's `field`, for programs.
#pragma once

#include "core/result.h"

#include <string>
#include <string_view>

namespace sanfang::core {

// The Chinese name of a member as an error names it: "version" → "版本号", "uscc" → "统一社会信用代码",
// "profile.phone" → "单位联系电话", "copies[1]" → "联次第 2 项". A name missing from the table
// comes back as itself, so that a message naming it by its key is caught by the API test that
// walks every refusal.
std::string field_label(std::string_view field);

// "{label}为必填项", with an optional hint after a colon ("请先读取协议，使用读取时的版本号").
Error required_member(std::string_view field, std::string_view hint = {});
// "{label}应为{what}" ("版本号应为整数").
Error member_of_wrong_type(std::string_view field, std::string_view what);

// `error` with its field's label in front, unless its detail names it already: for the shared
// checks (text policy, lengths) whose details do not know which box they are about.
Error labelled(Error error);

// A member the form does not have (a misspelt key): it has no label, so the detail says where it
// is — in the request, or in the object `within` ("单位信息中没有这一项").
Error unknown_member(std::string_view field, std::string_view within = {});

}  // namespace sanfang::core
