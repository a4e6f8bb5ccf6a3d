#include "api/upload_check.h"

#include "store/blob_store.h"

#include <cairo.h>
#include <poppler-document.h>
#include <poppler-page.h>

#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

// libjpeg's header needs FILE and size_t declared first.
#include <jpeglib.h>

namespace sanfang::api {

namespace {

struct SurfaceDestroyer {
  void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};

struct PngReader {
  std::string_view bytes;
  std::size_t offset = 0;
};

cairo_status_t read_png_bytes(void* closure, unsigned char* data, unsigned int length) {
  auto* reader = static_cast<PngReader*>(closure);
  if (reader->bytes.size() - reader->offset < length) return CAIRO_STATUS_READ_ERROR;
  std::memcpy(data, reader->bytes.data() + reader->offset, length);
  reader->offset += length;
  return CAIRO_STATUS_SUCCESS;
}

bool png_decodes(std::string_view bytes) {
  PngReader reader{bytes};
  std::unique_ptr<cairo_surface_t, SurfaceDestroyer> surface(
      cairo_image_surface_create_from_png_stream(read_png_bytes, &reader));
  return cairo_surface_status(surface.get()) == CAIRO_STATUS_SUCCESS &&
         cairo_image_surface_get_width(surface.get()) > 0;
}

// libjpeg reports fatal errors through error_exit, which must not return: the standard pattern
// is a longjmp back to the decoder. Warnings (a truncated file is only a warning, the rest of the
// image is padded with grey) count as failures too, so a damaged file is refused.
struct JpegErrors {
  jpeg_error_mgr manager;
  std::jmp_buf escape;
  int warnings = 0;
};

void jpeg_fail(j_common_ptr info) {
  std::longjmp(reinterpret_cast<JpegErrors*>(info->err)->escape, 1);
}

void jpeg_note(j_common_ptr info, int level) {
  if (level < 0) ++reinterpret_cast<JpegErrors*>(info->err)->warnings;
}

// Decodes every scanline. No object with a destructor lives between setjmp and a longjmp: the
// row buffer comes from libjpeg's own pool, released by jpeg_destroy_decompress.
bool jpeg_decodes(std::string_view bytes) {
  jpeg_decompress_struct info;
  JpegErrors errors;
  info.err = jpeg_std_error(&errors.manager);
  errors.manager.error_exit = jpeg_fail;
  errors.manager.emit_message = jpeg_note;
  if (setjmp(errors.escape)) {
    jpeg_destroy_decompress(&info);
    return false;
  }
  jpeg_create_decompress(&info);
  jpeg_mem_src(&info, reinterpret_cast<const unsigned char*>(bytes.data()),
               static_cast<unsigned long>(bytes.size()));
  if (jpeg_read_header(&info, TRUE) != JPEG_HEADER_OK) {
    jpeg_destroy_decompress(&info);
    return false;
  }
  jpeg_start_decompress(&info);
  JSAMPARRAY row = (*info.mem->alloc_sarray)(reinterpret_cast<j_common_ptr>(&info), JPOOL_IMAGE,
                                             info.output_width * info.output_components, 1);
  while (info.output_scanline < info.output_height) jpeg_read_scanlines(&info, row, 1);
  jpeg_finish_decompress(&info);
  const bool clean = errors.warnings == 0 && info.output_width > 0;
  jpeg_destroy_decompress(&info);
  return clean;
}

bool pdf_opens(std::string_view bytes) {
  std::unique_ptr<poppler::document> document(
      poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
  if (!document || document->is_locked() || document->pages() < 1) return false;
  std::unique_ptr<poppler::page> first(document->create_page(0));
  return first != nullptr;
}

// "image/png; charset=x" → "image/png"
std::string bare_media_type(const std::string& header) {
  std::string type = header.substr(0, header.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.pop_back();
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return type;
}

}  // namespace

Result<workflow::MediaType> check_upload(std::string_view bytes,
                                         const std::optional<std::string>& declared_type) {
  if (bytes.empty()) return Error::invalid("body", "上传的文件为空");
  if (bytes.size() > kMaxUploadBytes)
    return Error::make(ErrorKind::TooLarge, "上传的文件超过 10 MB", "body");
  auto sniffed = store::sniff_media_type(bytes);
  if (!sniffed) return Error::invalid("body", "只接受 JPEG、PNG 图片或 PDF 文件");
  const workflow::MediaType type = *sniffed;
  if (declared_type) {
    const std::string declared = bare_media_type(*declared_type);
    auto named = workflow::parse_media_type(declared);
    if (named && *named != type)
      return Error::invalid("Content-Type", "文件内容与声明的类型 " + declared + " 不符");
  }
  bool decodes = false;
  switch (type) {
    case workflow::MediaType::Png: decodes = png_decodes(bytes); break;
    case workflow::MediaType::Jpeg: decodes = jpeg_decodes(bytes); break;
    case workflow::MediaType::Pdf: decodes = pdf_opens(bytes); break;
  }
  if (!decodes) return Error::invalid("body", "文件已损坏或不是有效的 " + std::string(workflow::to_string(type)));
  return type;
}

}  // namespace sanfang::api
