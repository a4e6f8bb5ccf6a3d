// `sanfang migrate-store`: a school's SQLite store (data folder) copied into an empty PostgreSQL
// database (issue 10), so that it can be served by several instances.
//
// Both backends carry the same schema version by version (store/migrations.cpp and
// store/pg/pg_migrations.cpp), so the copy is table by table and row by row, driven by the
// schemas themselves: every table of the SQLite file (in foreign-key order), every column by
// name, values as SQLite stores them. Nothing is re-derived — ids, timestamps, the audit chain's
// hashes, password hashes, session digests, serial counters and the verification log arrive as
// they were — and the identity sequences are moved past the copied ids. The blob files become
// blob_chunks rows (store/pg/pg_blob_chunks.h). The verification key's fingerprint is recorded, so
// the instances started on the target must use the folder's key.
//
// The target must be empty: a database with rows in any table is refused before anything is
// written. The rows are copied in one transaction, so a failure leaves the target without data
// (its schema and key fingerprint stay: a re-run finds it empty and copies again). Afterwards the
// target is checked: row counts per table equal to the source's, the audit chain intact and as
// long as the source's, every blob read back through the PostgreSQL store hashing to its name.
//
// Run it with the service stopped: rows committed to the SQLite file after the copy's snapshot
// was taken are not copied.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/result.h"

namespace sanfang::store {

struct CopiedTable {
  std::string name;
  std::int64_t rows = 0;
};

struct StoreMigrationReport {
  int schema_version = 0;
  std::vector<CopiedTable> tables;  // in the order they were copied
  std::int64_t blobs = 0;           // read back from the target, each matching its sha256
  std::int64_t blob_bytes = 0;
  std::int64_t audit_events = 0;    // the chain verified on the target
  std::string key_fingerprint;      // recorded in the target's store_meta
};

// `data_dir`: the SQLite data folder (its database is migrated to this build's schema first, as
// any command opening it would). `target_url`: a postgresql:// URI. Conflict (field "--to") for a
// target that is not empty, Storage when the schemas differ or a blob file is damaged, Io when the
// server cannot be reached.
Result<StoreMigrationReport> migrate_sqlite_to_postgresql(const std::filesystem::path& data_dir,
                                                          const std::string& target_url);

}  // namespace sanfang::store
