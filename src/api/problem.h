// Errors as HTTP answers: the one place where error kinds become status codes and
// application/problem+json bodies (RFC 9457). Nothing else in the API chooses an error status.
#pragma once

#include "api/http.h"
#include "core/result.h"

#include <nlohmann/json.hpp>

#include <map>
#include <string>

namespace sanfang::api {

// ErrorKind → HTTP status:
//   InvalidInput 400, FontCoverage and Overflow 422 (well-formed but cannot be printed),
//   Unauthorized 401, Forbidden 403, NotFound 404, Conflict 409, TooLarge 413, TooManyRequests 429
//   (the caller adds Retry-After: only it knows when the client's window ends), Busy 503,
//   Storage/Io/Render/Internal 500 (with a generic detail: internals never reach a client).
int http_status(ErrorKind kind);

// {type, title, status, detail, field?, current_state?} as application/problem+json (request_id is
// added by dispatch, see with_request_id).
HttpResponse problem_response(const Error& error);
// The same with extension members, e.g. {"current_state": "signed"} on a 409.
HttpResponse problem_response(const Error& error, const nlohmann::json& extensions);

// A problem with an explicit machine-readable type ("password_change_required", "captcha_required").
HttpResponse problem_response(int status, const std::string& type, const std::string& detail,
                              const std::string& field = {});

// The request id a response carries: the X-Request-Id header and, in a problem+json body, the
// member "request_id", so that a client quoting either is found in the log.
HttpResponse with_request_id(HttpResponse response, const std::string& request_id);

}  // namespace sanfang::api
