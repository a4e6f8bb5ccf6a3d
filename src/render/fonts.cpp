#include "render/fonts.h"

#include "core/validate.h"
#include "render/drawing_faces.h"

#include <fontconfig/fcfreetype.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>

namespace sanfang::render {

namespace {

bool is_exempt_from_coverage(char32_t cp) {
  return cp == U'\n' ||
         // HarfBuzz synthesises the typographic spaces (thin, hair, en, ...) from U+0020 when a
         // font has no glyph for them (hb-ot-shape-fallback); Noto CJK has no U+2009.
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F ||
         (cp >= 0xFE00 && cp <= 0xFE0F) ||     // variation selectors: shaped with their base
         (cp >= 0xE0100 && cp <= 0xE01EF);     // ideographic variation selectors (IVS)
}

// Adds the face to the private config, with the drawing face cairo is to read it through
// (drawing_faces.h). A common face is a subset of a full face and carries its names; fontconfig
// must know it by the manifest's family instead, so that it can be asked for apart. Its patterns
// (those this file added) are renamed in the application font set.
Status add_face(FcConfig* config, const FontFace& face) {
  const FcFontSet* before = FcConfigGetFonts(config, FcSetApplication);
  const int first = before ? before->nfont : 0;
  if (!FcConfigAppFontAddFile(config, reinterpret_cast<const FcChar8*>(face.file.c_str())))
    return Error::make(ErrorKind::Io, "fontconfig could not add " + face.file.string());
  FcFontSet* fonts = FcConfigGetFonts(config, FcSetApplication);
  if (!fonts || fonts->nfont == first) return Error::make(ErrorKind::Io, "fontconfig found no face in " + face.file.string());
  const auto* family = reinterpret_cast<const FcChar8*>(face.family.c_str());
  for (int i = first; i < fonts->nfont; ++i) {
    FcPattern* pattern = fonts->fonts[i];
    int index = 0;
    FcPatternGetInteger(pattern, FC_INDEX, 0, &index);
    if (FT_Face drawing = drawing_face(face.file.string(), index)) FcPatternAddFTFace(pattern, FC_FT_FACE, drawing);
    if (face.role != "common") continue;
    FcPatternDel(pattern, FC_FAMILY);
    FcPatternDel(pattern, FC_FAMILYLANG);
    FcPatternAddString(pattern, FC_FAMILY, family);
    FcPatternAddString(pattern, FC_FAMILYLANG, reinterpret_cast<const FcChar8*>("en"));
  }
  return {};
}

}  // namespace

Result<std::shared_ptr<const FontSet>> FontSet::load(const std::filesystem::path& fonts_dir) {
  const auto manifest_path = fonts_dir / "fonts.json";
  std::ifstream in(manifest_path);
  if (!in) {
    return Error::make(ErrorKind::Io, "font manifest not found: " + manifest_path.string());
  }
  nlohmann::json manifest = nlohmann::json::parse(in, nullptr, false);
  if (manifest.is_discarded() || !manifest.contains("faces") || !manifest["faces"].is_array()) {
    return Error::make(ErrorKind::Io, "font manifest is not valid: " + manifest_path.string());
  }

  auto set = std::make_shared<FontSet>();
  set->m_config.reset(FcConfigCreate());
  set->m_coverage.reset(hb_set_create());
  for (const auto& entry : manifest["faces"]) {
    if (!entry.is_object() || !entry.contains("role") || !entry.contains("family") ||
        !entry.contains("file")) {
      return Error::make(ErrorKind::Io, "font manifest entry lacks role/family/file: " +
                                            manifest_path.string());
    }
    FontFace face{entry["role"].get<std::string>(), entry["family"].get<std::string>(),
                  fonts_dir / entry["file"].get<std::string>(), {}};
    if (face.role == "common") {
      if (!entry.contains("for") || !entry["for"].is_string())
        return Error::make(ErrorKind::Io, "font manifest: a common face names the family it is \"for\": " +
                                              face.file.string());
      face.common_for = entry["for"].get<std::string>();
    }
    HbBlobPtr blob(hb_blob_create_from_file_or_fail(face.file.c_str()));
    if (!blob) {
      return Error::make(ErrorKind::Io, "font file missing or unreadable: " + face.file.string() +
                                            " (run scripts/prepare-fonts.sh)");
    }
    HbFacePtr hb_face(hb_face_create(blob.get(), 0));
    if (hb_face_get_glyph_count(hb_face.get()) == 0) {
      return Error::make(ErrorKind::Io, "not a usable font: " + face.file.string());
    }
    hb_face_collect_unicodes(hb_face.get(), set->m_coverage.get());
    TRY(add_face(set->m_config.get(), face));
    if (!face.common_for.empty() && set->common_family_for(face.common_for).empty())
      set->m_common.emplace_back(face.common_for, face.family);
    if (face.role == "fallback" && std::find(set->m_fallbacks.begin(), set->m_fallbacks.end(),
                                             face.family) == set->m_fallbacks.end()) {
      set->m_fallbacks.push_back(face.family);
    }
    set->m_faces.push_back(std::move(face));
  }
  if (set->m_faces.empty()) {
    return Error::make(ErrorKind::Io, "font manifest lists no faces: " + manifest_path.string());
  }
  return std::shared_ptr<const FontSet>(std::move(set));
}

std::string_view FontSet::common_family_for(std::string_view family) const {
  for (const auto& [full, common] : m_common)
    if (full == family) return common;
  return {};
}

bool FontSet::covers(char32_t cp) const { return hb_set_has(m_coverage.get(), cp); }

Status FontSet::check_coverage(std::string_view text, std::string_view field) const {
  auto code_points = TRY(core::decode_utf8(text, field));
  for (char32_t cp : code_points) {
    if (!is_exempt_from_coverage(cp) && !covers(cp)) {
      return Error::make(ErrorKind::FontCoverage,
                         "字体无法显示字符 " + core::format_code_point(cp), std::string(field));
    }
  }
  return {};
}

FontContext::FontContext(std::shared_ptr<const FontSet> fonts) : m_fonts(std::move(fonts)) {
  m_font_map.reset(pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT));
  // Takes its own reference to the config (Pango >= 1.38).
  pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(m_font_map.get()), m_fonts->config());
  pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(m_font_map.get()), 72.0);

  m_context.reset(pango_font_map_create_context(m_font_map.get()));
  pango_context_set_language(m_context.get(), pango_language_from_string("zh-cn"));
  pango_context_set_round_glyph_positions(m_context.get(), FALSE);
  FontOptionsPtr options(cairo_font_options_create());
  cairo_font_options_set_hint_metrics(options.get(), CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(options.get(), CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options(m_context.get(), options.get());
}

}  // namespace sanfang::render
