#include "api/json_body.h"

#include "core/field_labels.h"

namespace sanfang::api {

Result<JsonBody> JsonBody::parse(std::string_view body, std::initializer_list<const char*> allowed) {
  JsonBody parsed;
  parsed.m_json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.m_json.is_discarded()) return Error::invalid("$", "请求体不是有效的 JSON");
  if (!parsed.m_json.is_object()) return Error::invalid("$", "请求体应为 JSON 对象");
  const std::set<std::string_view> names(allowed.begin(), allowed.end());
  for (auto it = parsed.m_json.begin(); it != parsed.m_json.end(); ++it) {
    if (!names.count(it.key())) return core::unknown_member(it.key());
  }
  return parsed;
}

const nlohmann::json* JsonBody::member(const char* name) const {
  auto it = m_json.find(name);
  if (it == m_json.end() || it->is_null()) return nullptr;
  return &*it;
}

Result<std::optional<std::string>> JsonBody::optional_string(const char* name) const {
  const nlohmann::json* v = member(name);
  if (!v) return std::optional<std::string>();
  if (!v->is_string()) return core::member_of_wrong_type(name, "文本");
  return std::optional<std::string>(v->get<std::string>());
}

Result<std::string> JsonBody::string(const char* name) const {
  auto value = TRY(optional_string(name));
  if (!value || value->empty()) return core::required_member(name);
  return *value;
}

Result<std::optional<std::int64_t>> JsonBody::optional_integer(const char* name) const {
  const nlohmann::json* v = member(name);
  if (!v) return std::optional<std::int64_t>();
  if (!v->is_number_integer()) return core::member_of_wrong_type(name, "整数");
  return std::optional<std::int64_t>(v->get<std::int64_t>());
}

Result<std::optional<bool>> JsonBody::optional_boolean(const char* name) const {
  const nlohmann::json* v = member(name);
  if (!v) return std::optional<bool>();
  if (!v->is_boolean()) return core::member_of_wrong_type(name, "是或否（布尔值）");
  return std::optional<bool>(v->get<bool>());
}

Result<std::optional<std::vector<std::string>>> JsonBody::optional_string_list(const char* name,
                                                                              std::string_view what) const {
  const nlohmann::json* v = member(name);
  if (!v) return std::optional<std::vector<std::string>>();
  if (!v->is_array()) return core::member_of_wrong_type(name, what);
  std::vector<std::string> list;
  for (std::size_t i = 0; i < v->size(); ++i) {
    if (!(*v)[i].is_string()) return core::member_of_wrong_type(std::string(name) + "[" + std::to_string(i) + "]", "文本");
    list.push_back((*v)[i].get<std::string>());
  }
  return std::optional<std::vector<std::string>>(std::move(list));
}

}  // namespace sanfang::api
