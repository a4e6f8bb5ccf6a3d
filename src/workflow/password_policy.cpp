#include "workflow/password_policy.h"

#include "core/field_labels.h"
#include "core/validate.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <mutex>
#include <set>

namespace sanfang::workflow {

namespace {

// Long passwords that lead the leaked-password rankings of Chinese sites and are not words of
// the English list.
constexpr std::array kCommonChinesePasswords = {
    "woaini1314", "woaini520", "5201314520", "1314520520", "a123456789", "aa123456789",
    "qq123456789", "abc123456789", "1qaz2wsx3edc", "1q2w3e4r5t", "1q2w3e4r5t6y", "zxcvbnm123",
    "qwe123456789", "asd123456789", "woaiwojia", "iloveyou1314", "aini1314520", "wangyang123",
    "zhang123456", "li123456789",
};

constexpr std::size_t kMinNameToFind = 4;

// Runs along which a password counts as a trivial pattern, forwards or backwards.
constexpr std::array kSequences = {
    std::string_view("0123456789012345678901234567890123456789"),
    std::string_view("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"),
    std::string_view("qwertyuiopqwertyuiop"),
    std::string_view("asdfghjklasdfghjkl"),
    std::string_view("zxcvbnmzxcvbnm"),
    std::string_view("1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p"),
};

std::string lower_ascii(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

std::size_t code_points(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](unsigned char c) { return (c & 0xC0) != 0x80; }));
}

bool only_white_space(std::string_view text) {
  // ASCII white space and U+3000 IDEOGRAPHIC SPACE, which Chinese input methods type.
  while (!text.empty()) {
    if (text.starts_with("\xE3\x80\x80")) {
      text.remove_prefix(3);
    } else if (std::isspace(static_cast<unsigned char>(text.front()))) {
      text.remove_prefix(1);
    } else {
      return false;
    }
  }
  return true;
}

// The password without the digits and symbols added before and after a word ("Sunshine2024!"
// → "sunshine").
std::string core_word(const std::string& lower) {
  const auto is_letter = [](unsigned char c) { return std::isalpha(c) != 0 || c >= 0x80; };
  const auto first = std::find_if(lower.begin(), lower.end(), is_letter);
  const auto last = std::find_if(lower.rbegin(), lower.rend(), is_letter).base();
  return first < last ? std::string(first, last) : std::string();
}

bool trivial_pattern(const std::string& lower) {
  if (std::set<char>(lower.begin(), lower.end()).size() < 4) return true;
  for (std::string_view run : kSequences) {
    if (run.find(lower) != std::string_view::npos) return true;
    const std::string backwards(run.rbegin(), run.rend());
    if (backwards.find(lower) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

Result<std::shared_ptr<const CommonPasswords>> CommonPasswords::load(const std::filesystem::path& word_list) {
  std::ifstream in(word_list);
  if (!in) return Error::make(ErrorKind::Internal, "common-password list " + word_list.string() + " is unreadable");
  auto common = std::make_shared<CommonPasswords>();
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty()) common->m_words.insert(lower_ascii(line));
  }
  if (common->m_words.empty())
    return Error::make(ErrorKind::Internal, "common-password list " + word_list.string() + " is empty");
  for (const char* password : kCommonChinesePasswords) common->m_words.insert(password);
  return std::shared_ptr<const CommonPasswords>(std::move(common));
}

Result<std::shared_ptr<const CommonPasswords>> CommonPasswords::system() {
  static std::mutex mutex;
  static std::shared_ptr<const CommonPasswords> loaded;
  std::lock_guard lock(mutex);
  if (!loaded) loaded = TRY(load(kCommonPasswordFile));
  return loaded;
}

bool CommonPasswords::contains(std::string_view lower_case) const {
  return m_words.contains(std::string(lower_case));
}

Status check_password(const PasswordChoice& choice, const CommonPasswords& common, std::string_view field) {
  const std::string name(field);
  const std::string_view password = choice.password;
  // Blank first: the text policy refuses blank values too, but in words about form fields.
  if (only_white_space(password)) return Error::invalid(name, "密码不能只有空格");
  if (Status policy = core::check_text_policy(password, field, false); !policy)
    return core::labelled(policy.take_error());
  if (password.size() > kMaxPasswordBytes)
    return Error::invalid(name, "密码不能超过 " + std::to_string(kMaxPasswordBytes) + " 个字节");
  if (code_points(password) < kMinPasswordLength)
    return Error::invalid(name, "密码至少需要 " + std::to_string(kMinPasswordLength) + " 个字符");
  const std::string lower = lower_ascii(password);
  const std::string username = lower_ascii(choice.username);
  // A short name ("li") is part of too many good passwords to forbid containing it.
  const bool contains_name = username.size() >= kMinNameToFind && lower.find(username) != std::string::npos;
  if (!username.empty() && (lower == username || contains_name || username.find(lower) != std::string::npos))
    return Error::invalid(name, "密码不能包含用户名");
  if (choice.old_password && password == *choice.old_password)
    return Error::invalid(name, "新密码不能与原密码相同");
  const std::string word = core_word(lower);
  if (common.contains(lower) || (word.size() >= 4 && common.contains(word)))
    return Error::invalid(name, "密码过于常见，容易被猜中，请换一个");
  if (trivial_pattern(lower))
    return Error::invalid(name, "密码过于简单（重复字符或连续的数字、字母、键盘按键），请换一个");
  return {};
}

Status check_password(const PasswordChoice& choice, std::string_view field) {
  const auto common = TRY(CommonPasswords::system());
  return check_password(choice, *common, field);
}

}  // namespace sanfang::workflow
