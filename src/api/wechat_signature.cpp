#include "api/wechat_signature.h"

#include "store/secrets.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <sstream>

namespace sanfang::api {

Result<std::string> load_or_create_wechat_secret(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (in) {
    std::ostringstream text;
    text << in.rdbuf();
    std::string secret = text.str();
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    if (secret.size() < 32)
      return Error::make(ErrorKind::Io, "WeChat secret is shorter than 32 characters: " + file.string());
    return secret;
  }
  const std::string secret = TRY(store::random_token());
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  // Like the verification key: created once, readable by the service's user only.
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Error::make(ErrorKind::Io, "cannot create WeChat secret: " + file.string());
  const std::string line = secret + "\n";
  const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                       ::fsync(fd) == 0;
  ::close(fd);
  if (!written) return Error::make(ErrorKind::Io, "cannot write WeChat secret: " + file.string());
  return secret;
}

std::string wechat_signature(std::string_view secret, std::string_view timestamp,
                             std::string_view nonce, std::string_view body) {
  std::string signed_text;
  signed_text.append(timestamp).append("\n").append(nonce).append("\n").append(body);
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size(), mac.data(),
       &length);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kDigits[mac[i] >> 4];
    hex += kDigits[mac[i] & 0x0f];
  }
  return hex;
}

bool wechat_signature_matches(std::string_view secret, std::string_view timestamp,
                              std::string_view nonce, std::string_view body,
                              std::string_view presented_hex) {
  const std::string expected = wechat_signature(secret, timestamp, nonce, body);
  std::string presented(presented_hex);
  std::transform(presented.begin(), presented.end(), presented.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return presented.size() == expected.size() &&
         CRYPTO_memcmp(presented.data(), expected.data(), expected.size()) == 0;
}

}  // namespace sanfang::api
