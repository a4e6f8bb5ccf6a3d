// Which store a command opens: `--db URL` (SPEC "Storage"). SQLite in the data folder stays the
// default; a libpq URI selects PostgreSQL, shared by several instances.
//   (none)                    SQLite: DATA/sanfang.sqlite3 and DATA/blobs/
//   sqlite:DIR                SQLite in DIR instead of the data folder
//   postgresql://… postgres://…  PostgreSQL (libpq URI; PG* environment variables apply); the
//                             data folder keeps only the secrets and DATA/blob-cache/
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "core/result.h"
#include "core/verification_token.h"
#include "store/store.h"

namespace sanfang::store {

struct StoreLocation {
  std::string db;                   // the --db value; empty: SQLite in data_dir
  std::filesystem::path data_dir;   // --data
  std::string school_code;
  int pool_size = 8;                // PostgreSQL connections of this process
  bool durable = true;              // SQLite only: false for generated benchmark data (bench-seed)
};

bool is_postgresql_url(std::string_view db);

// The folder of a SQLite store (the data folder, or DIR of sqlite:DIR), nullopt for PostgreSQL;
// InvalidInput (field "--db") for a value that is neither form.
Result<std::optional<std::filesystem::path>> sqlite_folder(const StoreLocation& location);

// InvalidInput (field "--db") for a value that is neither form.
Result<std::unique_ptr<Store>> open_store(const StoreLocation& location);

// DATA/verification.key, the key that signs and verifies QR codes.
std::filesystem::path verification_key_file(const std::filesystem::path& data_dir);

// What a PostgreSQL database records of the key it was started with: the sha256 of its bytes.
std::string key_fingerprint(const core::VerificationKey& key);

// The data folder's verification key (created, mode 0600, when missing), checked against the
// store: every instance on one PostgreSQL database must sign QR codes with the same key, or a copy
// printed through one reads 无效 on another, so the database records the first key's fingerprint
// and a differing key is refused (Conflict naming the key file). A SQLite store keeps its key in
// its own data folder: there is nothing to compare. For every command that signs or verifies.
Result<core::VerificationKey> load_checked_key(Store& store, const std::filesystem::path& data_dir);

}  // namespace sanfang::store
