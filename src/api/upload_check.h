// Uploaded files are checked before anything is stored (issue 3): the type is sniffed from the
// bytes, never taken from a file name or header, and the file is really decoded — a PNG through
// libpng, a JPEG through libjpeg, a PDF opened with Poppler — so a file that merely starts with the
// right magic bytes is refused. At most 10 MB (SPEC "Bad input").
//
// Decompression bombs: a small file can declare an enormous image (a 64 KB PNG of 100000 ×
// 100000 pixels). The declared size is read from the PNG header (IHDR) or the JPEG frame header
// (SOF) and checked against a pixel budget before any pixel is decoded; within the budget images
// are decoded row by row (never a whole bitmap), libjpeg's memory is capped (progressive JPEGs
// keep all coefficients) and the number of progressive scans is limited. PDFs are opened under
// the process-wide Poppler lock, with limits on the page count and the page size.
//
// Reviewers see a stored upload as a small PNG thumbnail first: an image scaled to fit
// kThumbnailSide, a PDF its first page. Images are decoded by the same decoders as the check,
// row by row, keeping only the rows the thumbnail samples; JPEGs are decoded at libjpeg's 1/8,
// 1/4 or 1/2 scale when that still gives enough pixels.
//
// The decoding runs on the render pool's threads, never on the request thread, and is refused
// with Busy when that pool's queue is full.
#pragma once

#include "core/result.h"
#include "jobs/render_pool.h"
#include "workflow/entities.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sanfang::api {

inline constexpr std::size_t kMaxUploadBytes = 10 * 1024 * 1024;
// A 40 MP image is a 300-dpi scan of an A2 sheet, well above any phone photo of a letter.
inline constexpr std::uint64_t kMaxImagePixels = 40'000'000;
inline constexpr std::uint32_t kMaxImageSide = 20'000;
// libjpeg's working memory per image: a progressive 40 MP colour JPEG needs about 120 MB.
inline constexpr long kMaxJpegDecodeBytes = 256L * 1024 * 1024;
// Progressive JPEGs from cameras and editors have about 10 scans; thousands of tiny scans make
// each decode loop over the whole image again.
inline constexpr int kMaxJpegScans = 64;
inline constexpr int kMaxPdfPages = 50;
// A PDF page is at most 200 inches (14400 pt) a side (ISO 32000-1, Annex C).
inline constexpr double kMaxPdfPageSide = 14400;
// A thumbnail's longer side, in pixels.
inline constexpr int kThumbnailSide = 200;

// The file's real type. `declared_type` is the request's Content-Type: when it names one of the
// accepted types it must agree with the bytes (application/octet-stream or none says nothing).
// InvalidInput for a wrong or damaged file, TooLarge for one over a size limit.
Result<workflow::MediaType> check_upload(jobs::RenderPool& pool, std::string_view bytes,
                                         const std::optional<std::string>& declared_type);

// The thumbnail of an upload that passed check_upload, as PNG bytes.
Result<std::string> thumbnail_png(jobs::RenderPool& pool, workflow::MediaType type, std::string_view bytes);

}  // namespace sanfang::api
