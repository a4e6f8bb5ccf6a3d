#include "store/backup.h"

#include <archive.h>
#include <archive_entry.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include "core/atomic_file.h"
#include "store/blob_store.h"
#include "store/private_files.h"
#include "store/secrets.h"
#include "store/sqlite_handle.h"
#include "store/sqlite_store.h"

namespace sanfang::store {
namespace {

using nlohmann::json;

constexpr std::string_view kFormat = "sanfang-backup";
constexpr int kFormatVersion = 1;
constexpr std::string_view kManifestName = "manifest.json";
constexpr std::string_view kBlobFolder = "blobs";
// The secrets a data folder holds beside its database: the key of the QR codes' MACs and the
// WeChat callback secret. Without the key, no printed QR code of the folder verifies.
constexpr std::array<std::string_view, 2> kSecretFiles = {"verification.key", "wechat.secret"};
// Members read whole into memory are small: a manifest lists one line per blob; secrets are
// a few dozen bytes. The database and blobs (print jobs' PDFs among them) are streamed.
constexpr std::int64_t kMaxManifestBytes = 256LL * 1024 * 1024;
constexpr std::int64_t kMaxSecretBytes = 64 * 1024;
constexpr std::size_t kChunkBytes = 64 * 1024;
constexpr std::chrono::milliseconds kBusyTimeout{10'000};

struct ArchiveWriteFree {
  void operator()(archive* handle) const { archive_write_free(handle); }
};
struct ArchiveReadFree {
  void operator()(archive* handle) const { archive_read_free(handle); }
};
struct ArchiveEntryFree {
  void operator()(archive_entry* entry) const { archive_entry_free(entry); }
};
using ArchiveWriter = std::unique_ptr<archive, ArchiveWriteFree>;
using ArchiveReader = std::unique_ptr<archive, ArchiveReadFree>;

struct FileDigest {
  std::string sha256;
  std::int64_t size = 0;
  bool operator==(const FileDigest&) const = default;
};

std::string database_name() { return SqliteStore::database_path({}).filename().string(); }

bool is_secret_name(std::string_view name) {
  for (std::string_view secret : kSecretFiles)
    if (name == secret) return true;
  return false;
}

std::string utc_now_iso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  std::array<char, 32> text{};
  std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text.data();
}

Error damaged(const std::string& what) { return Error::make(ErrorKind::InvalidInput, "archive damaged: " + what); }

// ---- what a snapshot holds (one definition for backup and restore) ---------------------------

// Every blob the database refers to: the blob table and each table naming a blob by its sha256
// (signed PDFs, agreement attachments, termination material, uploads).
Result<std::vector<std::string>> referenced_blobs(sqlite::Database& db) {
  auto rows = TRY(db.prepare(
      "SELECT sha256 FROM blobs UNION SELECT sha256 FROM signed_documents"
      " UNION SELECT sha256 FROM agreement_attachments UNION SELECT sha256 FROM termination_material"
      " UNION SELECT sha256 FROM agreement_uploads ORDER BY 1"));
  std::vector<std::string> hashes;
  while (TRY(rows.step())) hashes.push_back(rows.text(0));
  return hashes;
}

Result<BackupCounts> count_snapshot(sqlite::Database& db, std::int64_t blobs) {
  auto row = TRY(db.prepare(
      "SELECT (SELECT count(*) FROM students), (SELECT count(*) FROM agreements),"
      " (SELECT count(*) FROM agreements WHERE serial IS NOT NULL),"
      " (SELECT count(*) FROM signed_documents), (SELECT count(*) FROM audit_log)"));
  if (!TRY(row.step())) return Error::make(ErrorKind::Storage, "cannot count the snapshot");
  return BackupCounts{row.int64(0), row.int64(1), row.int64(2), row.int64(3), row.int64(4), blobs};
}

json counts_to_json(const BackupCounts& counts) {
  return {{"students", counts.students},
          {"agreements", counts.agreements},
          {"signed_agreements", counts.signed_agreements},
          {"signed_documents", counts.signed_documents},
          {"audit_events", counts.audit_events},
          {"blobs", counts.blobs}};
}

BackupCounts counts_from_json(const json& counts) {
  return {counts.at("students").get<std::int64_t>(),         counts.at("agreements").get<std::int64_t>(),
          counts.at("signed_agreements").get<std::int64_t>(), counts.at("signed_documents").get<std::int64_t>(),
          counts.at("audit_events").get<std::int64_t>(),      counts.at("blobs").get<std::int64_t>()};
}

// The member name of a blob: its path inside the data folder, as BlobStore lays it out.
Result<std::string> blob_member_name(const BlobStore& blobs, const std::filesystem::path& data_dir,
                                     std::string_view sha256) {
  const std::filesystem::path file = TRY(blobs.file(sha256));
  return file.lexically_relative(data_dir).generic_string();
}

// ---- writing ---------------------------------------------------------------------------------

// A file that is removed, with SQLite's side files, when the scope ends.
class ScratchDatabaseFile {
 public:
  static Result<ScratchDatabaseFile> create(const std::filesystem::path& beside) {
    const std::filesystem::path folder = beside.has_parent_path() ? beside.parent_path() : ".";
    std::string pattern = (folder / ("." + beside.filename().string() + ".snapshot-XXXXXX")).string();
    const int fd = ::mkostemp(pattern.data(), O_CLOEXEC);
    if (fd < 0)
      return Error::make(ErrorKind::Io, "cannot create a snapshot file beside " + beside.string() + ": " +
                                            std::strerror(errno));
    ::close(fd);
    return ScratchDatabaseFile(pattern);
  }
  ScratchDatabaseFile(ScratchDatabaseFile&& other) noexcept : m_path(std::move(other.m_path)) { other.m_path.clear(); }
  ScratchDatabaseFile& operator=(ScratchDatabaseFile&&) = delete;
  ~ScratchDatabaseFile() {
    if (m_path.empty()) return;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) ::unlink((m_path.string() + suffix).c_str());
  }
  const std::filesystem::path& path() const { return m_path; }

 private:
  explicit ScratchDatabaseFile(std::filesystem::path path) : m_path(std::move(path)) {}
  std::filesystem::path m_path;
};

la_ssize_t write_to_file(archive*, void* client, const void* buffer, size_t length) {
  auto* file = static_cast<core::AtomicFile*>(client);
  if (!file->write(std::string_view(static_cast<const char*>(buffer), length))) return -1;
  return static_cast<la_ssize_t>(length);
}

class ArchiveOut {
 public:
  static Result<ArchiveOut> open(const std::filesystem::path& target) {
    auto file = std::make_unique<core::AtomicFile>(TRY(core::AtomicFile::create(target, kPrivateFileMode)));
    ArchiveWriter writer(archive_write_new());
    if (!writer) return Error::make(ErrorKind::Internal, "libarchive: out of memory");
    if (archive_write_set_format_pax_restricted(writer.get()) != ARCHIVE_OK ||
        archive_write_open(writer.get(), file.get(), nullptr, write_to_file, nullptr) != ARCHIVE_OK)
      return Error::make(ErrorKind::Io, "cannot write " + target.string() + ": " +
                                            archive_error_string(writer.get()));
    return ArchiveOut(target, std::move(file), std::move(writer));
  }

  // Copies the file at `source` in as `name`, hashing the bytes that go in.
  Result<FileDigest> add_file(const std::string& name, const std::filesystem::path& source, mode_t mode) {
    std::ifstream in(source, std::ios::binary);
    std::error_code ec;
    const auto size = std::filesystem::file_size(source, ec);
    if (!in || ec) return Error::make(ErrorKind::Io, "cannot read " + source.string());
    TRY(header(name, static_cast<std::int64_t>(size), mode));
    Sha256Stream hash;
    std::vector<char> chunk(kChunkBytes);
    std::int64_t written = 0;
    while (in) {
      in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      const std::string_view piece(chunk.data(), static_cast<std::size_t>(in.gcount()));
      if (piece.empty()) break;
      hash.update(piece);
      TRY(data(piece));
      written += static_cast<std::int64_t>(piece.size());
    }
    // Only immutable files and our own snapshot are archived: a size change means damage.
    if (written != static_cast<std::int64_t>(size))
      return Error::make(ErrorKind::Io, source.string() + " changed while it was being archived");
    return FileDigest{hash.hex_digest(), written};
  }

  Status add_bytes(const std::string& name, std::string_view bytes, mode_t mode) {
    TRY(header(name, static_cast<std::int64_t>(bytes.size()), mode));
    return data(bytes);
  }

  Status commit() {
    if (archive_write_close(m_writer.get()) != ARCHIVE_OK) return write_error();
    return m_file->commit();
  }

 private:
  ArchiveOut(std::filesystem::path target, std::unique_ptr<core::AtomicFile> file, ArchiveWriter writer)
      : m_target(std::move(target)), m_file(std::move(file)), m_writer(std::move(writer)), m_time(std::time(nullptr)) {}

  Status header(const std::string& name, std::int64_t size, mode_t mode) {
    std::unique_ptr<archive_entry, ArchiveEntryFree> entry(archive_entry_new());
    archive_entry_set_pathname(entry.get(), name.c_str());
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), mode);
    archive_entry_set_size(entry.get(), size);
    archive_entry_set_mtime(entry.get(), m_time, 0);
    if (archive_write_header(m_writer.get(), entry.get()) != ARCHIVE_OK) return write_error();
    return {};
  }

  Status data(std::string_view bytes) {
    if (archive_write_data(m_writer.get(), bytes.data(), bytes.size()) != static_cast<la_ssize_t>(bytes.size()))
      return write_error();
    return {};
  }

  Error write_error() const {
    const char* why = archive_error_string(m_writer.get());
    return Error::make(ErrorKind::Io, "cannot write " + m_target.string() + (why ? std::string(": ") + why : ""));
  }

  std::filesystem::path m_target;
  std::unique_ptr<core::AtomicFile> m_file;  // declared before the writer: it outlives it
  ArchiveWriter m_writer;
  std::time_t m_time;
};

// ---- reading ---------------------------------------------------------------------------------

// A folder that is removed with everything in it when the scope ends, unless kept.
class StagingFolder {
 public:
  static Result<StagingFolder> create_beside(const std::filesystem::path& target) {
    std::string pattern = (target.parent_path() / ("." + target.filename().string() + ".restore-XXXXXX")).string();
    if (!::mkdtemp(pattern.data()))
      return Error::make(ErrorKind::Io, "cannot create a folder beside " + target.string() + ": " + std::strerror(errno));
    return StagingFolder(pattern);
  }
  StagingFolder(StagingFolder&& other) noexcept : m_path(std::move(other.m_path)) { other.m_path.clear(); }
  StagingFolder& operator=(StagingFolder&&) = delete;
  ~StagingFolder() {
    std::error_code ec;
    if (!m_path.empty()) std::filesystem::remove_all(m_path, ec);
  }
  const std::filesystem::path& path() const { return m_path; }
  void keep() { m_path.clear(); }

 private:
  explicit StagingFolder(std::filesystem::path path) : m_path(std::move(path)) {}
  std::filesystem::path m_path;
};

Status fsync_folder(const std::filesystem::path& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Error::make(ErrorKind::Io, "cannot open folder " + folder.string() + ": " + std::strerror(errno));
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) return Error::make(ErrorKind::Io, "cannot fsync folder " + folder.string());
  return {};
}

class ArchiveIn {
 public:
  static Result<ArchiveIn> open(const std::filesystem::path& file) {
    ArchiveReader reader(archive_read_new());
    if (!reader) return Error::make(ErrorKind::Internal, "libarchive: out of memory");
    archive_read_support_format_tar(reader.get());
    archive_read_support_filter_all(reader.get());
    if (archive_read_open_filename(reader.get(), file.c_str(), kChunkBytes) != ARCHIVE_OK)
      return Error::make(ErrorKind::InvalidInput, "cannot read " + file.string() + ": " +
                                                      archive_error_string(reader.get()));
    return ArchiveIn(std::move(reader));
  }

  // The next member's name and size; nullopt at the end.
  Result<std::optional<std::pair<std::string, std::int64_t>>> next() {
    archive_entry* entry = nullptr;
    const int rc = archive_read_next_header(m_reader.get(), &entry);
    if (rc == ARCHIVE_EOF) return std::optional<std::pair<std::string, std::int64_t>>();
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) return damaged(error_text());
    const char* name = archive_entry_pathname(entry);
    if (name == nullptr) return damaged("a member has no name");
    if (archive_entry_filetype(entry) != AE_IFREG) return damaged(std::string(name) + " is not a regular file");
    return std::optional(std::pair{std::string(name), static_cast<std::int64_t>(archive_entry_size(entry))});
  }

  // Hands the current member's bytes to `sink` in chunks.
  template <typename Sink>
  Status read(Sink&& sink) {
    std::vector<char> chunk(kChunkBytes);
    for (;;) {
      const la_ssize_t n = archive_read_data(m_reader.get(), chunk.data(), chunk.size());
      if (n == 0) return {};
      if (n < 0) return damaged(error_text());
      TRY(sink(std::string_view(chunk.data(), static_cast<std::size_t>(n))));
    }
  }

  Result<std::string> read_all(const std::string& name, std::int64_t size, std::int64_t limit) {
    if (size > limit) return damaged(name + " is larger than it can be (" + std::to_string(size) + " bytes)");
    std::string bytes;
    bytes.reserve(static_cast<std::size_t>(size));
    TRY(read([&](std::string_view piece) -> Status {
      if (static_cast<std::int64_t>(bytes.size() + piece.size()) > limit) return damaged(name + " is too large");
      bytes.append(piece);
      return {};
    }));
    return bytes;
  }

 private:
  explicit ArchiveIn(ArchiveReader reader) : m_reader(std::move(reader)) {}
  std::string error_text() const {
    const char* why = archive_error_string(m_reader.get());
    return why ? why : "unreadable tar data";
  }
  ArchiveReader m_reader;
};

// The archive's members in the staging folder, with the digest of the bytes that were read.
struct Unpacked {
  std::map<std::string, FileDigest> files;
  std::string manifest;
};

// The current member, written whole and durable to `target` while its digest is counted.
Result<FileDigest> unpack_to_file(ArchiveIn& in, const std::filesystem::path& target) {
  auto file = TRY(core::AtomicFile::create(target, kPrivateFileMode));
  Sha256Stream hash;
  std::int64_t written = 0;
  TRY(in.read([&](std::string_view piece) -> Status {
    hash.update(piece);
    written += static_cast<std::int64_t>(piece.size());
    if (!file.write(piece)) return Error::make(ErrorKind::Io, "cannot write " + target.string());
    return {};
  }));
  TRY(file.commit());
  return FileDigest{hash.hex_digest(), written};
}

Result<Unpacked> unpack(ArchiveIn& in, const std::filesystem::path& staging) {
  const std::string database = database_name();
  const auto blobs = TRY(BlobStore::open({staging / kBlobFolder}));
  Unpacked unpacked;
  bool has_manifest = false;
  while (auto member = TRY(in.next())) {
    const auto& [name, size] = *member;
    if (unpacked.files.count(name) || (name == kManifestName && has_manifest))
      return damaged(name + " appears twice");
    if (name == kManifestName) {
      unpacked.manifest = TRY(in.read_all(name, size, kMaxManifestBytes));
      has_manifest = true;
    } else if (name == database) {
      unpacked.files[name] = TRY(unpack_to_file(in, staging / database));
    } else if (is_secret_name(name)) {
      const std::string bytes = TRY(in.read_all(name, size, kMaxSecretBytes));
      auto file = TRY(core::AtomicFile::create(staging / name, kPrivateFileMode));
      if (!file.write(bytes)) return Error::make(ErrorKind::Io, "cannot write " + (staging / name).string());
      TRY(file.commit());
      unpacked.files[name] = {sha256_hex(bytes), static_cast<std::int64_t>(bytes.size())};
    } else if (name.starts_with(std::string(kBlobFolder) + "/")) {
      // Streamed to a file that the blob store then adopts: a print job's PDF may be any size.
      const std::filesystem::path incoming = staging / ".incoming-blob";
      const FileDigest digest = TRY(unpack_to_file(in, incoming));
      auto stored = blobs.adopt(incoming, digest.sha256);
      if (!stored) return damaged(name + ": " + stored.error().describe());
      // The name must be where the blob store keeps this content: a changed byte changes the hash.
      const std::string expected_name = TRY(blob_member_name(blobs, staging, stored->sha256));
      if (expected_name != name)
        return damaged(name + " does not hold the content its name says (its sha256 is " + stored->sha256 + ")");
      unpacked.files[name] = {stored->sha256, stored->size};
    } else {
      return damaged("unexpected member " + name + " (not a sanfang backup?)");
    }
  }
  if (!has_manifest) return damaged(std::string(kManifestName) + " is missing (not a sanfang backup?)");
  return unpacked;
}

// Every member matches the manifest, and the manifest names nothing that is missing.
Result<json> check_manifest(const Unpacked& unpacked) {
  json manifest = json::parse(unpacked.manifest, nullptr, false);
  if (manifest.is_discarded() || !manifest.is_object()) return damaged(std::string(kManifestName) + " is not JSON");
  std::map<std::string, FileDigest> listed;
  try {
    if (manifest.at("format").get<std::string>() != kFormat)
      return damaged(std::string(kManifestName) + " is not a sanfang backup manifest");
    if (manifest.at("format_version").get<int>() != kFormatVersion)
      return Error::make(ErrorKind::InvalidInput,
                         "unsupported backup format version " + manifest["format_version"].dump());
    for (const auto& file : manifest.at("files"))
      listed[file.at("path").get<std::string>()] = {file.at("sha256").get<std::string>(), file.at("size").get<std::int64_t>()};
    (void)counts_from_json(manifest.at("counts"));
  } catch (const json::exception& error) {
    return damaged(std::string(kManifestName) + ": " + error.what());
  }
  for (const auto& [path, digest] : listed) {
    const auto found = unpacked.files.find(path);
    if (found == unpacked.files.end()) return damaged(path + " is listed in the manifest but missing");
    if (found->second.size != digest.size)
      return damaged(path + " has " + std::to_string(found->second.size) + " bytes, the manifest says " +
                     std::to_string(digest.size));
    if (found->second.sha256 != digest.sha256)
      return damaged(path + " has sha256 " + found->second.sha256 + ", the manifest says " + digest.sha256);
  }
  for (const auto& [path, digest] : unpacked.files)
    if (!listed.count(path)) return damaged(path + " is not listed in the manifest");
  if (!listed.count(database_name())) return damaged("the database " + database_name() + " is missing");
  return manifest;
}

// The restored database is sound, holds what the manifest counted, and every blob it references
// was restored.
Result<BackupCounts> check_database(const std::filesystem::path& staging, const Unpacked& unpacked) {
  auto db = TRY(sqlite::Database::open(staging / database_name(), kBusyTimeout));
  auto check = TRY(db.prepare("PRAGMA quick_check"));
  if (!TRY(check.step()) || check.text(0) != "ok") return damaged("the database fails SQLite's integrity check");
  const auto blobs = TRY(BlobStore::open({staging / kBlobFolder}));
  const auto hashes = TRY(referenced_blobs(db));
  for (const auto& sha256 : hashes) {
    auto name = blob_member_name(blobs, staging, sha256);
    if (!name || !unpacked.files.count(*name)) return damaged("blob " + sha256 + " referenced by the database is missing");
  }
  return count_snapshot(db, static_cast<std::int64_t>(hashes.size()));
}

}  // namespace

Result<BackupReport> create_backup(const std::filesystem::path& data_dir, const std::filesystem::path& archive_path) {
  const std::filesystem::path database_file = SqliteStore::database_path(data_dir);
  if (!std::filesystem::is_regular_file(database_file))
    return Error::make(ErrorKind::NotFound, "no database in " + data_dir.string(), "--data");

  BackupReport report;
  std::vector<std::string> blob_hashes;
  auto snapshot = TRY(ScratchDatabaseFile::create(archive_path));
  {
    auto source = TRY(sqlite::Database::open(database_file, kBusyTimeout));
    auto copy = TRY(sqlite::Database::open(snapshot.path(), kBusyTimeout));
    // A rollback journal, not WAL, while copying: the copy's pages land in the file itself.
    TRY(copy.exec("PRAGMA journal_mode=DELETE"));
    report.created_at = utc_now_iso8601();
    TRY(sqlite::copy_database(source, copy));
    blob_hashes = TRY(referenced_blobs(copy));
    report.counts = TRY(count_snapshot(copy, static_cast<std::int64_t>(blob_hashes.size())));
  }  // both connections closed: the snapshot file is whole, with no side files

  auto out = TRY(ArchiveOut::open(archive_path));
  json files = json::array();
  auto add = [&](const std::string& name, const std::filesystem::path& source, mode_t mode) -> Status {
    const FileDigest digest = TRY(out.add_file(name, source, mode));
    files.push_back({{"path", name}, {"size", digest.size}, {"sha256", digest.sha256}});
    ++report.files;
    report.bytes += digest.size;
    return {};
  };
  TRY(add(database_name(), snapshot.path(), kPrivateFileMode));
  for (std::string_view secret : kSecretFiles) {
    if (!std::filesystem::is_regular_file(data_dir / secret)) continue;
    TRY(add(std::string(secret), data_dir / secret, kPrivateFileMode));
    report.secrets.emplace_back(secret);
  }
  const auto blobs = TRY(BlobStore::open({data_dir / kBlobFolder}));
  for (const auto& sha256 : blob_hashes) {
    auto name = blob_member_name(blobs, data_dir, sha256);
    if (!name)
      return Error::make(ErrorKind::Storage, "blob " + sha256 + " referenced by the database is missing from " +
                                                 (data_dir / kBlobFolder).string());
    TRY(add(*name, data_dir / *name, kPrivateFileMode));
    if (files.back()["sha256"] != sha256)
      return Error::make(ErrorKind::Storage, "blob " + *name + " does not hold the content its name says");
  }

  const json manifest = {{"format", kFormat},
                         {"format_version", kFormatVersion},
                         {"created_at", report.created_at},
                         {"counts", counts_to_json(report.counts)},
                         {"files", files}};
  TRY(out.add_bytes(std::string(kManifestName), manifest.dump(2) + "\n", kPrivateFileMode));
  TRY(out.commit());
  return report;
}

Result<BackupReport> restore_backup(const std::filesystem::path& archive_path, const std::filesystem::path& data_dir) {
  std::filesystem::path target = std::filesystem::absolute(data_dir).lexically_normal();
  if (!target.has_filename()) target = target.parent_path();
  std::error_code ec;
  if (std::filesystem::exists(target, ec) &&
      (!std::filesystem::is_directory(target, ec) || !std::filesystem::is_empty(target, ec)))
    return Error::make(ErrorKind::Conflict,
                       target.string() + " is not empty; restore needs a new or empty folder", "--data");
  if (!std::filesystem::is_regular_file(archive_path, ec))
    return Error::make(ErrorKind::NotFound, "no archive at " + archive_path.string());

  auto in = TRY(ArchiveIn::open(archive_path));
  std::filesystem::create_directories(target.parent_path(), ec);
  if (ec) return Error::make(ErrorKind::Io, "cannot create " + target.parent_path().string() + ": " + ec.message());
  auto staging = TRY(StagingFolder::create_beside(target));

  const Unpacked unpacked = TRY(unpack(in, staging.path()));
  const json manifest = TRY(check_manifest(unpacked));
  BackupReport report;
  report.counts = TRY(check_database(staging.path(), unpacked));
  if (!(report.counts == counts_from_json(manifest.at("counts"))))
    return damaged("the database does not hold what the manifest counted");

  {
    SqliteStoreOptions options;
    options.data_dir = staging.path();
    auto restored = TRY(SqliteStore::open(options));
    const AuditChainReport chain = TRY(restored->verify_audit_chain());
    if (!chain.intact())
      return Error::make(ErrorKind::InvalidInput,
                         "audit chain broken at event " + std::to_string(*chain.first_broken_id) + " in the archive");
  }

  report.created_at = manifest.value("created_at", "");
  for (std::string_view secret : kSecretFiles)
    if (unpacked.files.count(std::string(secret))) report.secrets.emplace_back(secret);
  report.files = static_cast<std::int64_t>(unpacked.files.size());
  for (const auto& [path, digest] : unpacked.files) report.bytes += digest.size;

  if (::rename(staging.path().c_str(), target.c_str()) != 0)
    return Error::make(ErrorKind::Conflict, "cannot move the restored folder to " + target.string() + ": " +
                                                std::strerror(errno), "--data");
  staging.keep();
  TRY(fsync_folder(target.parent_path()));
  return report;
}

}  // namespace sanfang::store
