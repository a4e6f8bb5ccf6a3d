// Code lists (单位性质, 民族, 生源地 …): the agreement stores codes and prints labels. The lists
// are versioned data files under layouts/codes/ (format in layouts/codes/README.md), so a list
// can follow a new edition of its standard without a rebuild.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace sanfang::core {

struct CodeList {
  std::string name;     // "employer_nature": the file's base name, used to look the list up
  std::string title;    // "单位性质": names the list in error messages
  std::string version;  // the edition of the data, e.g. "2024-1"
  std::string source;   // the standard or document the codes follow
  std::vector<std::pair<std::string, std::string>> entries;  // code -> label, in file order

  // Label for a code, or Error::invalid(field, "未知的单位性质代码 \"77\"").
  Result<std::string> label(std::string_view code, std::string_view field) const;
};

class CodeLists {
 public:
  // Loads every *.json in `dir` (sorted by file name). Errors name the file.
  static Result<CodeLists> load(const std::filesystem::path& dir);

  const CodeList* find(std::string_view name) const;  // nullptr if absent
  const std::map<std::string, CodeList, std::less<>>& all() const;

 private:
  std::map<std::string, CodeList, std::less<>> m_lists;
};

}  // namespace sanfang::core
