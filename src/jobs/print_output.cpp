#include "jobs/print_output.h"

#include <openssl/evp.h>

namespace sanfang::jobs {

namespace {
constexpr std::size_t kBufferBytes = 1 << 20;
}

struct PrintOutput::Hasher {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
};

Result<std::unique_ptr<PrintOutput>> PrintOutput::create(const std::filesystem::path& target) {
  auto file = TRY(core::AtomicFile::create(target));
  auto hasher = std::make_unique<Hasher>();
  if (!hasher->context || EVP_DigestInit_ex(hasher->context.get(), EVP_sha256(), nullptr) != 1)
    return Error::make(ErrorKind::Internal, "cannot start a sha256 digest");
  return std::unique_ptr<PrintOutput>(new PrintOutput(std::move(file), std::move(hasher)));
}

PrintOutput::PrintOutput(core::AtomicFile file, std::unique_ptr<Hasher> hasher)
    : m_file(std::move(file)), m_hasher(std::move(hasher)) {
  m_buffer.reserve(kBufferBytes);
}

PrintOutput::~PrintOutput() = default;

bool PrintOutput::write(std::string_view bytes) {
  if (m_failed) return false;
  EVP_DigestUpdate(m_hasher->context.get(), bytes.data(), bytes.size());
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
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(m_hasher->context.get(), digest, &length);
  TRY(m_file.commit());
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kDigits[digest[i] >> 4];
    hex += kDigits[digest[i] & 0x0F];
  }
  return hex;
}

}  // namespace sanfang::jobs
