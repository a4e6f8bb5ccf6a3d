// The SQLite schema as a numbered, forward-only list of migrations. Each applied migration is
// recorded in schema_migrations; opening a database applies the ones it has not seen, in one
// write transaction, so a reopen is a no-op and two processes starting together cannot both apply.
#pragma once

#include "core/result.h"
#include "store/sqlite_handle.h"

namespace sanfang::store {

// The highest migration this build knows.
int latest_schema_version();

// Applies every migration above the database's current version. Refuses a database written by a
// newer build (its version is above latest_schema_version()).
Status migrate(sqlite::Database& db);

}  // namespace sanfang::store
