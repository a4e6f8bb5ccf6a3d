// Which store a command opens: `--db URL` (SPEC "Storage"). SQLite in the data folder stays the
// default; a libpq URI selects PostgreSQL, shared by several instances.
//   (none)                    SQLite: DATA/sanfang.sqlite3 and DATA/blobs/
//   sqlite:DIR                SQLite in DIR instead of the data folder
//   postgresql://… postgres://…  PostgreSQL (libpq URI; PG* environment variables apply); the
//                             data folder keeps only the secrets and DATA/blob-cache/
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "core/result.h"
#include "store/store.h"

namespace sanfang::store {

struct StoreLocation {
  std::string db;                   // the --db value; empty: SQLite in data_dir
  std::filesystem::path data_dir;   // --data
  std::string school_code;
  int pool_size = 8;                // PostgreSQL connections of this process
};

bool is_postgresql_url(std::string_view db);

// InvalidInput (field "--db") for a value that is neither form.
Result<std::unique_ptr<Store>> open_store(const StoreLocation& location);

}  // namespace sanfang::store
