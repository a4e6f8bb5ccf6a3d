// AtomicFile: writes a file so that readers see either nothing or the whole file. Bytes go to a
// temporary file beside the target; commit() fsyncs it, renames it into place and fsyncs the
// folder. Destroying an uncommitted AtomicFile removes the temporary: a failed render leaves
// no output file behind.
#pragma once

#include "core/result.h"

#include <cstdio>
#include <filesystem>
#include <string_view>

#include <sys/types.h>

namespace sanfang::core {

class AtomicFile {
 public:
  static Result<AtomicFile> create(const std::filesystem::path& target);
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  ~AtomicFile();

  bool write(std::string_view bytes);
  // The file gets `mode` before it is renamed into place, so a file holding secrets (mode 0600)
  // is never readable by others, not even for a moment.
  Status commit(mode_t mode = 0644);

 private:
  AtomicFile(std::filesystem::path target, std::filesystem::path temp, int fd);
  std::filesystem::path m_target, m_temp;
  int m_fd = -1;
  bool m_failed = false;
};

}  // namespace sanfang::core
