#include "cli/commands.h"
#include "cli/resources.h"
#include "core/atomic_file.h"
#include "render/document.h"
#include "render/preview.h"
#include "render/renderer.h"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace sanfang::cli {

namespace {

int fail(const std::string& context, const Error& error) {
  std::fprintf(stderr, "sanfang render: %s%s\n", context.empty() ? "" : (context + ": ").c_str(), error.describe().c_str());
  return 1;
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::make(ErrorKind::Io, "cannot read file");
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace

int render_command(const std::vector<std::string>& raw_args) {
  auto parsed = parse_args(raw_args, {"-o", "--png", "--page", "--dpi", "--layout", "--fonts", "--data", "--key", "--public-base"}, {});
  if (!parsed) return fail("", parsed.error());
  const ParsedArgs& args = *parsed;
  if (args.positional.empty() || (!args.has("-o") && !args.has("--png"))) {
    std::fputs("usage: sanfang render IN.json [IN2.json ...] -o OUT.pdf [--png OUT.png --page N] [--dpi D]\n", stderr);
    return 2;
  }
  auto page = args.get_int("--page", 1);
  auto dpi = args.get_int("--dpi", 96);
  if (!page) return fail("", page.error());
  if (!dpi || *dpi < 18 || *dpi > 600) return fail("", Error::invalid("--dpi", "expects 18 to 600"));

  auto resources = load_resources(args);
  if (!resources) return fail("", resources.error());

  std::vector<render::AgreementDocument> documents;
  bool needs_key = false;
  for (const auto& input : args.positional) {
    auto text = read_file(input);
    if (!text) return fail(input, text.error());
    auto doc = render::parse_document(*text, *resources->codes);
    if (!doc) return fail(input, doc.error());
    needs_key |= !doc->is_preview();
    documents.push_back(std::move(*doc));
  }

  render::RenderOptions options;
  options.public_base_url = public_base(args);
  if (needs_key) {
    auto key = load_key(args);
    if (!key) return fail("", key.error());
    options.key = *key;
  }
  auto renderer = render::Renderer::create(resources->fonts, resources->layout, std::move(options));
  if (!renderer) return fail("", renderer.error());

  std::optional<core::AtomicFile> pdf_file;
  if (args.has("-o")) {
    auto file = core::AtomicFile::create(args.get("-o"));
    if (!file) return fail("", file.error());
    pdf_file.emplace(std::move(*file));
  }
  const bool keep_bytes = args.has("--png");
  std::string pdf;
  auto stream = (*renderer)->begin([&](std::string_view bytes) {
    if (keep_bytes) pdf.append(bytes);
    return !pdf_file || pdf_file->write(bytes);
  });
  if (!stream) return fail("", stream.error());
  for (std::size_t i = 0; i < documents.size(); ++i) {
    if (auto added = (*stream)->add(documents[i]); !added) return fail(args.positional[i], added.error());
  }
  if (auto finished = (*stream)->finish(); !finished) return fail("", finished.error());

  std::optional<core::AtomicFile> png_file;
  if (keep_bytes) {
    auto png = render::render_page_png(pdf, *page, *dpi);
    if (!png) return fail("--png", png.error());
    auto file = core::AtomicFile::create(args.get("--png"));
    if (!file) return fail("", file.error());
    png_file.emplace(std::move(*file));
    if (!png_file->write(*png)) return fail("", Error::make(ErrorKind::Io, "cannot write " + args.get("--png")));
  }
  // Commit only when everything succeeded: no half set of outputs.
  if (pdf_file) {
    if (auto committed = pdf_file->commit(); !committed) return fail("", committed.error());
  }
  if (png_file) {
    if (auto committed = png_file->commit(); !committed) return fail("", committed.error());
  }
  return 0;
}

}  // namespace sanfang::cli
