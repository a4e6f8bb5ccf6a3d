#include "api/list_query.h"

#include "core/field_labels.h"
#include "core/validate.h"

#include <charconv>

namespace sanfang::api {

Status refuse_unknown_parameters(const HttpRequest& request, const std::set<std::string>& known) {
  for (const auto& [name, value] : request.query)
    if (!known.contains(name)) return core::unknown_member(name, "query");
  return {};
}

Result<int> query_integer(const HttpRequest& request, const char* name, int fallback, int min, int max) {
  const auto text = request.query_value(name);
  if (!text) return fallback;
  int value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < min || value > max)
    return core::member_of_wrong_type(name, std::to_string(min) + " 到 " + std::to_string(max) + " 之间的整数");
  return value;
}

Result<std::optional<std::string>> query_term(const HttpRequest& request, const char* name) {
  const auto text = request.query_value(name);
  if (!text) return std::optional<std::string>();
  const auto first = text->find_first_not_of(' ');
  const std::string term =
      first == std::string::npos ? std::string() : text->substr(first, text->find_last_not_of(' ') - first + 1);
  if (term.empty()) return Error::invalid(name, core::field_label(name) + "不能为空");
  if (term.size() > kMaxSearchTermBytes)
    return Error::invalid(name, core::field_label(name) + "不能超过 " + std::to_string(kMaxSearchTermBytes) + " 个字节");
  return std::optional<std::string>(term);
}

Result<std::optional<int>> query_graduation_year(const HttpRequest& request, const char* name) {
  constexpr int kFirstYear = 2000;
  constexpr int kLastYear = 2100;
  if (!request.query_value(name)) return std::optional<int>();
  return std::optional<int>(TRY(query_integer(request, name, 0, kFirstYear, kLastYear)));
}

Result<Paging> query_paging(const HttpRequest& request) {
  Paging paging;
  paging.limit = TRY(query_integer(request, "limit", kDefaultPageSize, 1, kMaxPageSize));
  paging.offset = TRY(query_integer(request, "offset", 0, 0, 1'000'000'000));
  return paging;
}

}  // namespace sanfang::api
