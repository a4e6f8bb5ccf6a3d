#include "store/pg/pg_blob_chunks.h"

namespace sanfang::store::pg {

std::int64_t blob_chunk_count(std::int64_t size) {
  const auto chunk = static_cast<std::int64_t>(kBlobChunkBytes);
  return (size + chunk - 1) / chunk;
}

Status write_blob_chunk(Connection& c, std::string_view sha256, std::int64_t chunk, std::string_view bytes) {
  return c.run("INSERT INTO blob_chunks(sha256, chunk, bytes) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
               Params().add(sha256).add(chunk).add_binary(bytes));
}

Status write_blob_chunks(Connection& c, std::string_view sha256, std::string_view bytes) {
  std::int64_t chunk = 0;
  for (std::size_t offset = 0; offset < bytes.size(); offset += kBlobChunkBytes, ++chunk)
    TRY(write_blob_chunk(c, sha256, chunk, bytes.substr(offset, kBlobChunkBytes)));
  return {};
}

}  // namespace sanfang::store::pg
