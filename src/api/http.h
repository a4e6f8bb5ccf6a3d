// The HTTP layer's own request and response values. Handlers see these, never Pistache types,
// so route code reads as plain functions and tests can call handlers without a socket.
#pragma once

#include "core/result.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sanfang::api {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // without the query string
  std::map<std::string, std::string> params;  // route parameters, without the ':' ("id" → "42")
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string route;  // the matched route pattern, for metrics ("/api/v1/agreements/:id")
  std::string peer_address;  // the TCP peer ("203.0.113.7", "::1"); see client_address.h

  std::optional<std::string> header(const std::string& lower_case_name) const;
  std::optional<std::string> query_value(const std::string& name) const;
};

// Bytes [first, first + length) of a file (a 206 answer, see byte_range.h).
struct ByteRange {
  std::uintmax_t first = 0;
  std::uintmax_t length = 0;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (ETag, Content-Disposition, ...)
  // When set, the body is this file, sent from disk (a print job's PDF can be hundreds of MB).
  std::filesystem::path file;
  // When set, only these bytes of `file` are sent (status 206).
  std::optional<ByteRange> file_range;
  // When set, the body is made piece by piece and sent as it is made (chunked transfer coding),
  // so that a long export never sits in memory whole. Each call returns the next piece, an empty
  // string at the end, or an error: the connection is then closed without the last chunk, so the
  // client sees a cut-off transfer rather than a file that looks complete.
  std::function<Result<std::string>()> body_pieces;

  HttpResponse& with_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

// RFC 9110 §13.1.2: whether the request's If-None-Match ("*" or a comma-separated list of
// possibly weak entity tags) names `etag`, so the answer is 304.
bool etag_matches(const HttpRequest& request, const std::string& etag);

HttpResponse json_response(int status, const std::string& json_text);
HttpResponse bytes_response(int status, std::string content_type, std::string body);
HttpResponse file_response(std::string content_type, std::filesystem::path file);

// The media type of a Content-Type value, without parameters, trimmed and lower-cased:
// "Multipart/Form-Data; boundary=x" → "multipart/form-data".
std::string media_type_of(std::string_view content_type);

// Whether a request body declared as `content_type` is a kind this API reads at all: JSON, a
// student list (CSV), an upload (PNG, JPEG, PDF, or octet-stream for "let the bytes tell") or a
// file sent from an HTML form (multipart/form-data, the public document check). Anything else
// (url-encoded forms, XML, plain text) answers 415 before any handler runs; which of these a
// given route takes is that route's own check.
bool is_accepted_body_type(const std::string& content_type);

// RFC 6266/5987 attachment disposition for a UTF-8 (Chinese) file name, with an ASCII fallback.
std::string attachment_disposition(const std::string& ascii_fallback, const std::string& utf8_name);

}  // namespace sanfang::api
