#include "store/pg/pg_examine.h"

#include "store/pg/pg_blob_chunks.h"
#include "store/pg/pg_migrations.h"
#include "store/pg/pg_pool.h"

namespace sanfang::store::pg {

Result<DatabaseExamination> examine_database(const std::string& url) {
  auto pool = TRY(ConnectionPool::open({url, 1}));
  DatabaseExamination examination;
  examination.expected_schema_version = latest_schema_version();
  examination.schema_version = TRY(schema_version(*pool));
  if (examination.schema_version == 0) return examination;  // nothing there yet
  TRY(pool->with_connection([&](Connection& c) -> Status {
    auto recorded = TRY(c.exec("SELECT value FROM store_meta WHERE key = 'verification_key_fingerprint'"));
    if (!recorded.empty()) examination.recorded_key = recorded.text(0, 0);
    // A blob row is written after its chunks in one transaction (pg_store_documents.cpp): a row
    // whose chunks are missing or short means the bytes were lost afterwards.
    auto blobs = TRY(c.exec(
        "SELECT b.sha256, b.size, COALESCE(c.chunks, 0), COALESCE(c.bytes, 0)"
        " FROM blobs b LEFT JOIN (SELECT sha256, COUNT(*) AS chunks, SUM(length(bytes)) AS bytes"
        " FROM blob_chunks GROUP BY sha256) c ON c.sha256 = b.sha256 ORDER BY b.sha256"));
    examination.blobs_checked = blobs.size();
    for (int r = 0; r < blobs.size(); ++r) {
      const std::int64_t size = blobs.int64(r, 1);
      if (blobs.int64(r, 2) != blob_chunk_count(size) || blobs.int64(r, 3) != size)
        examination.incomplete_blobs.push_back(blobs.text(r, 0));
    }
    return {};
  }));
  return examination;
}

}  // namespace sanfang::store::pg
