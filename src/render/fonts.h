// Fonts: the private font chain sanfang renders with, and the coverage check against it.
//
// FontSet is loaded once per process from fonts/fonts.json and is immutable afterwards: its
// fontconfig configuration holds only the project's files (never the host's fonts) and may be
// shared read-only between threads (FcConfig is reference-counted; fontconfig >= 2.10 is
// thread-safe). Pango objects are not shareable, so each render thread makes its own
// FontContext from the set (tech-notes §2.8): memory grows by one glyph cache per thread.
#pragma once

#include "core/result.h"
#include "render/handles.h"

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sanfang::render {

struct FontFace {
  std::string role;    // "body", "heading", "common", "fallback"
  std::string family;  // exact family name; the private config has no aliases
  std::filesystem::path file;
  // For a "common" face: the full family it is a subset of, and is tried before.
  std::string common_for;
};

class FontSet {
 public:
  // Reads `fonts_dir`/fonts.json and loads every face it lists. A missing or unreadable file is
  // an error naming it (the service refuses to start rather than print with a substitute).
  static Result<std::shared_ptr<const FontSet>> load(const std::filesystem::path& fonts_dir);

  const std::vector<FontFace>& faces() const { return m_faces; }
  // Families used when a style's own family lacks a character, in manifest order.
  const std::vector<std::string>& fallback_families() const { return m_fallbacks; }
  // The common-character family tried before `family`, or empty when it has none.
  //
  // Trade-off: a PDF embeds a subset of every face it uses, and cairo 1.16 pays for the size of
  // the whole face each time (it copies and parses the font program; its cmap walk is avoided by
  // drawing_faces.h), several ms per file for a 17 MB Noto face. A small face of the characters
  // agreements print almost always (scripts/prepare-fonts.sh) removes that cost; a rare character
  // still comes from the full face, and a document using one embeds subsets of both.
  std::string_view common_family_for(std::string_view family) const;
  FcConfig* config() const { return m_config.get(); }

  // True when some face of the chain has a glyph for `cp` (HarfBuzz cmap coverage).
  bool covers(char32_t cp) const;
  // Checks every character of `text`; an uncovered one is an error naming `field` and the code
  // point (U+XXXXX). Variation selectors and line breaks are not glyphs of their own and pass.
  Status check_coverage(std::string_view text, std::string_view field) const;

 private:
  std::vector<FontFace> m_faces;
  std::vector<std::string> m_fallbacks;
  std::vector<std::pair<std::string, std::string>> m_common;  // full family → common family
  FcConfigPtr m_config;
  HbSetPtr m_coverage;
};

// One thread's Pango font map and context over a FontSet, set up for print: 72 dpi (1 Pango
// point == 1 PDF point), unhinted metrics and unrounded glyph positions.
class FontContext {
 public:
  explicit FontContext(std::shared_ptr<const FontSet> fonts);
  PangoContext* pango() const { return m_context.get(); }
  const FontSet& fonts() const { return *m_fonts; }

 private:
  std::shared_ptr<const FontSet> m_fonts;
  FontMapPtr m_font_map;
  PangoContextPtr m_context;
};

}  // namespace sanfang::render
