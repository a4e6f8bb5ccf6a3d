#include "workflow/public_address.h"

#include "workflow/rule_support.h"

#include <algorithm>

namespace sanfang::workflow {

Result<std::string> validate_public_base(std::string_view url, std::string_view field) {
  const std::string name(field);
  const auto invalid = [&](const std::string& why) {
    return Error::invalid(name, "公开地址应为不带查询串和片段的 http(s) 绝对地址（" + why + "）");
  };
  if (std::any_of(url.begin(), url.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte <= 0x20 || byte == 0x7F;
      }))
    return invalid("含空白或控制字符");
  std::string_view rest;
  if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return invalid("须以 http:// 或 https:// 开头");
  }
  if (url.find_first_of("?#") != std::string_view::npos) return invalid("不能含 ? 或 #");
  const std::string_view authority = rest.substr(0, rest.find('/'));
  if (authority.empty() || authority.front() == ':') return invalid("缺少主机名");
  if (authority.find('@') != std::string_view::npos) return invalid("不能含用户信息");
  std::string normalised(url);
  while (normalised.back() == '/') normalised.pop_back();
  return normalised;
}

AuditEvent public_base_change(const std::string& old_url, const std::string& new_url, const Actor& by, Timestamp at) {
  return detail::make_event("school", "public_base", "set_public_base", by, at, old_url, new_url);
}

}  // namespace sanfang::workflow
