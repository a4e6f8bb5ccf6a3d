#include "core/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace sanfang::core {

Result<AtomicFile> AtomicFile::create(const std::filesystem::path& target, mode_t mode) {
  std::filesystem::path folder = target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  std::string pattern = (folder / ("." + target.filename().string() + ".XXXXXX")).string();
  int fd = ::mkostemp(pattern.data(), O_CLOEXEC);
  if (fd < 0) return Error::make(ErrorKind::Io, "cannot write " + target.string() + ": " + std::strerror(errno));
  return AtomicFile(target, pattern, fd, mode);
}

AtomicFile::AtomicFile(std::filesystem::path target, std::filesystem::path temp, int fd, mode_t mode)
    : m_target(std::move(target)), m_temp(std::move(temp)), m_fd(fd), m_mode(mode) {}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : m_target(std::move(other.m_target)), m_temp(std::move(other.m_temp)), m_fd(other.m_fd), m_mode(other.m_mode),
      m_failed(other.m_failed) {
  other.m_fd = -1;
  other.m_temp.clear();
}

AtomicFile::~AtomicFile() {
  if (m_fd >= 0) ::close(m_fd);
  if (!m_temp.empty()) ::unlink(m_temp.c_str());
}

bool AtomicFile::write(std::string_view bytes) {
  while (!bytes.empty() && !m_failed) {
    ssize_t n = ::write(m_fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      m_failed = true;
      break;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return !m_failed;
}

Status AtomicFile::commit() {
  if (m_failed || ::fchmod(m_fd, m_mode) != 0 || ::fsync(m_fd) != 0) {
    return Error::make(ErrorKind::Io, "cannot write " + m_target.string());
  }
  ::close(m_fd);
  m_fd = -1;
  if (::rename(m_temp.c_str(), m_target.c_str()) != 0) {
    return Error::make(ErrorKind::Io, "cannot write " + m_target.string() + ": " + std::strerror(errno));
  }
  m_temp.clear();
  std::filesystem::path folder = m_target.has_parent_path() ? m_target.parent_path() : std::filesystem::path(".");
  if (int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return {};
}

}  // namespace sanfang::core
