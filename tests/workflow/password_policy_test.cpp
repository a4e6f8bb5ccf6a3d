// The password policy: length, white space, the user name, the old password, the common-password
// list and trivial patterns — each refused with its reason, naming the field.
#include "workflow/password_policy.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace sanfang;
using workflow::check_password;

namespace {

Status choose(std::string_view password, std::string_view username = "zhangwei",
              std::optional<std::string_view> old_password = std::nullopt) {
  return check_password({password, username, old_password}, "new_password");
}

std::string reason(const Status& status) {
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().kind == ErrorKind::InvalidInput);
  CHECK(status.error().field == "new_password");
  return status.error().message;
}

}  // namespace

TEST_CASE("a long, unusual password that is not the user name passes", "[workflow][password]") {
  CHECK(choose("Lanzhou-noodles-42").ok());
  CHECK(choose("correct horse battery").ok());
  CHECK(choose("我的密码是春天的梨花香").ok());  // ten Chinese characters
}

TEST_CASE("short, blank and overlong passwords are refused with the reason", "[workflow][password]") {
  CHECK(reason(choose("12345678")).find("至少需要 10 个字符") != std::string::npos);
  CHECK(reason(choose("Tr0ub4dor")).find("至少需要 10 个字符") != std::string::npos);
  CHECK(reason(choose("        ")).find("空格") != std::string::npos);
  CHECK(reason(choose("            ")).find("空格") != std::string::npos);
  CHECK(reason(choose("\xE3\x80\x80\xE3\x80\x80\xE3\x80\x80\xE3\x80\x80\xE3\x80\x80\xE3\x80\x80\xE3\x80\x80\xE3\x80\x80"
                      "\xE3\x80\x80\xE3\x80\x80"))
            .find("空格") != std::string::npos);
  CHECK(reason(choose(std::string(workflow::kMaxPasswordBytes + 1, 'x'))).find("128") != std::string::npos);
  CHECK_FALSE(choose("tab\there-and-there").ok());  // control characters: the text policy
}

TEST_CASE("the user name is refused as, inside or around the password, in any case", "[workflow][password]") {
  CHECK(reason(choose("zhangwei2024", "ZhangWei2024")).find("用户名") != std::string::npos);
  CHECK(reason(choose("ZHANGWEI-is-me", "zhangwei")).find("用户名") != std::string::npos);
  CHECK(reason(choose("college-reviewer", "college-reviewer-cs01")).find("用户名") != std::string::npos);
  // A two-letter name is part of too many good passwords to forbid.
  CHECK(choose("Lishui-river-bank", "li").ok());
}

TEST_CASE("the old password cannot be chosen again", "[workflow][password]") {
  CHECK(reason(choose("Lanzhou-noodles-42", "zhangwei", "Lanzhou-noodles-42")).find("原密码") != std::string::npos);
  CHECK(choose("Lanzhou-noodles-43", "zhangwei", "Lanzhou-noodles-42").ok());
}

TEST_CASE("common passwords and words with digits added are refused", "[workflow][password]") {
  for (const char* weak : {"password12", "Password2024!", "sunshine123", "iloveyou1314", "woaini1314",
                           "a123456789", "1qaz2wsx3edc", "12345678password"})
    CHECK(reason(choose(weak)).find("常见") != std::string::npos);
}

TEST_CASE("repeated characters and runs along the digits, alphabet or keyboard are refused", "[workflow][password]") {
  for (const char* weak : {"1234567890", "0987654321", "abcdefghijk", "qwertyuiop", "aaaaaaaaaa", "1212121212", "zxcvbnmzxc"})
    CHECK(reason(choose(weak)).find("过于简单") != std::string::npos);
}

TEST_CASE("a missing or empty common-password list is an error, not a silent pass", "[workflow][password]") {
  CHECK(workflow::CommonPasswords::load("/nonexistent/list").error().kind == ErrorKind::Internal);
  const auto empty = std::filesystem::temp_directory_path() / "sanfang-empty-word-list";
  std::ofstream(empty).close();
  CHECK_FALSE(workflow::CommonPasswords::load(empty).ok());
  std::filesystem::remove(empty);
}
