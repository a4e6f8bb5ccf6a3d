// AtomicFile: writes a file so that readers see either nothing or the whole file. Bytes go to a
// temporary file beside the target; commit() fsyncs it, renames it into place and fsyncs the
// folder. Destroying an uncommitted AtomicFile removes the temporary: a failed render leaves
// no output file behind.
#pragma once

#include "core/result.h"

#include <cstdio>
#include <filesystem>
#include <sys/types.h>
#include <string_view>

#include <sys/types.h>

namespace sanfang::core {

class AtomicFile {
 public:
  // `mode`: the finished file's permissions (0600 for files holding personal data).
  static Result<AtomicFile> create(const std::filesystem::path& target, mode_t mode = 0644);
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  ~AtomicFile();

  bool write(std::string_view bytes);
  // The file gets its mode before it is renamed into place, so a file holding secrets (mode 0600)
  // is never readable by others, not even for a moment.
  Status commit();

 private:
  AtomicFile(std::filesystem::path target, std::filesystem::path temp, int fd, mode_t mode);
  std::filesystem::path m_target, m_temp;
  int m_fd = -1;
  mode_t m_mode = 0644;
  bool m_failed = false;
};

}  // namespace sanfang::core
