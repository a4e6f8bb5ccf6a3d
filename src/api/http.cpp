#include "api/http.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>

namespace sanfang::api {

std::optional<std::string> HttpRequest::header(const std::string& lower_case_name) const {
  auto it = headers.find(lower_case_name);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> HttpRequest::query_value(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

HttpResponse json_response(int status, const std::string& json_text) {
  HttpResponse response;
  response.status = status;
  response.body = json_text;
  return response;
}

HttpResponse bytes_response(int status, std::string content_type, std::string body) {
  HttpResponse response;
  response.status = status;
  response.content_type = std::move(content_type);
  response.body = std::move(body);
  return response;
}

bool etag_matches(const HttpRequest& request, const std::string& etag) {
  const auto header = request.header("if-none-match");
  if (!header) return false;
  std::string_view list = *header;
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item == "*" || item == etag) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

bool is_accepted_body_type(const std::string& content_type) {
  static const std::set<std::string> accepted = {"application/json", "text/csv", "image/png", "image/jpeg",
                                                 "application/pdf", "application/octet-stream",
                                                 "multipart/form-data"};
  return accepted.count(media_type_of(content_type)) > 0;
}

std::string media_type_of(std::string_view content_type) {
  std::string media_type(content_type.substr(0, content_type.find(';')));
  media_type.erase(media_type.find_last_not_of(" \t") + 1);
  media_type.erase(0, media_type.find_first_not_of(" \t"));
  std::transform(media_type.begin(), media_type.end(), media_type.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return media_type;
}

HttpResponse file_response(std::string content_type, std::filesystem::path file) {
  HttpResponse response;
  response.content_type = std::move(content_type);
  response.file = std::move(file);
  return response;
}

std::string attachment_disposition(const std::string& ascii_fallback, const std::string& utf8_name) {
  std::string encoded;
  for (unsigned char c : utf8_name) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      encoded += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      encoded += buf;
    }
  }
  return "attachment; filename=\"" + ascii_fallback + "\"; filename*=UTF-8''" + encoded;
}

}  // namespace sanfang::api
