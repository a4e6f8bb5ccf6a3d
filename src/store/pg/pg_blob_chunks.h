// How PostgreSQL keeps a blob's bytes: rows of blob_chunks, at most kBlobChunkBytes each, numbered
// from 0. Shared by PgStore (storing uploads and signed PDFs) and by the SQLite-to-PostgreSQL
// migration (store/migrate_store.h), so that both write what PgStore reads back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/result.h"
#include "store/pg/pg_connection.h"

namespace sanfang::store::pg {

// Large enough that a 100 MB file is 100 rows, small enough that a statement never moves more.
inline constexpr std::size_t kBlobChunkBytes = 1024 * 1024;

// How many chunks a blob of `size` bytes has.
std::int64_t blob_chunk_count(std::int64_t size);

// Writes chunk number `chunk` of the blob `sha256` (at most kBlobChunkBytes); a chunk already there
// is left as it is (two writers of the same content write identical rows).
Status write_blob_chunk(Connection& c, std::string_view sha256, std::int64_t chunk, std::string_view bytes);

// Writes every chunk of `bytes` under `sha256`; chunks already there are left as they are (two
// writers of the same content write identical rows). The blobs row that makes the blob visible is
// the caller's, in the same transaction, after this.
Status write_blob_chunks(Connection& c, std::string_view sha256, std::string_view bytes);

}  // namespace sanfang::store::pg
