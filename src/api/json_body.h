// Reading JSON request bodies strictly: malformed JSON, a body that is not an object, an unknown
// member (a misspelt field would otherwise be silently ignored) and a member of the wrong type
// are all InvalidInput errors naming the member — 400 with the field, and nothing changed. The
// detail names the member as people know it (core/field_labels.h: "版本号应为整数").
#pragma once

#include "core/result.h"

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace sanfang::api {

class JsonBody {
 public:
  // Parses `body` and refuses members outside `allowed`.
  static Result<JsonBody> parse(std::string_view body, std::initializer_list<const char*> allowed);

  Result<std::string> string(const char* name) const;  // required, non-empty
  Result<std::optional<std::string>> optional_string(const char* name) const;
  Result<std::optional<std::int64_t>> optional_integer(const char* name) const;
  Result<std::optional<bool>> optional_boolean(const char* name) const;
  // An array of strings; `what` names the list in the error ("协议编号的列表").
  Result<std::optional<std::vector<std::string>>> optional_string_list(const char* name, std::string_view what) const;
  const nlohmann::json* member(const char* name) const;  // nullptr when absent or null
  const nlohmann::json& json() const { return m_json; }

 private:
  nlohmann::json m_json;
};

}  // namespace sanfang::api
