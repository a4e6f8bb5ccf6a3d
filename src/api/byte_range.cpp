#include "api/byte_range.h"

#include "api/problem.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <string_view>
#include <system_error>

namespace sanfang::api {
namespace {

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// 1*DIGIT (RFC 9110 §14.1.1); nullopt for anything else, an empty string or an overflow.
std::optional<std::uintmax_t> digits(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uintmax_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<std::string> header_value(const HttpResponse& response, std::string_view name) {
  for (const auto& [header, value] : response.headers) {
    if (header.size() != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < name.size() && same; ++i)
      same = std::tolower(static_cast<unsigned char>(header[i])) == std::tolower(static_cast<unsigned char>(name[i]));
    if (same) return value;
  }
  return std::nullopt;
}

}  // namespace

RangeDecision decide_range(const std::optional<std::string>& range, const std::optional<std::string>& if_range,
                           const std::string& etag, std::uintmax_t size) {
  const RangeDecision whole;
  if (!range) return whole;
  // §13.1.5: a weak tag or a date never matches, so the client gets the current file whole.
  if (if_range && (etag.empty() || trimmed(*if_range) != etag)) return whole;
  std::string_view spec = trimmed(*range);
  constexpr std::string_view kUnit = "bytes=";
  if (spec.size() < kUnit.size()) return whole;
  for (std::size_t i = 0; i < kUnit.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(spec[i])) != kUnit[i]) return whole;
  spec = trimmed(spec.substr(kUnit.size()));
  if (spec.find(',') != std::string_view::npos) return whole;
  const std::size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return whole;
  const std::string_view first_text = trimmed(spec.substr(0, dash));
  const std::string_view last_text = trimmed(spec.substr(dash + 1));

  RangeDecision decision;
  decision.answer = RangeAnswer::Partial;
  if (first_text.empty()) {
    // suffix-range: the last N bytes (§14.1.2).
    const auto suffix = digits(last_text);
    if (!suffix) return whole;
    if (*suffix == 0 || size == 0) return {RangeAnswer::Unsatisfiable, {}};
    const std::uintmax_t length = std::min(*suffix, size);
    decision.range = {size - length, length};
    return decision;
  }
  const auto first = digits(first_text);
  if (!first) return whole;
  std::uintmax_t last = size == 0 ? 0 : size - 1;
  if (!last_text.empty()) {
    const auto named_last = digits(last_text);
    if (!named_last || *named_last < *first) return whole;  // invalid range-spec: ignored
    last = std::min(last, *named_last);
  }
  if (*first >= size) return {RangeAnswer::Unsatisfiable, {}};
  decision.range = {*first, last - *first + 1};
  return decision;
}

HttpResponse with_byte_range(const HttpRequest& request, HttpResponse response) {
  if (response.file.empty() || response.status != 200) return response;
  response.with_header("Accept-Ranges", "bytes");
  if (request.method != "GET") return response;
  std::error_code error;
  const std::uintmax_t size = std::filesystem::file_size(response.file, error);
  if (error) return response;  // the server answers 404 for a file that is gone
  const RangeDecision decision =
      decide_range(request.header("range"), request.header("if-range"), header_value(response, "ETag").value_or(""), size);
  switch (decision.answer) {
    case RangeAnswer::Whole:
      return response;
    case RangeAnswer::Unsatisfiable:
      return problem_response(416, "range_not_satisfiable", "请求的字节范围超出文件长度（" + std::to_string(size) + " 字节）")
          .with_header("Content-Range", "bytes */" + std::to_string(size));
    case RangeAnswer::Partial:
      break;
  }
  response.status = 206;
  response.file_range = decision.range;
  response.with_header("Content-Range", "bytes " + std::to_string(decision.range.first) + "-" +
                                            std::to_string(decision.range.first + decision.range.length - 1) + "/" +
                                            std::to_string(size));
  return response;
}

}  // namespace sanfang::api
