// Range requests for files sent from disk (RFC 9110 §14): a print job's PDF can be hundreds of
// MB, and a download cut off half-way resumes with `Range: bytes=<received>-` instead of starting
// over. One range per request; a request for several (multipart/byteranges) gets the whole file,
// which RFC 9110 §14.2 allows a server to answer instead. Routes never see this: the server
// applies it to every file response (HttpResponse::file).
#pragma once

#include "api/http.h"

#include <cstdint>
#include <optional>
#include <string>

namespace sanfang::api {

enum class RangeAnswer { Whole, Partial, Unsatisfiable };

struct RangeDecision {
  RangeAnswer answer = RangeAnswer::Whole;
  ByteRange range;  // for Partial
};

// What to send of a file of `size` bytes whose entity tag is `etag` (empty when it has none).
// The whole file when there is no Range, when it is malformed, names another unit or several
// ranges (§14.2: a server may ignore Range), or when If-Range names another version (§13.1.5:
// only a strong entity tag matches; a date never does, as these files carry none).
// Unsatisfiable when the one range starts at or after the end (`bytes=-0` included).
RangeDecision decide_range(const std::optional<std::string>& range, const std::optional<std::string>& if_range,
                           const std::string& etag, std::uintmax_t size);

// A file response as the request asked for it: every file answer says `Accept-Ranges: bytes`;
// a satisfiable GET range becomes 206 with Content-Range and `file_range` set; an unsatisfiable
// one becomes 416 with `Content-Range: bytes */<size>`. Anything else is returned unchanged.
HttpResponse with_byte_range(const HttpRequest& request, HttpResponse response);

}  // namespace sanfang::api
