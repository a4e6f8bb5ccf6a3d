// PgStore: blobs (attachments, signed PDFs) in chunks, the read-through file cache, signed
// documents and the verification log.
#include "store/pg/pg_store.h"

#include <system_error>

#include "core/atomic_file.h"
#include "store/pg/pg_blob_chunks.h"
#include "store/pg/pg_store_rows.h"
#include "store/private_files.h"
#include "store/secrets.h"
#include "workflow/public_address.h"

namespace sanfang::store {

using pg::Connection;
using pg::Params;
using workflow::Timestamp;

namespace {

Error blob_missing() { return Error::make(ErrorKind::NotFound, "附件不存在"); }

Result<std::int64_t> blob_size(Connection& c, std::string_view sha256) {
  if (!is_sha256_hex(sha256)) return Error::invalid("sha256", "附件编号无效");
  auto rows = TRY(c.exec("SELECT size FROM blobs WHERE sha256 = $1", Params().add(sha256)));
  if (rows.empty()) return blob_missing();
  return rows.int64(0, 0);
}

// Hands the blob's chunks in order to `sink`; Storage when a chunk is missing.
template <typename Sink>
Status read_chunks(Connection& c, std::string_view sha256, std::int64_t size, Sink&& sink) {
  const std::int64_t chunks = pg::blob_chunk_count(size);
  for (std::int64_t chunk = 0; chunk < chunks; ++chunk) {
    auto rows = TRY(c.exec("SELECT bytes FROM blob_chunks WHERE sha256 = $1 AND chunk = $2",
                           Params().add(sha256).add(chunk), pg::ResultFormat::Binary));
    if (rows.empty())
      return Error::make(ErrorKind::Storage, "blob " + std::string(sha256) + " lacks chunk " + std::to_string(chunk));
    TRY(sink(rows.bytes(0, 0)));
  }
  return {};
}

}  // namespace

std::filesystem::path PgStore::cache_path_of(std::string_view sha256) const {
  return m_options.blob_cache_dir / std::string(sha256.substr(0, 2)) / std::string(sha256);
}

namespace {

// The row that makes a blob visible, written after all of its chunks in the same transaction.
Status insert_blob_row(Connection& c, const StoredBlob& blob, Timestamp created_at) {
  return c.run("INSERT INTO blobs(sha256, media_type, size, created_at) VALUES ($1, $2, $3, $4)"
               " ON CONFLICT(sha256) DO NOTHING",
               Params()
                   .add(blob.sha256)
                   .add(workflow::to_string(blob.media_type))
                   .add(blob.size)
                   .add(workflow::to_unix_seconds(created_at)));
}

}  // namespace

Result<StoredBlob> PgStore::put_blob(std::string_view bytes, Timestamp created_at) {
  const StoredBlob blob = TRY(admit_blob(bytes, m_options.max_attachment_bytes));
  TRY(m_pool->transact([&](Connection& c) -> Status {
    auto known = TRY(c.exec("SELECT 1 FROM blobs WHERE sha256 = $1", Params().add(blob.sha256)));
    if (!known.empty()) return {};  // same content, already stored
    // Chunks first, then the row that makes the blob visible, in one transaction. Two instances
    // storing the same content at once write identical chunks; the second's inserts wait for the
    // first and then do nothing.
    TRY(pg::write_blob_chunks(c, blob.sha256, bytes));
    return insert_blob_row(c, blob, created_at);
  }));
  return blob;
}

Result<StoredBlob> PgStore::put_blob_file(const std::filesystem::path& file, std::string_view sha256,
                                          Timestamp now) {
  StoredBlob blob;
  TRY(m_pool->transact([&](Connection& c) -> Status {
    if (!is_sha256_hex(sha256)) return Error::invalid("sha256", "文件编号无效");
    const bool known = !TRY(c.exec("SELECT 1 FROM blobs WHERE sha256 = $1", Params().add(sha256))).empty();
    // Read (and checked) even when the content is stored already: the file must be what it says.
    // Chunks of exactly kBlobChunkBytes, as the readers count them; the blobs row comes last, in the
    // same transaction, so that it always has all of its chunks.
    std::int64_t chunk = 0;
    blob = TRY(read_blob_file(file, sha256, pg::kBlobChunkBytes, [&](std::string_view bytes) -> Status {
      if (known) return {};
      return pg::write_blob_chunk(c, sha256, chunk++, bytes);
    }));
    return insert_blob_row(c, blob, now);
  }));
  // The file is this machine's copy of the blob now: it becomes the cache entry blob_file() would
  // write (whole and fsync'd by its writer), or goes when the cache has one or lives elsewhere.
  const std::filesystem::path cached = cache_path_of(blob.sha256);
  std::error_code ec;
  if (!std::filesystem::exists(cached, ec) && make_private_folder(cached.parent_path())) {
    std::filesystem::rename(file, cached, ec);
    if (!ec) return blob;
  }
  std::filesystem::remove(file, ec);
  return blob;
}

Result<workflow::Attachment> PgStore::store_attachment(std::string_view bytes, workflow::AttachmentPurpose purpose) {
  const StoredBlob blob = TRY(put_blob(bytes, workflow::from_unix_seconds(std::time(nullptr))));
  return workflow::Attachment{blob.sha256, blob.media_type, blob.size, purpose};
}

Result<std::string> PgStore::attachment_bytes(std::string_view sha256) { return blob_bytes(sha256); }

Result<std::string> PgStore::blob_bytes(std::string_view sha256) {
  return m_pool->with_connection([&](Connection& c) -> Result<std::string> {
    const std::int64_t size = TRY(blob_size(c, sha256));
    std::string bytes;
    bytes.reserve(static_cast<std::size_t>(size));
    TRY(read_chunks(c, sha256, size, [&](std::string_view chunk) -> Status {
      bytes.append(chunk);
      return {};
    }));
    return bytes;
  });
}

Result<std::filesystem::path> PgStore::blob_file(std::string_view sha256) {
  if (!is_sha256_hex(sha256)) return Error::invalid("sha256", "附件编号无效");
  const std::filesystem::path path = cache_path_of(sha256);
  const std::filesystem::path folder = path.parent_path();
  std::error_code ec;
  // Content-addressed and written atomically: a file by this name is the whole blob.
  if (std::filesystem::is_regular_file(path, ec)) return path;
  TRY(m_pool->with_connection([&](Connection& c) -> Status {
    const std::int64_t size = TRY(blob_size(c, sha256));
    TRY(make_private_folder(folder));
    auto file = TRY(core::AtomicFile::create(path, kPrivateFileMode));
    Sha256Stream digest;
    std::int64_t written = 0;
    TRY(read_chunks(c, sha256, size, [&](std::string_view chunk) -> Status {
      if (!file.write(chunk)) return Error::make(ErrorKind::Io, "cannot write " + path.string());
      digest.update(chunk);
      written += static_cast<std::int64_t>(chunk.size());
      return {};
    }));
    // The cache must never serve other bytes than the name promises.
    if (written != size || digest.hex_digest() != sha256)
      return Error::make(ErrorKind::Storage, "blob " + std::string(sha256) + " in the database is damaged");
    return file.commit();
  }));
  return path;
}

// ---- documents area ------------------------------------------------------------------------------

Result<std::string> PgStore::college_name(std::string_view college_code) {
  return m_pool->with_connection([&](Connection& c) -> Result<std::string> {
    auto rows = TRY(c.exec("SELECT name FROM colleges WHERE code = $1", Params().add(college_code)));
    if (rows.empty()) return Error::make(ErrorKind::NotFound, "学院不存在", "college_code");
    return rows.text(0, 0);
  });
}

Result<workflow::Agreement> PgStore::agreement_by_serial(std::string_view serial) {
  // No transaction: a serial exists only once the agreement is signed, and a signed agreement and
  // its attachments never change, so its two reads agree without one (and the portal's downloads
  // by serial save two round trips).
  return m_pool->with_connection([&](Connection& c) -> Result<workflow::Agreement> {
    auto rows = TRY(c.exec(std::string(pg::kAgreementColumns) + "WHERE serial = $1", Params().add(serial)));
    if (rows.empty()) return Error::make(ErrorKind::NotFound, "没有这个编号的协议", "serial");
    workflow::Agreement agreement = TRY(pg::agreement_from_row(rows, 0));
    agreement.attachments = TRY(load_attachments(c, "agreement_attachments", "agreement_id", agreement.id));
    return agreement;
  });
}

Result<SignedDocument> PgStore::load_signed_document(Connection& c, std::int64_t agreement_id) {
  auto rows = TRY(c.exec("SELECT agreement_id, serial, sha256, content_hash, created_at FROM signed_documents"
                         " WHERE agreement_id = $1",
                         Params().add(agreement_id)));
  if (rows.empty()) return Error::make(ErrorKind::NotFound, "协议文件尚未生成");
  return SignedDocument{rows.int64(0, 0), rows.text(0, 1), rows.text(0, 2), rows.text(0, 3),
                        workflow::from_unix_seconds(rows.int64(0, 4))};
}

Result<SignedDocument> PgStore::put_signed_document(const SignedDocument& document, std::string_view pdf) {
  // Bytes first (committed), then the record: a committed record always finds its blob.
  const StoredBlob blob = TRY(put_blob(pdf, document.created_at));
  return m_pool->transact([&](Connection& c) -> Result<SignedDocument> {
    // Two first downloads on two instances may race to store the same document; the first stays.
    TRY(c.run("INSERT INTO signed_documents(agreement_id, serial, sha256, content_hash, created_at)"
              " VALUES ($1, $2, $3, $4, $5) ON CONFLICT(agreement_id) DO NOTHING",
              Params()
                  .add(document.agreement_id)
                  .add(document.serial)
                  .add(blob.sha256)
                  .add(document.content_hash)
                  .add(workflow::to_unix_seconds(document.created_at))));
    return load_signed_document(c, document.agreement_id);
  });
}

Result<SignedDocument> PgStore::signed_document(std::int64_t agreement_id) {
  return m_pool->with_connection([&](Connection& c) { return load_signed_document(c, agreement_id); });
}

// No index on sha256, as in SQLite: one row per signed agreement, and the public check that asks
// is rate-limited per client.
Result<SignedDocument> PgStore::signed_document_by_sha256(std::string_view sha256) {
  return m_pool->with_connection([&](Connection& c) -> Result<SignedDocument> {
    auto rows = TRY(c.exec("SELECT agreement_id FROM signed_documents WHERE sha256 = $1 LIMIT 1",
                           Params().add(sha256)));
    if (rows.empty()) return Error::make(ErrorKind::NotFound, "没有与这份文件一致的协议文件");
    return load_signed_document(c, rows.int64(0, 0));
  });
}

Status PgStore::record_verification(const VerificationRecord& record) {
  return m_pool->with_connection([&](Connection& c) {
    return c.run("INSERT INTO verifications(at, token, serial, answer, client_address) VALUES ($1, $2, $3, $4, $5)",
                 Params()
                     .add(workflow::to_unix_seconds(record.at))
                     .add(record.token)
                     .add(record.serial)
                     .add(record.answer)
                     .add(record.client_address));
  });
}

Result<VerificationSummary> PgStore::verifications(std::string_view serial, int recent_limit) {
  return m_pool->transact([&](Connection& c) -> Result<VerificationSummary> {
    const std::string where = serial.empty() ? " WHERE $1 = ''" : " WHERE serial = $1";
    VerificationSummary summary;
    auto counts = TRY(c.exec("SELECT answer, COUNT(*) FROM verifications" + where + " GROUP BY answer",
                             Params().add(serial)));
    for (int r = 0; r < counts.size(); ++r) {
      const std::string answer = counts.text(r, 0);
      if (answer == "valid")
        summary.valid = counts.int64(r, 1);
      else if (answer == "terminated")
        summary.terminated = counts.int64(r, 1);
      else
        summary.invalid = counts.int64(r, 1);
    }
    auto recent = TRY(c.exec("SELECT id, at, token, serial, answer, client_address FROM verifications" + where +
                                 " ORDER BY id DESC LIMIT $2",
                             Params().add(serial).add(recent_limit)));
    for (int r = 0; r < recent.size(); ++r) {
      VerificationRecord record;
      record.id = recent.int64(r, 0);
      record.at = workflow::from_unix_seconds(recent.int64(r, 1));
      record.token = recent.text(r, 2);
      record.serial = recent.optional_text(r, 3);
      record.answer = recent.text(r, 4);
      record.client_address = recent.text(r, 5);
      summary.recent.push_back(std::move(record));
    }
    return summary;
  });
}

// ---- the school's public address ----------------------------------------------------------------

namespace {

// Serialises the writers of the address across instances until their transactions end.
constexpr const char* kPublicBaseLock = "SELECT pg_advisory_xact_lock(hashtextextended('sanfang public base', 0))";

Result<std::optional<std::string>> stored_public_base(Connection& c) {
  auto rows = TRY(c.exec("SELECT value FROM school_settings WHERE key = 'public_base'"));
  if (rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(rows.text(0, 0));
}

}  // namespace

Result<std::optional<std::string>> PgStore::public_base() {
  return m_pool->with_connection([](Connection& c) { return stored_public_base(c); });
}

Status PgStore::write_public_base(Connection& c, const std::string& old_url, const std::string& url,
                                  const workflow::Actor& by, workflow::Timestamp now) {
  TRY(c.run("INSERT INTO school_settings(key, value) VALUES ('public_base', $1)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            Params().add(url)));
  return append_audit_events(c, {workflow::public_base_change(old_url, url, by, now)}, "public_base");
}

Result<std::string> PgStore::adopt_public_base(const std::string& url, const workflow::Actor& by,
                                               workflow::Timestamp now) {
  return m_pool->transact([&](Connection& c) -> Result<std::string> {
    TRY(c.run(kPublicBaseLock));
    if (const auto stored = TRY(stored_public_base(c))) return *stored;
    TRY(write_public_base(c, "", url, by, now));
    return url;
  });
}

Result<std::string> PgStore::change_public_base(const std::string& url, const workflow::Actor& by,
                                                workflow::Timestamp now) {
  return m_pool->transact([&](Connection& c) -> Result<std::string> {
    TRY(c.run(kPublicBaseLock));
    const std::string old_url = TRY(stored_public_base(c)).value_or("");
    TRY(write_public_base(c, old_url, url, by, now));
    return old_url;
  });
}

}  // namespace sanfang::store
