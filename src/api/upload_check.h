// Uploaded files are checked before anything is stored (issue 3): the type is sniffed from the
// bytes, never taken from a file name or header, and the file is really decoded — a PNG through
// Cairo, a JPEG through libjpeg, a PDF opened with Poppler — so a file that merely starts with the
// right magic bytes is refused. At most 10 MB (SPEC "Bad input").
#pragma once

#include "core/result.h"
#include "workflow/entities.h"

#include <optional>
#include <string>
#include <string_view>

namespace sanfang::api {

inline constexpr std::size_t kMaxUploadBytes = 10 * 1024 * 1024;

// The file's real type. `declared_type` is the request's Content-Type: when it names one of the
// accepted types it must agree with the bytes (application/octet-stream or none says nothing).
Result<workflow::MediaType> check_upload(std::string_view bytes,
                                         const std::optional<std::string>& declared_type);

}  // namespace sanfang::api
