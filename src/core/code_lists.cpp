#include "core/code_lists.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <set>

#include <nlohmann/json.hpp>

#include "core/validate.h"

namespace sanfang::core {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// A broken data file is the deployment's fault, not the caller's: Internal, never InvalidInput.
Error file_error(const fs::path& file, const std::string& what) {
  return Error::make(ErrorKind::Internal, "代码表文件 " + file.string() + "：" + what);
}

// Codes are short ASCII identifiers ("01", "9A", "110000"), stored as strings so leading zeros
// survive.
bool is_code_syntax(std::string_view code) {
  if (code.empty()) return false;
  return std::all_of(code.begin(), code.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  });
}

// Echoing the caller's text back is only safe when it cannot carry invalid UTF-8 or controls into
// a JSON error body or a log line.
bool is_safe_to_echo(std::string_view text) {
  return !text.empty() && text.size() <= 32 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c > 0x20 && c < 0x7F; });
}

Status check_keys(const json& object, const std::set<std::string_view>& allowed,
                  const fs::path& file, std::string_view where) {
  for (const auto& [key, value] : object.items()) {
    if (!allowed.contains(key)) {
      return file_error(file, std::string(where) + "含有未知的键 \"" + key + "\"");
    }
  }
  return {};
}

Result<std::string> required_string(const json& object, const char* key, const fs::path& file,
                                    std::string_view where) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    return file_error(file, std::string(where) + "缺少非空字符串 \"" + key + "\"");
  }
  return it->get<std::string>();
}

Result<CodeList> load_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Error::make(ErrorKind::Io, "无法读取代码表文件 " + file.string());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Error::make(ErrorKind::Io, "无法读取代码表文件 " + file.string());

  json document;
  try {
    document = json::parse(text);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for a number beyond double
    return file_error(file, std::string("不是有效的JSON（") + e.what() + "）");
  }
  if (!document.is_object()) return file_error(file, "顶层应为JSON对象");
  TRY(check_keys(document, {"name", "title", "version", "source", "codes"}, file, "顶层"));

  CodeList list;
  list.name = TRY(required_string(document, "name", file, "顶层"));
  list.title = TRY(required_string(document, "title", file, "顶层"));
  list.version = TRY(required_string(document, "version", file, "顶层"));
  list.source = TRY(required_string(document, "source", file, "顶层"));
  // The file name is how layouts refer to a list; a differing "name" would make it unreachable.
  if (list.name != file.stem().string()) {
    return file_error(file, "\"name\" 应与文件名一致（\"" + file.stem().string() + "\"）");
  }

  auto codes = document.find("codes");
  if (codes == document.end() || !codes->is_array() || codes->empty()) {
    return file_error(file, "缺少非空数组 \"codes\"");
  }
  std::set<std::string, std::less<>> seen;
  for (std::size_t i = 0; i < codes->size(); ++i) {
    const json& entry = (*codes)[i];
    std::string where = "codes[" + std::to_string(i) + "]";
    if (!entry.is_object()) return file_error(file, where + "应为JSON对象");
    TRY(check_keys(entry, {"code", "label"}, file, where));
    std::string code = TRY(required_string(entry, "code", file, where));
    std::string label = TRY(required_string(entry, "label", file, where));
    if (!is_code_syntax(code)) return file_error(file, where + "的代码只能由字母和数字组成");
    // Labels are printed on the agreement, so they obey the same text policy as user input.
    if (Status policy = check_text_policy(label, where + ".label", false); !policy.ok()) {
      return file_error(file, policy.error().describe());
    }
    if (!seen.insert(code).second) return file_error(file, "代码 \"" + code + "\" 重复");
    list.entries.emplace_back(std::move(code), std::move(label));
  }
  return list;
}

}  // namespace

Result<std::string> CodeList::label(std::string_view code, std::string_view field) const {
  for (const auto& [entry_code, entry_label] : entries) {
    if (entry_code == code) return entry_label;
  }
  std::string message = "未知的" + title + "代码";
  if (is_safe_to_echo(code)) message += " \"" + std::string(code) + "\"";
  return Error::invalid(std::string(field), std::move(message));
}

Result<CodeLists> CodeLists::load(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Error::make(ErrorKind::Io, "代码表目录不存在：" + dir.string());
  }
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".json" && it->is_regular_file(ec)) files.push_back(it->path());
  }
  if (ec) return Error::make(ErrorKind::Io, "无法读取代码表目录 " + dir.string() + "：" + ec.message());
  if (files.empty()) return Error::make(ErrorKind::Io, "代码表目录中没有 .json 文件：" + dir.string());
  // Sorted so that the first error reported is the same on every machine.
  std::sort(files.begin(), files.end());

  CodeLists lists;
  for (const fs::path& file : files) {
    CodeList list = TRY(load_file(file));
    std::string name = list.name;
    lists.m_lists.emplace(std::move(name), std::move(list));
  }
  return lists;
}

const CodeList* CodeLists::find(std::string_view name) const {
  auto it = m_lists.find(name);
  return it == m_lists.end() ? nullptr : &it->second;
}

const std::map<std::string, CodeList, std::less<>>& CodeLists::all() const { return m_lists; }

}  // namespace sanfang::core
