// scripts/prepare-fonts.sh keeps of each Noto CJK face only what shapes horizontal zh-CN text:
// the ZHS language system and the features HarfBuzz applies by default. These tests shape every
// character a prepared face maps through it and through the Debian face it was made from, as
// the renderer shapes (language zh-CN, each script Pango may give a run), and require the same
// outlines and advances glyph for glyph.
#include "pdf_probe.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include <hb-ft.h>
#include <hb.h>

#include <catch2/catch.hpp>

#include <memory>
#include <set>
#include <utility>
#include <string>
#include <vector>

using sanfang::testing::FileFace;
using sanfang::testing::RenderFixture;

namespace {

// Where scripts/prepare-fonts.sh takes the faces from (fonts-noto-cjk), and the SC face's index.
constexpr const char* kDebianNoto = "/usr/share/fonts/opentype/noto/";
constexpr int kScFace = 2;

using BufferPtr = std::unique_ptr<hb_buffer_t, decltype(&hb_buffer_destroy)>;
using FontPtr = std::unique_ptr<hb_font_t, decltype(&hb_font_destroy)>;

// Every character the face maps, as UTF-32, controls left out.
std::vector<std::uint32_t> mapped_characters(FT_Face face) {
  std::vector<std::uint32_t> characters;
  FT_UInt glyph = 0;
  for (FT_ULong c = FT_Get_First_Char(face, &glyph); glyph != 0; c = FT_Get_Next_Char(face, c, &glyph)) {
    if (c >= 0x20 && !(c >= 0x7F && c < 0xA0)) characters.push_back(static_cast<std::uint32_t>(c));
  }
  return characters;
}

std::vector<hb_codepoint_t> shape(FT_Face face, const std::vector<std::uint32_t>& text, hb_script_t script) {
  FontPtr font(hb_ft_font_create_referenced(face), &hb_font_destroy);
  BufferPtr buffer(hb_buffer_create(), &hb_buffer_destroy);
  hb_buffer_add_utf32(buffer.get(), text.data(), static_cast<int>(text.size()), 0, -1);
  hb_buffer_set_direction(buffer.get(), HB_DIRECTION_LTR);
  hb_buffer_set_script(buffer.get(), script);
  hb_buffer_set_language(buffer.get(), hb_language_from_string("zh-cn", -1));
  // A common face lacks U+25CC, so HarfBuzz puts no dotted circle before a lone Hangul tone mark
  // where the Debian face gets one: a matter of the characters kept, not of the layout tables.
  hb_buffer_set_flags(buffer.get(), HB_BUFFER_FLAG_DO_NOT_INSERT_DOTTED_CIRCLE);
  hb_shape(font.get(), buffer.get(), nullptr, 0);
  unsigned count = 0;
  const hb_glyph_info_t* infos = hb_buffer_get_glyph_infos(buffer.get(), &count);
  std::vector<hb_codepoint_t> glyphs;
  for (unsigned i = 0; i < count; ++i) glyphs.push_back(infos[i].codepoint);
  return glyphs;
}

struct Outline {
  FT_Pos advance = 0;
  std::vector<FT_Vector> points;
  std::vector<char> tags;
  std::vector<short> contours;
  bool operator==(const Outline& other) const {
    if (advance < 0 || advance != other.advance || tags != other.tags || contours != other.contours) return false;
    for (std::size_t i = 0; i < points.size(); ++i) {
      if (points[i].x != other.points[i].x || points[i].y != other.points[i].y) return false;
    }
    return points.size() == other.points.size();
  }
};

// A glyph that cannot be loaded has no outline and an advance of -1: it matches nothing.
Outline outline_of(FT_Face face, hb_codepoint_t glyph) {
  Outline outline;
  if (FT_Load_Glyph(face, glyph, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING) != 0) {
    outline.advance = -1;
    return outline;
  }
  const FT_Outline& o = face->glyph->outline;
  outline.advance = face->glyph->metrics.horiAdvance;
  outline.points.assign(o.points, o.points + o.n_points);
  outline.tags.assign(o.tags, o.tags + o.n_points);
  outline.contours.assign(o.contours, o.contours + o.n_contours);
  return outline;
}

// How many glyphs of the prepared face's shaping differ from the Debian face's, over the scripts
// Pango may itemise the face's characters into.
int differing_glyphs(const std::string& prepared_file, const std::string& debian_file) {
  const FileFace prepared(prepared_file);
  const FileFace debian(debian_file, kScFace);
  const std::vector<std::uint32_t> text = mapped_characters(prepared.face);
  REQUIRE(text.size() > 8000);
  // Each pairing of a prepared glyph with a Debian glyph is compared once.
  std::set<std::pair<hb_codepoint_t, hb_codepoint_t>> pairs;
  for (hb_script_t script : {HB_SCRIPT_HAN, HB_SCRIPT_LATIN, HB_SCRIPT_HIRAGANA, HB_SCRIPT_HANGUL, HB_SCRIPT_GREEK,
                             HB_SCRIPT_CYRILLIC}) {
    const std::vector<hb_codepoint_t> ours = shape(prepared.face, text, script);
    const std::vector<hb_codepoint_t> theirs = shape(debian.face, text, script);
    REQUIRE(ours.size() == theirs.size());
    for (std::size_t i = 0; i < ours.size(); ++i) pairs.emplace(ours[i], theirs[i]);
  }
  int differing = 0;
  for (const auto& [ours, theirs] : pairs) {
    if (!(outline_of(prepared.face, ours) == outline_of(debian.face, theirs))) ++differing;
  }
  return differing;
}

// The project's Noto faces and the Debian collection each comes from.
struct Prepared {
  std::string file;
  std::string debian;
};

std::vector<Prepared> prepared_noto_faces() {
  std::vector<Prepared> faces;
  for (const auto& face : RenderFixture::get().fonts->faces()) {
    const std::string name = face.file.filename().string();  // e.g. NotoSerifCJKsc-Regular.common.otf
    const auto sc = name.find("CJKsc-");
    if (sc == std::string::npos) continue;
    const std::string weight = name.substr(sc + 6, name.find('.') - (sc + 6));
    faces.push_back({face.file.string(), kDebianNoto + name.substr(0, sc) + "CJK-" + weight + ".ttc"});
  }
  return faces;
}

}  // namespace

TEST_CASE("the prepared Noto faces shape zh-CN text glyph for glyph as the Debian faces they come from",
          "[fonts]") {
  const std::vector<Prepared> faces = prepared_noto_faces();
  REQUIRE(faces.size() == 8);  // Serif and Sans, Regular and Bold, full and common
  for (const Prepared& face : faces) {
    INFO(face.file << " against " << face.debian);
    CHECK(differing_glyphs(face.file, face.debian) == 0);
  }
}

TEST_CASE("the prepared faces leave out the forms of other languages and vertical text", "[fonts]") {
  for (const Prepared& face : prepared_noto_faces()) {
    INFO(face.file);
    const FileFace prepared(face.file);
    const FileFace debian(face.debian, kScFace);
    // The glyphs reached only through JAN/KOR/ZHT/ZHH `locl`, `aalt` or `vert` go: the full
    // faces keep about 45,000 of 65,000, and every character.
    CHECK(prepared.face->num_glyphs < debian.face->num_glyphs * 3 / 4);
    if (face.file.find(".common.") == std::string::npos) {
      CHECK(mapped_characters(prepared.face) == mapped_characters(debian.face));
    }
  }
}
