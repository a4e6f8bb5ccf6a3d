#include "contract/pg_backend.h"

#include "pg/pg_fixture.h"
#include "store/pg/pg_store.h"

namespace sanfang::test::contract {
namespace {

// A database of its own on the server of SANFANG_TEST_PG_URL, dropped with this object, and the
// blob cache folder its stores share (as the instances of one machine would).
class PgDatabase final : public BackendDatabase {
 public:
  Result<std::unique_ptr<store::Store>> connect() const override {
    store::PgStoreOptions options;
    options.url = m_database.conninfo();
    options.school_code = kSchoolCode;
    options.blob_cache_dir = m_cache.path() / "blobs";
    options.pool_size = 4;
    std::unique_ptr<store::Store> opened = TRY(store::PgStore::open(options));
    return opened;
  }

 private:
  TestDatabase m_database;
  TempFolder m_cache;
};

class PgBackend final : public StoreBackend {
 public:
  std::string name() const override { return "postgresql"; }

  Result<std::unique_ptr<BackendDatabase>> create_database() const override {
    std::unique_ptr<BackendDatabase> database = std::make_unique<PgDatabase>();
    TRY(database->connect());  // migrates: the database is empty but complete
    return database;
  }
};

}  // namespace

std::unique_ptr<StoreBackend> make_pg_backend() { return std::make_unique<PgBackend>(); }

}  // namespace sanfang::test::contract
