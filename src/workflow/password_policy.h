// The password policy (SPEC "Accounts"): what a password chosen by a person must be. It applies
// wherever a password is chosen — the change at first login and later, an administrator's reset
// and `sanfang user add` — and nowhere else: a student's initial password (the last six
// characters of the resident ID number, SPEC seed rule) is not chosen, and must be changed at
// the first login, which is where this policy meets it.
//
// Rules, in the order the reasons are given:
//   - valid text (core::check_text_policy) of at most kMaxPasswordBytes;
//   - at least kMinPasswordLength characters, not only white space;
//   - not the user name, does not contain it, and is not contained in it (ignoring case);
//   - not the old password;
//   - not a common password: a word of the common-password list (Debian's cracklib word list,
//     /usr/share/dict/cracklib-small, plus the most common long passwords of Chinese sites,
//     which that list lacks), also when digits and symbols are only added before or after it;
//   - not a trivial pattern: fewer than 4 different characters, or a run along the alphabet,
//     the digits or a keyboard row (1234567890, abcdefghij, qwertyuiop).
// Trade-off: the list is a small dictionary rather than a breach corpus of millions of
// passwords; with 10 characters and the pattern rules it stops what people actually try first,
// while the service stays free of a large data file.
#pragma once

#include "core/result.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

namespace sanfang::workflow {

inline constexpr std::size_t kMinPasswordLength = 10;   // characters (code points)
inline constexpr std::size_t kMaxPasswordBytes = 128;   // bounds the hashing work per request
inline constexpr const char* kCommonPasswordFile = "/usr/share/dict/cracklib-small";

class CommonPasswords {
 public:
  // One word per line, compared in lower case. An unreadable file is an error: the policy would
  // otherwise pass weak passwords without saying so.
  static Result<std::shared_ptr<const CommonPasswords>> load(const std::filesystem::path& word_list);
  // kCommonPasswordFile, loaded once per process.
  static Result<std::shared_ptr<const CommonPasswords>> system();

  // `lower_case` is in the list.
  bool contains(std::string_view lower_case) const;

 private:
  std::unordered_set<std::string> m_words;
};

struct PasswordChoice {
  std::string_view password;
  std::string_view username;
  std::optional<std::string_view> old_password;  // set for a change
};

// InvalidInput naming `field`, with the reason in Chinese for the person choosing it.
Status check_password(const PasswordChoice& choice, const CommonPasswords& common, std::string_view field);

// The same against CommonPasswords::system().
Status check_password(const PasswordChoice& choice, std::string_view field);

}  // namespace sanfang::workflow
