// The PostgreSQL schema as numbered, forward-only migrations with the same version numbers as
// SQLite's (store/migrations.cpp): version n means the same tables and rules on both backends, so
// `migrate-store` can copy a store of version n table by table.
//
// Several instances may start at once against one database: migrate() runs in one transaction
// that first takes pg_advisory_xact_lock, so the first starter migrates and the others wait and
// then find nothing left to do. A database written by a newer build is refused, not touched.
#pragma once

#include <filesystem>
#include <string_view>

#include "core/result.h"
#include "store/pg/pg_pool.h"

namespace sanfang::store::pg {

// The highest migration this build knows.
int latest_schema_version();

// Applies every migration above the database's current version.
Status migrate(ConnectionPool& pool);

// The schema version the database is at (0 for an empty database).
Result<int> schema_version(ConnectionPool& pool);

// Every instance on one database must sign QR codes with the same verification key, or a code
// printed through one instance reads 无效 on another. The first instance records its key's
// fingerprint in store_meta; a later one whose fingerprint differs is refused with an error that
// names its key file. Recording and checking happen under one lock, so two first starters with
// different keys cannot both record theirs.
Status check_key_fingerprint(ConnectionPool& pool, std::string_view fingerprint,
                             const std::filesystem::path& key_file);

}  // namespace sanfang::store::pg
