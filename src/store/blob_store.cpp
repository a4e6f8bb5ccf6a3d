#include "store/blob_store.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

#include "core/atomic_file.h"
#include "store/private_files.h"
#include "store/secrets.h"

namespace sanfang::store {
namespace {

Error io_error(const std::string& what, const std::filesystem::path& path) {
  return Error::make(ErrorKind::Io, what + " " + path.string() + ": " + std::strerror(errno));
}

// A new fan-out folder must itself be durable, or a crash could lose the entry naming it.
Status fsync_directory(const std::filesystem::path& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open folder", directory);
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) return io_error("cannot fsync folder", directory);
  return {};
}

}  // namespace

bool is_sha256_hex(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

Result<StoredBlob> admit_blob(std::string_view bytes, std::int64_t max_bytes) {
  if (bytes.empty()) return Error::invalid("file", "附件为空");
  if (static_cast<std::int64_t>(bytes.size()) > max_bytes)
    return Error::make(ErrorKind::TooLarge, "附件不能超过" + std::to_string(max_bytes / (1024 * 1024)) + " MB",
                       "file");
  const workflow::MediaType media_type = TRY(sniff_media_type(bytes));
  return StoredBlob{sha256_hex(bytes), media_type, static_cast<std::int64_t>(bytes.size())};
}

Result<workflow::MediaType> sniff_media_type(std::string_view bytes) {
  if (bytes.starts_with(std::string_view("\xFF\xD8\xFF", 3))) return workflow::MediaType::Jpeg;
  if (bytes.starts_with(std::string_view("\x89PNG\r\n\x1A\n", 8))) return workflow::MediaType::Png;
  if (bytes.starts_with("%PDF-")) return workflow::MediaType::Pdf;
  return Error::invalid("file", "附件只能是JPEG、PNG图片或PDF文件");
}

Result<BlobStore> BlobStore::open(BlobStoreOptions options) {
  TRY(make_private_folder(options.directory));
  return BlobStore(std::move(options));
}

std::filesystem::path BlobStore::path_of(std::string_view sha256) const {
  // Two-character fan-out keeps folders small.
  return m_options.directory / std::string(sha256.substr(0, 2)) / std::string(sha256);
}

Result<StoredBlob> BlobStore::put(std::string_view bytes) const {
  StoredBlob blob = TRY(admit_blob(bytes, m_options.max_bytes));

  const std::filesystem::path final_path = path_of(blob.sha256);
  const std::filesystem::path folder = final_path.parent_path();
  std::error_code ec;
  if (std::filesystem::exists(final_path, ec)) return blob;  // same content, already durable

  const bool folder_is_new = !std::filesystem::exists(folder, ec);
  TRY(make_private_folder(folder));
  if (folder_is_new) TRY(fsync_directory(m_options.directory));

  // core::AtomicFile writes a temporary beside the target, fsyncs it, renames it into place and
  // fsyncs the folder: the file is either absent or whole and durable.
  auto file = TRY(core::AtomicFile::create(final_path, kPrivateFileMode));
  if (!file.write(bytes)) return Error::make(ErrorKind::Io, "cannot write " + final_path.string());
  TRY(file.commit());
  return blob;
}

Result<StoredBlob> read_blob_file(const std::filesystem::path& file, std::string_view sha256,
                                  std::size_t piece_bytes,
                                  const std::function<Status(std::string_view)>& piece) {
  if (!is_sha256_hex(sha256)) return Error::invalid("sha256", "文件编号无效");
  std::ifstream in(file, std::ios::binary);
  if (!in) return io_error("cannot open", file);
  StoredBlob blob;
  blob.sha256 = std::string(sha256);
  Sha256Stream digest;
  std::string buffer(piece_bytes, '\0');
  for (;;) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got == 0) break;
    const std::string_view bytes(buffer.data(), got);
    if (blob.size == 0) blob.media_type = TRY(sniff_media_type(bytes));
    digest.update(bytes);
    blob.size += static_cast<std::int64_t>(got);
    TRY(piece(bytes));
    if (got < buffer.size()) break;
  }
  if (in.bad()) return io_error("cannot read", file);
  if (blob.size == 0) return Error::invalid("file", "文件为空");
  if (digest.hex_digest() != sha256)
    return Error::make(ErrorKind::Storage, file.string() + " does not hash to " + std::string(sha256));
  return blob;
}

Result<StoredBlob> BlobStore::adopt(const std::filesystem::path& file, std::string_view sha256) const {
  constexpr std::size_t kPieceBytes = 1 << 20;
  StoredBlob blob = TRY(read_blob_file(file, sha256, kPieceBytes, [](std::string_view) { return Status{}; }));

  const std::filesystem::path final_path = path_of(blob.sha256);
  const std::filesystem::path folder = final_path.parent_path();
  std::error_code ec;
  if (std::filesystem::exists(final_path, ec)) {  // same content, already durable
    std::filesystem::remove(file, ec);
    return blob;
  }
  const bool folder_is_new = !std::filesystem::exists(folder, ec);
  TRY(make_private_folder(folder));
  if (folder_is_new) TRY(fsync_directory(m_options.directory));

  // The bytes must be on disk before a name makes them a blob.
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open", file);
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) return io_error("cannot fsync", file);
  TRY(make_file_private(file));
  if (::rename(file.c_str(), final_path.c_str()) == 0) {
    TRY(fsync_directory(folder));
    return blob;
  }
  if (errno != EXDEV) return io_error("cannot move " + file.string() + " to", final_path);
  // Another file system: copied piece by piece through core::AtomicFile, then the original goes.
  auto copy = TRY(core::AtomicFile::create(final_path, kPrivateFileMode));
  TRY(read_blob_file(file, sha256, kPieceBytes, [&](std::string_view bytes) -> Status {
    if (!copy.write(bytes)) return Error::make(ErrorKind::Io, "cannot write " + final_path.string());
    return {};
  }));
  TRY(copy.commit());
  std::filesystem::remove(file, ec);
  return blob;
}

Result<std::filesystem::path> BlobStore::file(std::string_view sha256) const {
  if (!is_sha256_hex(sha256)) return Error::invalid("sha256", "附件编号无效");
  std::filesystem::path path = path_of(sha256);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return Error::make(ErrorKind::NotFound, "附件不存在");
  return path;
}

Result<std::string> BlobStore::read(std::string_view sha256) const {
  if (!is_sha256_hex(sha256)) return Error::invalid("sha256", "附件编号无效");
  std::ifstream in(path_of(sha256), std::ios::binary);
  if (!in) return Error::make(ErrorKind::NotFound, "附件不存在");
  std::ostringstream content;
  content << in.rdbuf();
  return std::move(content).str();
}

}  // namespace sanfang::store
