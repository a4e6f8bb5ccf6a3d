#include "store/open_store.h"

#include "store/pg/pg_store.h"
#include "store/secrets.h"
#include "store/sqlite_store.h"

namespace sanfang::store {

namespace {
constexpr std::string_view kSqlitePrefix = "sqlite:";
}

bool is_postgresql_url(std::string_view db) {
  return db.starts_with("postgresql://") || db.starts_with("postgres://");
}

Result<std::optional<std::filesystem::path>> sqlite_folder(const StoreLocation& location) {
  if (is_postgresql_url(location.db)) return std::optional<std::filesystem::path>();
  if (location.db.empty()) return std::optional<std::filesystem::path>(location.data_dir);
  if (location.db.starts_with(kSqlitePrefix) && location.db.size() > kSqlitePrefix.size())
    return std::optional<std::filesystem::path>(location.db.substr(kSqlitePrefix.size()));
  return Error::invalid("--db", "expects postgresql://… (a libpq URI) or sqlite:DIR");
}

Result<std::unique_ptr<Store>> open_store(const StoreLocation& location) {
  const auto folder = TRY(sqlite_folder(location));
  if (!folder) {
    PgStoreOptions options;
    options.url = location.db;
    options.school_code = location.school_code;
    options.pool_size = location.pool_size;
    options.blob_cache_dir = location.data_dir / "blob-cache";
    std::unique_ptr<Store> opened = TRY(PgStore::open(options));
    return opened;
  }
  SqliteStoreOptions options;
  options.data_dir = *folder;
  options.school_code = location.school_code;
  options.durable = location.durable;
  std::unique_ptr<Store> opened = TRY(SqliteStore::open(options));
  return opened;
}

std::filesystem::path verification_key_file(const std::filesystem::path& data_dir) {
  return data_dir / "verification.key";
}

std::string key_fingerprint(const core::VerificationKey& key) {
  const auto& bytes = key.bytes();
  return sha256_hex({reinterpret_cast<const char*>(bytes.data()), bytes.size()});
}

Result<core::VerificationKey> load_checked_key(Store& store, const std::filesystem::path& data_dir) {
  const std::filesystem::path key_file = verification_key_file(data_dir);
  auto key = TRY(core::VerificationKey::load_or_create(key_file));
  if (auto* shared = dynamic_cast<PgStore*>(&store)) TRY(shared->check_key_fingerprint(key_fingerprint(key), key_file));
  return key;
}

}  // namespace sanfang::store
