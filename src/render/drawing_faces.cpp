#include "render/drawing_faces.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <utility>

namespace sanfang::render {

namespace {

// A drawing face's FreeType objects and the mapped file they read. Each face has its own
// FreeType library, used by nothing else: cairo serialises its use of a face, not of a library.
class MappedFace {
 public:
  MappedFace() = default;
  MappedFace(const MappedFace&) = delete;
  MappedFace& operator=(const MappedFace&) = delete;
  ~MappedFace() {
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

}  // namespace

FT_Face drawing_face(const std::string& file, int index) {
  // Never destroyed: cairo may hold a face until the process ends (drawing_faces.h).
  static auto* const faces = new std::map<std::pair<std::string, int>, std::unique_ptr<MappedFace>>;
  static std::mutex lock;
  std::lock_guard guard(lock);
  auto [at, made] = faces->try_emplace({file, index});
  if (made) {
    auto face = std::make_unique<MappedFace>();
    if (face->open(file, index)) at->second = std::move(face);
  }
  return at->second ? at->second->face() : nullptr;
}

}  // namespace sanfang::render
