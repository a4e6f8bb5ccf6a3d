// Who is calling: the bearer token of `Authorization: Bearer …` (a session token from login, or
// an API key of a portal or print-room service account) resolved to an account. Unknown,
// expired and malformed tokens get the same 401, so a token's existence never leaks.
#pragma once

#include "api/app.h"
#include "api/http.h"
#include "app/sign_in.h"
#include "core/result.h"
#include "workflow/entities.h"

#include <string>

namespace sanfang::api {

// The token from the Authorization header, or an Unauthorized error.
Result<std::string> bearer_token(const HttpRequest& request);

Result<workflow::Account> authenticate(App& app, const std::string& token);

// The answer that hands a new session over — {token, role, must_change_password} — for a password
// login and a WeChat sign-in alike.
HttpResponse session_response(const app::SignedIn& signed_in);

}  // namespace sanfang::api
