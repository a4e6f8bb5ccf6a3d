// PrintOutput: where a print job's PDF goes while it is written — a temporary file beside the
// target, written through a large buffer (cairo hands over many small pieces), with the sha256
// and size counted on the way so the finished file never has to be read again for its ETag.
// commit() makes it appear whole (core::AtomicFile); dropping it uncommitted leaves no file.
#pragma once

#include "core/atomic_file.h"
#include "core/result.h"
#include "store/secrets.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace sanfang::jobs {

class PrintOutput {
 public:
  static Result<std::unique_ptr<PrintOutput>> create(const std::filesystem::path& target);

  // False once a write failed (the disk is full): the render then stops with an Io error.
  bool write(std::string_view bytes);
  // Flushes, fsyncs and renames the file into place; returns the lower-case hex sha256.
  Result<std::string> commit();
  std::int64_t size() const { return m_size; }

 private:
  explicit PrintOutput(core::AtomicFile file);
  bool flush();

  core::AtomicFile m_file;
  store::Sha256Stream m_sha256;
  std::string m_buffer;
  std::int64_t m_size = 0;
  bool m_failed = false;
};

}  // namespace sanfang::jobs
