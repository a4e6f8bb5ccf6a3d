// The login captcha (SPEC "Accounts": required after 3 failed logins): a short random text from an
// alphabet without look-alike characters, drawn by the service as a PNG with Cairo and Pango over
// the project's own fonts, with noise lines. Only the drawing lives here: the answer is kept as a
// digest, for 5 minutes, and checked once, by app/sign_in.h.
#pragma once

#include "core/result.h"
#include "jobs/render_pool.h"
#include "render/fonts.h"

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace sanfang::api::captcha {

// No 0/O, 1/I/L, 2/Z, 5/S, 8/B: letters a reader could confuse are left out.
inline constexpr std::string_view kAlphabet = "ACDEFGHJKMNPQRTUVWXY34679";

// 4 or 5 characters of kAlphabet, from libsodium's CSPRNG.
std::string random_text();

// The text drawn as a 160×60 PNG: each character in its own colour and angle, over noise lines
// and dots (positions from libsodium's CSPRNG). Drawn with `fonts`' font map (loading the CJK
// fonts per image cost more than the drawing) in a Pango context of its own, so the caller's
// context keeps its print settings.
Result<std::string> render_png(const render::FontContext& fonts, std::string_view text);

// The same on a render thread of `pool`, with that thread's font map; Busy when its queue is full.
// The captcha is public, so its drawing must stay bounded like any other rendering.
Result<std::string> render_png(jobs::RenderPool& pool, std::string_view text);

}  // namespace sanfang::api::captcha
