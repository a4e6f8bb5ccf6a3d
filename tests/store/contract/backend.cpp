#include "contract/backend.h"
#include "contract/pg_backend.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "store/sqlite_store.h"
#include "store_fixture.h"

namespace sanfang::test::contract {
namespace {

// A data folder in a temporary directory of its own, removed with the database.
class SqliteDatabase final : public BackendDatabase {
 public:
  explicit SqliteDatabase(std::filesystem::path root) : m_root(std::move(root)) {}
  ~SqliteDatabase() override {
    std::error_code ec;
    std::filesystem::remove_all(m_root, ec);
  }

  Result<std::unique_ptr<store::Store>> connect() const override {
    store::SqliteStoreOptions options;
    options.data_dir = m_root / "data";
    options.school_code = kSchoolCode;
    // Concurrency tests queue many writers on one file: let them wait rather than fail.
    options.busy_timeout = std::chrono::seconds{60};
    std::unique_ptr<store::Store> opened = TRY(store::SqliteStore::open(options));
    return opened;
  }

 private:
  std::filesystem::path m_root;
};

class SqliteBackend final : public StoreBackend {
 public:
  std::string name() const override { return "sqlite"; }

  Result<std::unique_ptr<BackendDatabase>> create_database() const override {
    std::string pattern = (std::filesystem::temp_directory_path() / "sanfang-contract-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
      return Error::make(ErrorKind::Storage, "cannot create a temporary directory for a SQLite store");
    std::unique_ptr<BackendDatabase> database = std::make_unique<SqliteDatabase>(pattern);
    TRY(database->connect());  // creates the schema, so that the database is empty but complete
    return database;
  }
};

}  // namespace

const std::vector<std::unique_ptr<StoreBackend>>& registered_backends() {
  static const std::vector<std::unique_ptr<StoreBackend>> backends = [] {
    std::vector<std::unique_ptr<StoreBackend>> list;
    list.push_back(std::make_unique<SqliteBackend>());
    if (std::getenv("SANFANG_TEST_PG_URL") != nullptr) list.push_back(make_pg_backend());
    return list;
  }();
  return backends;
}

std::vector<std::string> backend_names() {
  std::vector<std::string> names;
  for (const auto& backend : registered_backends()) names.push_back(backend->name());
  return names;
}

const StoreBackend& backend_named(std::string_view name) {
  const StoreBackend* found = nullptr;
  for (const auto& backend : registered_backends())
    if (backend->name() == name) found = backend.get();
  INFO("store backend " << name);
  REQUIRE(found != nullptr);
  return *found;
}

}  // namespace sanfang::test::contract
