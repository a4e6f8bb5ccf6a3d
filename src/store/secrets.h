// Hashing and secrets for the store: SHA-256 (content addresses, the audit chain, session token
// digests), Argon2id password hashes (SPEC "Accounts") and random bearer tokens.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/bounded_pool.h"
#include "core/result.h"

namespace sanfang::store {

// Lower-case hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);

// The same over bytes that arrive in pieces (a file being written).
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  void update(std::string_view bytes);
  // Lower-case hex of everything given; the stream is spent afterwards.
  std::string hex_digest();

 private:
  struct Context;
  std::unique_ptr<Context> m_context;
};

// Argon2id (libsodium crypto_pwhash_str, interactive limits); the result carries its own salt
// and parameters.
Result<std::string> hash_password(std::string_view password);
bool password_matches(std::string_view stored_hash, std::string_view password);

// The same two operations on a small bounded pool of their own. Each Argon2id computation takes
// about 0.1 s of one core and 64 MiB (the interactive limits), so running them on request threads
// let a burst of logins starve every other request and multiply the memory; here at most one
// per worker runs at a time, and a full queue answers Busy instead of waiting. One pool serves
// the whole process (process_default()), because the bound is about the machine's cores, not
// about one store. Its workers run at a lower priority, so a burst of logins that fills every
// core still leaves the threads that serve sockets (and /healthz) running at once.
class PasswordHasher {
 public:
  explicit PasswordHasher(core::BoundedPoolOptions options = {.threads = 0, .queue_limit = 32, .nice = 10})
      : m_pool("密码校验", options) {}

  // Sized to the cores, created on first use.
  static std::shared_ptr<PasswordHasher> process_default();

  Result<std::string> hash(std::string_view password);
  Result<bool> matches(std::string_view stored_hash, std::string_view password);

 private:
  core::BoundedPool m_pool;
};

// 256 random bits as 64 hex characters: an opaque bearer token. Only its sha256 is stored.
Result<std::string> random_token();

// `length` characters drawn uniformly from letters and digits that cannot be mistaken for one
// another when read aloud or copied by hand (no 0/O, 1/l/I): a temporary password a reviewer
// hands to a student.
Result<std::string> random_password(std::size_t length);

}  // namespace sanfang::store
