// What `sanfang doctor --db postgresql://…` checks of a shared database beyond the signed
// agreements (which it checks through the Store like on SQLite): that it answers, its schema
// version, whether the data folder's verification key is the one the database recorded, and that
// every blob has all of its bytes in blob_chunks. Read-only: nothing is recorded or repaired.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace sanfang::store::pg {

struct DatabaseExamination {
  int schema_version = 0;
  int expected_schema_version = 0;              // this build's
  std::optional<std::string> recorded_key;      // the fingerprint in store_meta, if any instance recorded one
  std::int64_t blobs_checked = 0;
  std::vector<std::string> incomplete_blobs;    // sha256 of blobs whose chunks do not add up to their size
};

// Io when the server cannot be reached or refuses the login.
Result<DatabaseExamination> examine_database(const std::string& url);

}  // namespace sanfang::store::pg
