// The names people read for request members (core/field_labels.h): printed fields by their rule's
// label, other members by the one table, list items by position; the messages built from them.
#include "core/field_labels.h"
#include "core/field_rules.h"

#include <catch2/catch.hpp>

using namespace sanfang;
using namespace sanfang::core;

TEST_CASE("a request member is named as the form names it", "[core][labels]") {
  CHECK(field_label("version") == "版本号");
  CHECK(field_label("uscc") == "统一社会信用代码");
  CHECK(field_label("name") == "单位名称");
  CHECK(field_label("profile.phone") == "单位联系电话");
  CHECK(field_label("basic.birth_date") == "出生日期");
  CHECK(field_label("archive.origin_region") == "生源地");
  CHECK(field_label("archive.unit") == "档案接收单位");
  CHECK(field_label("job.salary") == "薪酬待遇");
  CHECK(field_label("employer_opinion") == "用人单位意见");
  CHECK(field_label("copies[1]") == "联次第 2 项");
  CHECK(field_label("attachment_ids[0]") == "附件第 1 项");
}

TEST_CASE("every printed field is named by its rule's label", "[core][labels]") {
  for (const FieldRule& rule : field_rules()) CHECK(field_label(rule.path) == rule.label);
}

TEST_CASE("a member missing from the table shows as its key, so the API tests catch it", "[core][labels]") {
  CHECK(field_label("no_such_member") == "no_such_member");
}

TEST_CASE("required, wrong-type and unknown members read as whole sentences naming the member", "[core][labels]") {
  const Error missing = required_member("name");
  CHECK(missing.kind == ErrorKind::InvalidInput);
  CHECK(missing.field == "name");
  CHECK(missing.message == "单位名称为必填项");
  CHECK(required_member("version", "请提交读取协议时得到的版本号").message == "版本号为必填项：请提交读取协议时得到的版本号");
  CHECK(member_of_wrong_type("version", "整数").message == "版本号应为整数");
  CHECK(unknown_member("extra").message == "本表单中没有这一项，请检查后删除");
  CHECK(unknown_member("profile.colour", "profile").message == "单位信息中没有这一项，请检查后删除");
  CHECK(labelled(Error::invalid("reason", "不能只有空白字符")).message == "原因：不能只有空白字符");
  CHECK(labelled(Error::invalid("reason", "原因不能超过 500 个字")).message == "原因不能超过 500 个字");
}
