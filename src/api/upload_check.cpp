#include "api/upload_check.h"

#include "api/png_image.h"
#include "render/handles.h"
#include "render/preview.h"
#include "store/blob_store.h"

#include <png.h>
#include <poppler-document.h>
#include <poppler-page.h>

#include <algorithm>
#include <cmath>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

// libjpeg's headers need FILE and size_t declared first.
#include <jpeglib.h>
#include <jerror.h>

namespace sanfang::api {

namespace {

using workflow::MediaType;

// What people call each kind of upload.
const char* kind_of_file(MediaType type) {
  switch (type) {
    case MediaType::Jpeg: return "JPEG 图片";
    case MediaType::Png: return "PNG 图片";
    case MediaType::Pdf: return "PDF 文件";
  }
  return "文件";
}

Error damaged(MediaType type) {
  return Error::invalid("body", std::string("文件已损坏或不是有效的") + kind_of_file(type));
}

// Checked against the declared size, before any pixel is decoded.
Status check_dimensions(std::uint64_t width, std::uint64_t height) {
  if (width == 0 || height == 0) return Error::invalid("body", "图片的宽度或高度为 0");
  if (width > kMaxImageSide || height > kMaxImageSide || width * height > kMaxImagePixels)
    return Error::make(ErrorKind::TooLarge,
                       "图片尺寸过大（" + std::to_string(width) + "×" + std::to_string(height) +
                           " 像素）；请缩小到 4000 万像素、每边 " + std::to_string(kMaxImageSide) +
                           " 像素以内后再上传",
                       "body");
  return {};
}

// Where the decoders put the rows they decode: nowhere for a check (`RowSink*` null: each row
// overwrites the last), or into a thumbnail.
class RowSink {
 public:
  virtual ~RowSink() = default;
  // The size of the rows about to come (after the decoder's own scaling, if any).
  virtual void begin(std::uint32_t width, std::uint32_t height) = 0;
  // Where row `y` is decoded to, 4 bytes (R, G, B, A) per pixel; the same buffer for every pass
  // of an interlaced image, so that the last pass completes it.
  virtual unsigned char* row(std::uint32_t y) = 0;
};

// ---- PNG ------------------------------------------------------------------------------------------

// libpng reports errors through a callback that must not return: it jumps back to the setjmp in
// png_check(). Warnings are ignored, as cairo does: many good files draw one (an sRGB profile
// libpng knows to be slightly off), and damage to the image data is an error, not a warning.
struct PngInput {
  std::string_view bytes;
  std::size_t offset = 0;
};

void png_read_bytes(png_structp png, png_bytep data, png_size_t length) {
  auto* input = static_cast<PngInput*>(png_get_io_ptr(png));
  if (input->bytes.size() - input->offset < length) png_error(png, "truncated");
  std::memcpy(data, input->bytes.data() + input->offset, length);
  input->offset += length;
}

void png_fail(png_structp png, png_const_charp) { png_longjmp(png, 1); }

// Replaces libpng's default, which writes warnings to stderr.
void png_ignore_warning(png_structp, png_const_charp) {}

struct PngReadDestroyer {
  png_structp png = nullptr;
  png_infop info = nullptr;
  ~PngReadDestroyer() { png_destroy_read_struct(&png, info ? &info : nullptr, nullptr); }
};

enum class Decoded { Clean, Damaged, OverBudget };

// Reads the header, checks the declared size, then decodes every row (all passes of an
// interlaced image) into one row buffer — or, for a `sink`, as 8-bit RGBA into the sink's rows —
// and reads the end of the file. Nothing with a destructor is created between setjmp and the calls
// that may jump back to it.
Status png_check(std::string_view bytes, RowSink* sink = nullptr) {
  PngInput input{bytes};
  PngReadDestroyer handles;
  std::vector<png_byte> row;
  volatile png_uint_32 width = 0, height = 0;
  volatile Decoded outcome = Decoded::Damaged;
  handles.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &input, png_fail, png_ignore_warning);
  if (!handles.png) return Error::make(ErrorKind::Internal, "libpng failed to initialise");
  handles.info = png_create_info_struct(handles.png);
  if (!handles.info) return Error::make(ErrorKind::Internal, "libpng failed to initialise");
  if (setjmp(png_jmpbuf(handles.png)) == 0) {
    // libpng's own limits are opened up to the format's maximum so that the budget below, with
    // its clear message, decides; ancillary chunks (text, ICC profiles) stay capped at 8 MB.
    png_set_user_limits(handles.png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
    png_set_chunk_malloc_max(handles.png, 8 * 1024 * 1024);
    png_set_read_fn(handles.png, &input, png_read_bytes);
    png_read_info(handles.png, handles.info);
    width = png_get_image_width(handles.png, handles.info);
    height = png_get_image_height(handles.png, handles.info);
    if (!check_dimensions(width, height).ok()) {
      outcome = Decoded::OverBudget;
    } else {
      if (sink) {
        png_set_expand(handles.png);  // palette and low-depth grey to 8 bits, tRNS to alpha
        png_set_strip_16(handles.png);
        png_set_gray_to_rgb(handles.png);
        png_set_add_alpha(handles.png, 0xFF, PNG_FILLER_AFTER);
      }
      const int passes = png_set_interlace_handling(handles.png);
      png_read_update_info(handles.png, handles.info);
      row.resize(png_get_rowbytes(handles.png, handles.info));
      if (sink) sink->begin(width, height);
      for (int pass = 0; pass < passes; ++pass)
        for (png_uint_32 y = 0; y < height; ++y)
          png_read_row(handles.png, sink ? sink->row(y) : row.data(), nullptr);
      png_read_end(handles.png, nullptr);
      outcome = Decoded::Clean;
    }
  }
  if (outcome == Decoded::OverBudget) return check_dimensions(width, height);
  if (outcome == Decoded::Damaged) return damaged(MediaType::Png);
  return {};
}

// ---- JPEG -----------------------------------------------------------------------------------------

// libjpeg reports fatal errors through error_exit, which must not return: the standard pattern
// is a longjmp back to the decoder. Warnings (a truncated file is only a warning, the rest of the
// image is padded with grey) count as failures too, so a damaged file is refused.
struct JpegErrors {
  jpeg_error_mgr manager;
  std::jmp_buf escape;
  int warnings = 0;
  bool too_many_scans = false;
};

void jpeg_fail(j_common_ptr info) {
  std::longjmp(reinterpret_cast<JpegErrors*>(info->err)->escape, 1);
}

void jpeg_note(j_common_ptr info, int level) {
  if (level < 0) ++reinterpret_cast<JpegErrors*>(info->err)->warnings;
}

// libjpeg calls this while it reads the file; a progressive file with too many scans is stopped.
void jpeg_count_scans(j_common_ptr info) {
  auto* decompress = reinterpret_cast<j_decompress_ptr>(info);
  if (decompress->input_scan_number > kMaxJpegScans) {
    reinterpret_cast<JpegErrors*>(info->err)->too_many_scans = true;
    jpeg_fail(info);
  }
}

// The largest of libjpeg's scalings (1/8, 1/4, 1/2) that keeps the image at least `side` pixels
// on its longer side: a thumbnail needs no more, and the smaller decode is much cheaper.
unsigned int jpeg_scale_denominator(JDIMENSION width, JDIMENSION height, int side) {
  const JDIMENSION longer = std::max(width, height);
  for (unsigned int denominator : {8u, 4u, 2u})
    if (longer / denominator >= static_cast<JDIMENSION>(side)) return denominator;
  return 1;
}

// Decodes every scanline into one row — or, for a `sink`, as 8-bit RGBA into the sink's rows, at
// the smallest scale that still gives the sink `sink_side` pixels. No object with a destructor
// lives between setjmp and a longjmp: the row buffer comes from libjpeg's own pool, released by
// jpeg_destroy_decompress.
Status jpeg_check(std::string_view bytes, RowSink* sink = nullptr, int sink_side = 0) {
  jpeg_decompress_struct info;
  JpegErrors errors;
  jpeg_progress_mgr progress{};
  progress.progress_monitor = jpeg_count_scans;
  info.err = jpeg_std_error(&errors.manager);
  errors.manager.error_exit = jpeg_fail;
  errors.manager.emit_message = jpeg_note;
  volatile bool over_budget = false;
  volatile bool header_read = false;
  if (setjmp(errors.escape)) {
    const bool out_of_memory = errors.manager.msg_code == JERR_NO_BACKING_STORE ||
                               errors.manager.msg_code == JERR_OUT_OF_MEMORY;
    const JDIMENSION width = header_read ? info.image_width : 0, height = header_read ? info.image_height : 0;
    jpeg_destroy_decompress(&info);
    if (errors.too_many_scans)
      return Error::invalid("body", "JPEG 图片的扫描层数过多（超过 " + std::to_string(kMaxJpegScans) +
                                        " 层）；请用看图软件另存为普通 JPEG 后再上传");
    if (out_of_memory)
      return Error::make(ErrorKind::TooLarge,
                         "JPEG 图片解码所需内存过大（" + std::to_string(width) + "×" + std::to_string(height) +
                             " 像素）；请缩小或另存为普通 JPEG 后再上传",
                         "body");
    return damaged(MediaType::Jpeg);
  }
  jpeg_create_decompress(&info);
  info.progress = &progress;
  info.mem->max_memory_to_use = kMaxJpegDecodeBytes;
  jpeg_mem_src(&info, reinterpret_cast<const unsigned char*>(bytes.data()),
               static_cast<unsigned long>(bytes.size()));
  if (jpeg_read_header(&info, TRUE) != JPEG_HEADER_OK) {
    jpeg_destroy_decompress(&info);
    return damaged(MediaType::Jpeg);
  }
  header_read = true;
  over_budget = !check_dimensions(info.image_width, info.image_height).ok();
  if (over_budget) {
    const JDIMENSION width = info.image_width, height = info.image_height;
    jpeg_destroy_decompress(&info);
    return check_dimensions(width, height);
  }
  const bool cmyk = info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK;
  if (sink) {
    info.scale_num = 1;
    info.scale_denom = jpeg_scale_denominator(info.image_width, info.image_height, 2 * sink_side);
    info.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
  }
  jpeg_start_decompress(&info);
  JSAMPARRAY row = (*info.mem->alloc_sarray)(reinterpret_cast<j_common_ptr>(&info), JPOOL_IMAGE,
                                             info.output_width * info.output_components, 1);
  if (sink) sink->begin(info.output_width, info.output_height);
  while (info.output_scanline < info.output_height) {
    jpeg_read_scanlines(&info, row, 1);
    if (!sink) continue;
    unsigned char* out = sink->row(info.output_scanline - 1);
    for (JDIMENSION x = 0; x < info.output_width; ++x, out += 4) {
      const JSAMPLE* in = row[0] + x * info.output_components;
      if (cmyk) {
        // Adobe writes CMYK JPEGs inverted (255 = no ink), which is what libjpeg hands back.
        for (int c = 0; c < 3; ++c) out[c] = static_cast<unsigned char>(in[c] * in[3] / 255);
      } else {
        std::copy(in, in + 3, out);
      }
      out[3] = 0xFF;
    }
  }
  jpeg_finish_decompress(&info);
  const bool clean = errors.warnings == 0 && info.output_width > 0;
  jpeg_destroy_decompress(&info);
  if (!clean) return damaged(MediaType::Jpeg);
  return {};
}

// ---- PDF ------------------------------------------------------------------------------------------

Status pdf_check(std::string_view bytes) {
  std::lock_guard lock(render::poppler_mutex());
  // load_from_raw_data does not copy: `bytes` outlives the document within this function.
  std::unique_ptr<poppler::document> document(
      poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
  if (!document) return damaged(MediaType::Pdf);
  if (document->is_locked()) return Error::invalid("body", "PDF 文件已加密，请上传未加密的文件");
  const int pages = document->pages();
  if (pages < 1) return damaged(MediaType::Pdf);
  if (pages > kMaxPdfPages)
    return Error::make(ErrorKind::TooLarge,
                       "PDF 共 " + std::to_string(pages) + " 页，最多 " + std::to_string(kMaxPdfPages) + " 页",
                       "body");
  for (int index = 0; index < pages; ++index) {
    std::unique_ptr<poppler::page> page(document->create_page(index));
    if (!page) return damaged(MediaType::Pdf);
    const poppler::rectf box = page->page_rect(poppler::media_box);
    if (!(box.width() > 0 && box.height() > 0 && box.width() <= kMaxPdfPageSide && box.height() <= kMaxPdfPageSide))
      return Error::invalid("body", "PDF 第 " + std::to_string(index + 1) + " 页的页面尺寸异常");
  }
  return {};
}

// ---- thumbnails ----------------------------------------------------------------------------------

// Keeps the rows a thumbnail samples — twice its height, evenly spread, so that the final scaling
// filters vertically too — and lets every other row pass through one scratch row. Memory is
// bounded by the thumbnail, not the image: at most 2 × kThumbnailSide rows of the decoded width.
class ThumbnailRows final : public RowSink {
 public:
  explicit ThumbnailRows(int side) : m_side(side) {}

  void begin(std::uint32_t width, std::uint32_t height) override {
    m_width = width;
    const double scale = std::min(1.0, static_cast<double>(m_side) / std::max(width, height));
    const auto thumbnail_height = static_cast<std::uint32_t>(std::max(1.0, std::round(height * scale)));
    m_kept = std::min<std::uint32_t>(height, 2 * thumbnail_height);
    m_slot_of_row.assign(height, -1);
    for (std::uint32_t slot = 0; slot < m_kept; ++slot)
      m_slot_of_row[static_cast<std::size_t>((slot + 0.5) * height / m_kept)] = static_cast<std::int32_t>(slot);
    m_rows.assign(static_cast<std::size_t>(m_kept) * width * 4, 0xFF);
    m_scratch.assign(static_cast<std::size_t>(width) * 4, 0);
    m_thumbnail_width = static_cast<int>(std::max(1.0, std::round(width * scale)));
    m_thumbnail_height = static_cast<int>(thumbnail_height);
  }

  unsigned char* row(std::uint32_t y) override {
    const std::int32_t slot = y < m_slot_of_row.size() ? m_slot_of_row[y] : -1;
    if (slot < 0) return m_scratch.data();
    return m_rows.data() + static_cast<std::size_t>(slot) * m_width * 4;
  }

  // The kept rows scaled to the thumbnail, over white (transparent parts of a PNG show as paper).
  Result<std::string> png() const {
    if (m_kept == 0) return Error::make(ErrorKind::Render, "no rows decoded");
    render::SurfacePtr rows(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, static_cast<int>(m_width),
                                                       static_cast<int>(m_kept)));
    if (cairo_surface_status(rows.get()) != CAIRO_STATUS_SUCCESS)
      return Error::make(ErrorKind::Render, "cairo could not make the thumbnail's source");
    unsigned char* data = cairo_image_surface_get_data(rows.get());
    const int stride = cairo_image_surface_get_stride(rows.get());
    for (std::uint32_t y = 0; y < m_kept; ++y) {
      const unsigned char* in = m_rows.data() + static_cast<std::size_t>(y) * m_width * 4;
      auto* out = reinterpret_cast<std::uint32_t*>(data + static_cast<std::size_t>(y) * stride);
      for (std::uint32_t x = 0; x < m_width; ++x, in += 4) {
        // cairo's ARGB32 is premultiplied and native-endian.
        const std::uint32_t a = in[3];
        out[x] = a << 24 | (in[0] * a / 255) << 16 | (in[1] * a / 255) << 8 | in[2] * a / 255;
      }
    }
    cairo_surface_mark_dirty(rows.get());
    render::SurfacePtr thumbnail(cairo_image_surface_create(CAIRO_FORMAT_RGB24, m_thumbnail_width, m_thumbnail_height));
    render::CairoPtr cr(cairo_create(thumbnail.get()));
    cairo_set_source_rgb(cr.get(), 1, 1, 1);
    cairo_paint(cr.get());
    cairo_scale(cr.get(), static_cast<double>(m_thumbnail_width) / m_width,
                static_cast<double>(m_thumbnail_height) / m_kept);
    cairo_set_source_surface(cr.get(), rows.get(), 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr.get()), CAIRO_FILTER_GOOD);
    cairo_paint(cr.get());
    if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) return Error::make(ErrorKind::Render, "cairo could not scale");
    return encode_png(thumbnail.get());
  }

 private:
  int m_side;
  std::uint32_t m_width = 0, m_kept = 0;
  int m_thumbnail_width = 0, m_thumbnail_height = 0;
  std::vector<std::int32_t> m_slot_of_row;
  std::vector<unsigned char> m_rows, m_scratch;
};

// "image/png; charset=x" → "image/png"
std::string bare_media_type(const std::string& header) {
  std::string type = header.substr(0, header.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.pop_back();
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return type;
}

Status decodes(MediaType type, std::string_view bytes) {
  switch (type) {
    case MediaType::Png: return png_check(bytes);
    case MediaType::Jpeg: return jpeg_check(bytes);
    case MediaType::Pdf: return pdf_check(bytes);
  }
  return damaged(type);
}

}  // namespace

Result<workflow::MediaType> check_upload(jobs::RenderPool& pool, std::string_view bytes,
                                         const std::optional<std::string>& declared_type) {
  if (bytes.empty()) return Error::invalid("body", "上传的文件为空");
  if (bytes.size() > kMaxUploadBytes)
    return Error::make(ErrorKind::TooLarge, "上传的文件超过 10 MB", "body");
  auto sniffed = store::sniff_media_type(bytes);
  if (!sniffed) return Error::invalid("body", "只接受 JPEG、PNG 图片或 PDF 文件");
  const MediaType type = *sniffed;
  if (declared_type) {
    const std::string declared = bare_media_type(*declared_type);
    auto named = workflow::parse_media_type(declared);
    if (named && *named != type)
      return Error::invalid("Content-Type", std::string("文件内容是") + kind_of_file(type) + "，与声明的类型不符");
  }
  return pool.run<MediaType>([type, bytes](render::Renderer&) -> Result<MediaType> {
    TRY(decodes(type, bytes));
    return type;
  });
}

Result<std::string> thumbnail_png(jobs::RenderPool& pool, workflow::MediaType type, std::string_view bytes) {
  return pool.run<std::string>([type, bytes](render::Renderer&) -> Result<std::string> {
    if (type == MediaType::Pdf) return render::first_page_thumbnail_png(bytes, kThumbnailSide);
    ThumbnailRows rows(kThumbnailSide);
    TRY(type == MediaType::Png ? png_check(bytes, &rows) : jpeg_check(bytes, &rows, kThumbnailSide));
    return rows.png();
  });
}

}  // namespace sanfang::api
