// Content-addressed files for attachments (SPEC "Storage"): a file's name is the sha256 of its
// bytes, so the same upload is stored once and a reference can never point at changed content.
// put() makes the bytes durable (temp file, fsync, rename, fsync of the folder) before it returns,
// so a database transaction that references the blob commits only after the file is safe.
//
// The type is sniffed from the leading bytes (JPEG, PNG, PDF magic), never taken from a file name
// or a Content-Type header. This is a first gate only: fully decoding images and opening PDFs with
// Poppler to refuse files that merely start right is still to be added (issue 3).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "workflow/entities.h"

namespace sanfang::store {

struct BlobStoreOptions {
  std::filesystem::path directory;
  std::int64_t max_bytes = 10 * 1024 * 1024;  // SPEC/issue 3: at most 10 MB per upload
};

struct StoredBlob {
  std::string sha256;
  workflow::MediaType media_type = workflow::MediaType::Pdf;
  std::int64_t size = 0;
};

// JPEG (FF D8 FF), PNG (the 8-byte signature) or PDF ("%PDF-"); anything else is InvalidInput.
Result<workflow::MediaType> sniff_media_type(std::string_view bytes);

// The admission rule for any blob store: refuses empty or oversized content (TooLarge) and
// unknown types (InvalidInput); otherwise what the blob will be stored as.
Result<StoredBlob> admit_blob(std::string_view bytes, std::int64_t max_bytes);

// 64 lower-case hex digits: the only names a blob can have.
bool is_sha256_hex(std::string_view text);

// Reads a finished file that is to become a blob (a print job's PDF: no size limit) in pieces of
// `piece_bytes` — every piece full but the last — handed to `piece` in order, so that no more than
// one piece is ever in memory. Checks what its writer counted: InvalidInput for a malformed
// `sha256`, an empty file or an unknown type (sniffed from the first piece), Storage when the
// bytes hash to anything but `sha256`, Io when the file cannot be read.
Result<StoredBlob> read_blob_file(const std::filesystem::path& file, std::string_view sha256,
                                  std::size_t piece_bytes,
                                  const std::function<Status(std::string_view)>& piece);

class BlobStore {
 public:
  // Creates the directory when missing.
  static Result<BlobStore> open(BlobStoreOptions options);

  // Refuses empty or oversized content (TooLarge) and unknown types (InvalidInput), then writes.
  Result<StoredBlob> put(std::string_view bytes) const;
  // Takes `file` — whole, on this machine — in as the blob `sha256` (checked by read_blob_file)
  // without copying it: renamed into place (copied only across file systems) and made durable.
  // The file is gone afterwards; when the blob was there already, it is simply removed.
  Result<StoredBlob> adopt(const std::filesystem::path& file, std::string_view sha256) const;
  Result<std::string> read(std::string_view sha256) const;
  // Where the blob's file is, for sending it straight from disk; NotFound when there is none.
  Result<std::filesystem::path> file(std::string_view sha256) const;

 private:
  explicit BlobStore(BlobStoreOptions options) : m_options(std::move(options)) {}
  std::filesystem::path path_of(std::string_view sha256) const;
  BlobStoreOptions m_options;
};

}  // namespace sanfang::store
