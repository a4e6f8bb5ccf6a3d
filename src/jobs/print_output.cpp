#include "jobs/print_output.h"

#include "store/private_files.h"

namespace sanfang::jobs {

namespace {
constexpr std::size_t kBufferBytes = 1 << 20;
}

Result<std::unique_ptr<PrintOutput>> PrintOutput::create(const std::filesystem::path& target) {
  return std::unique_ptr<PrintOutput>(new PrintOutput(TRY(core::AtomicFile::create(target, store::kPrivateFileMode))));
}

PrintOutput::PrintOutput(core::AtomicFile file) : m_file(std::move(file)) { m_buffer.reserve(kBufferBytes); }

bool PrintOutput::write(std::string_view bytes) {
  if (m_failed) return false;
  m_sha256.update(bytes);
  m_size += static_cast<std::int64_t>(bytes.size());
  if (m_buffer.size() + bytes.size() > kBufferBytes && !flush()) return false;
  if (bytes.size() >= kBufferBytes) {
    m_failed = !m_file.write(bytes);
    return !m_failed;
  }
  m_buffer.append(bytes);
  return true;
}

bool PrintOutput::flush() {
  if (!m_buffer.empty() && !m_file.write(m_buffer)) m_failed = true;
  m_buffer.clear();
  return !m_failed;
}

Result<std::string> PrintOutput::commit() {
  if (!flush()) return Error::make(ErrorKind::Io, "cannot write the print job's file");
  std::string sha256 = m_sha256.hex_digest();
  TRY(m_file.commit());
  return sha256;
}

}  // namespace sanfang::jobs
