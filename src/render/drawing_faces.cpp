#include "render/drawing_faces.h"

#include <cairo-ft.h>
#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <pango/pangocairo.h>
#include <pango/pangofc-font.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>

namespace sanfang::render {

namespace {

// A twin face's FreeType objects and the mapped file they read. Each twin has its own FreeType
// library: cairo may drop the last reference to a face on any thread, and a library must not be
// used by two threads at once.
class TwinFile {
 public:
  TwinFile() = default;
  TwinFile(const TwinFile&) = delete;
  TwinFile& operator=(const TwinFile&) = delete;
  ~TwinFile() {
    if (m_face) FT_Done_Face(m_face);
    if (m_library) FT_Done_FreeType(m_library);
    if (m_bytes != MAP_FAILED) munmap(m_bytes, m_size);
  }

  // Maps `file` copy-on-write, empties its cmap and opens face `index`.
  bool open(const std::string& file, int index) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat info {};
    if (fstat(fd, &info) == 0 && info.st_size > 0) {
      m_size = static_cast<std::size_t>(info.st_size);
      m_bytes = mmap(nullptr, m_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    }
    ::close(fd);
    if (m_bytes == MAP_FAILED || !empty_cmap()) return false;
    return FT_Init_FreeType(&m_library) == 0 &&
           FT_New_Memory_Face(m_library, static_cast<const FT_Byte*>(m_bytes), static_cast<FT_Long>(m_size), index,
                              &m_face) == 0;
  }

  FT_Face face() const { return m_face; }

 private:
  static std::uint32_t read32(const unsigned char* p) {
    return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3];
  }
  static void write32(unsigned char* p, std::uint32_t value) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<unsigned char>(value >> (24 - 8 * i));
  }

  // Replaces the cmap, in place, with one that maps nothing: a (3,1) format 4 subtable holding
  // only the final segment (OpenType spec, "cmap - Character to Glyph Index Mapping Table"). The
  // face keeps a Unicode cmap, so FreeType does not make one up from the CFF's charset (it does
  // for a face without any), and both of cairo's reverse lookups end at once.
  // A collection ('ttcf') is not handled: it has one directory per face.
  bool empty_cmap() {
    auto* bytes = static_cast<unsigned char*>(m_bytes);
    if (m_size < 12) return false;
    const std::uint32_t version = read32(bytes);
    if (version != 0x00010000 && version != 0x4F54544F /* OTTO */ && version != 0x74727565 /* true */) return false;
    const unsigned tables = unsigned(bytes[4]) << 8 | bytes[5];
    if (m_size < 12 + 16 * std::size_t(tables)) return false;
    static constexpr unsigned char kEmptyCmap[] = {
        0, 0, 0, 1,                    // version 0, one encoding record
        0, 3, 0, 1, 0, 0, 0, 12,       // Windows Unicode BMP, subtable at 12
        0, 4, 0, 24, 0, 0,             // format 4, length 24, language 0
        0, 2, 0, 2, 0, 0, 0, 0,        // segCountX2 2, searchRange 2, entrySelector 0, rangeShift 0
        0xFF, 0xFF, 0, 0, 0xFF, 0xFF,  // endCode, reservedPad, startCode
        0, 1, 0, 0,                    // idDelta 1 (0xFFFF -> glyph 0), idRangeOffset 0
    };
    for (unsigned i = 0; i < tables; ++i) {
      unsigned char* record = bytes + 12 + 16 * i;
      if (read32(record) != 0x636D6170 /* cmap */) continue;
      const std::size_t offset = read32(record + 8);
      const std::size_t length = read32(record + 12);
      if (length < sizeof kEmptyCmap || offset > m_size || m_size - offset < length) return false;
      std::memcpy(bytes + offset, kEmptyCmap, sizeof kEmptyCmap);
      write32(record + 12, sizeof kEmptyCmap);
      return true;
    }
    return false;
  }

  void* m_bytes = MAP_FAILED;
  std::size_t m_size = 0;
  FT_Library m_library = nullptr;
  FT_Face m_face = nullptr;
};

const cairo_user_data_key_t kTwinFileKey{};

}  // namespace

cairo_font_face_t* DrawingFaces::twin(const std::string& file, int index) {
  auto key = std::make_pair(file, index);
  if (auto found = m_twins.find(key); found != m_twins.end()) return found->second.get();
  FontFacePtr face;
  auto twin_file = std::make_unique<TwinFile>();
  if (twin_file->open(file, index)) {
    face.reset(cairo_ft_font_face_create_for_ft_face(twin_file->face(), 0));
    if (cairo_font_face_set_user_data(face.get(), &kTwinFileKey, twin_file.get(),
                                      [](void* p) { delete static_cast<TwinFile*>(p); }) == CAIRO_STATUS_SUCCESS) {
      twin_file.release();  // the face owns it now
    } else {
      face.reset();
    }
  }
  return m_twins.emplace(std::move(key), std::move(face)).first->second.get();
}

ScaledFontPtr DrawingFaces::scaled_font_for(PangoFont* font) {
  cairo_scaled_font_t* shaped = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(font));
  if (auto found = m_scaled.find(shaped); found != m_scaled.end())
    return ScaledFontPtr(cairo_scaled_font_reference(found->second.second.get()));

  ScaledFontPtr drawing;
  FcPattern* pattern = PANGO_IS_FC_FONT(font) ? pango_fc_font_get_pattern(PANGO_FC_FONT(font)) : nullptr;
  FcChar8* file = nullptr;
  int index = 0;
  FcBool embolden = FcFalse;
  FcMatrix* matrix = nullptr;
  const bool plain = pattern && FcPatternGetString(pattern, FC_FILE, 0, &file) == FcResultMatch &&
                     FcPatternGetInteger(pattern, FC_INDEX, 0, &index) == FcResultMatch &&
                     !(FcPatternGetBool(pattern, FC_EMBOLDEN, 0, &embolden) == FcResultMatch && embolden) &&
                     FcPatternGetMatrix(pattern, FC_MATRIX, 0, &matrix) != FcResultMatch;
  if (cairo_font_face_t* face = plain ? twin(reinterpret_cast<const char*>(file), index) : nullptr) {
    cairo_matrix_t font_matrix;
    cairo_matrix_t ctm;
    cairo_scaled_font_get_font_matrix(shaped, &font_matrix);
    cairo_scaled_font_get_ctm(shaped, &ctm);
    FontOptionsPtr options(cairo_font_options_create());
    cairo_scaled_font_get_font_options(shaped, options.get());
    drawing.reset(cairo_scaled_font_create(face, &font_matrix, &ctm, options.get()));
    if (cairo_scaled_font_status(drawing.get()) != CAIRO_STATUS_SUCCESS) drawing.reset();
  }
  if (!drawing) drawing.reset(cairo_scaled_font_reference(shaped));
  ScaledFontPtr result(cairo_scaled_font_reference(drawing.get()));
  m_scaled.emplace(shaped, std::make_pair(ScaledFontPtr(cairo_scaled_font_reference(shaped)), std::move(drawing)));
  return result;
}

}  // namespace sanfang::render
