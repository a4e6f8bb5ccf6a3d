// Where sanfang finds its layouts, code lists and fonts, and loading them once at start-up
// (font loading costs 100–300 ms: never per request).
#pragma once

#include "cli/options.h"
#include "core/code_lists.h"
#include "core/result.h"
#include "core/verification_token.h"
#include "render/fonts.h"
#include "render/layout_spec.h"
#include "render/renderer.h"

#include <filesystem>
#include <memory>

namespace sanfang::cli {

struct Resources {
  std::shared_ptr<const render::FontSet> fonts;
  std::shared_ptr<const render::LayoutSpec> layout;
  std::shared_ptr<const core::CodeLists> codes;
};

// The folder holding layouts/ and fonts/: $SANFANG_SHARE, else the source tree built from.
std::filesystem::path share_dir();

// Options every rendering command takes: --layout FILE, --fonts DIR.
Result<Resources> load_resources(const ParsedArgs& args);

// --key FILE, else DATA/verification.key (created, mode 0600, on first use), DATA = --data or ./data.
Result<core::VerificationKey> load_key(const ParsedArgs& args);

// --public-base URL, else $SANFANG_PUBLIC_BASE, else the default local service address.
std::string public_base(const ParsedArgs& args);

}  // namespace sanfang::cli
