#include "store/private_files.h"

#include <cerrno>
#include <cstring>
#include <sys/stat.h>

namespace sanfang::store {

Status make_private_folder(const std::filesystem::path& folder) {
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) return Error::make(ErrorKind::Io, "cannot create folder " + folder.string() + ": " + ec.message());
  if (::chmod(folder.c_str(), kPrivateFolderMode) != 0)
    return Error::make(ErrorKind::Io, "cannot restrict folder " + folder.string() + ": " + std::strerror(errno));
  return {};
}

Status make_file_private(const std::filesystem::path& file) {
  if (::chmod(file.c_str(), kPrivateFileMode) != 0 && errno != ENOENT)
    return Error::make(ErrorKind::Io, "cannot restrict file " + file.string() + ": " + std::strerror(errno));
  return {};
}

}  // namespace sanfang::store
