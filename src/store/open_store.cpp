#include "store/open_store.h"

#include "store/pg/pg_store.h"
#include "store/sqlite_store.h"

namespace sanfang::store {

namespace {
constexpr std::string_view kSqlitePrefix = "sqlite:";
}

bool is_postgresql_url(std::string_view db) {
  return db.starts_with("postgresql://") || db.starts_with("postgres://");
}

Result<std::unique_ptr<Store>> open_store(const StoreLocation& location) {
  if (is_postgresql_url(location.db)) {
    PgStoreOptions options;
    options.url = location.db;
    options.school_code = location.school_code;
    options.pool_size = location.pool_size;
    options.blob_cache_dir = location.data_dir / "blob-cache";
    std::unique_ptr<Store> opened = TRY(PgStore::open(options));
    return opened;
  }
  SqliteStoreOptions options;
  options.school_code = location.school_code;
  if (location.db.empty()) {
    options.data_dir = location.data_dir;
  } else if (location.db.starts_with(kSqlitePrefix) && location.db.size() > kSqlitePrefix.size()) {
    options.data_dir = location.db.substr(kSqlitePrefix.size());
  } else {
    return Error::invalid("--db", "expects postgresql://… (a libpq URI) or sqlite:DIR");
  }
  std::unique_ptr<Store> opened = TRY(SqliteStore::open(options));
  return opened;
}

}  // namespace sanfang::store
