#include "cli/resources.h"

#include <cstdlib>

namespace sanfang::cli {

std::filesystem::path share_dir() {
  if (const char* env = std::getenv("SANFANG_SHARE"); env && *env) return env;
  return SANFANG_SHARE_DIR;
}

Result<Resources> load_resources(const ParsedArgs& args) {
  const auto share = share_dir();
  Resources r;
  const std::filesystem::path layout_file = args.get("--layout", (share / "layouts" / "default.json").string());
  r.fonts = TRY(render::FontSet::load(args.get("--fonts", (share / "fonts").string())));
  r.layout = std::make_shared<const render::LayoutSpec>(TRY(render::load_layout(layout_file)));
  r.codes = std::make_shared<const core::CodeLists>(TRY(core::CodeLists::load(share / "layouts" / "codes")));
  return r;
}

Result<core::VerificationKey> load_key(const ParsedArgs& args) {
  if (args.has("--key")) return core::VerificationKey::load_or_create(args.get("--key"));
  return core::VerificationKey::load_or_create(std::filesystem::path(args.get("--data", "data")) / "verification.key");
}

std::string public_base(const ParsedArgs& args) {
  if (args.has("--public-base")) return args.get("--public-base");
  if (const char* env = std::getenv("SANFANG_PUBLIC_BASE"); env && *env) return env;
  return render::RenderOptions{}.public_base_url;
}

}  // namespace sanfang::cli
