// One file from a multipart/form-data body (RFC 7578), as an HTML form with
// enctype="multipart/form-data" sends it. The MIME structure is parsed by GMime, never by hand.
// Trade-off: the whole body is already in memory (the HTTP layer bounds it), so GMime reads it
// from a memory stream and the file is copied out once.
#pragma once

#include "core/result.h"

#include <string>
#include <string_view>

namespace sanfang::api {

// Whether `content_type` is multipart/form-data (parameters ignored).
bool is_multipart_form(std::string_view content_type);

// The bytes of the form field `field_name`, which must be a file. InvalidInput naming
// `field_name` when the body is not a well-formed form or has no such field.
Result<std::string> multipart_form_file(std::string_view content_type, std::string_view body,
                                        const std::string& field_name);

}  // namespace sanfang::api
