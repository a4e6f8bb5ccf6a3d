// Backup and restore of a data folder as one POSIX tar archive (pax format), readable with
// `tar -xf` on any Debian machine. Members, in this order:
//   sanfang.sqlite3        a snapshot of the database made with SQLite's online backup API
//   verification.key,      the folder's secrets, when present: the archive is as secret as the
//   wechat.secret          folder itself and is written with mode 0600
//   blobs/xx/<sha256>      every content-addressed file the snapshot references (signed PDFs,
//                          attachments, uploads, finished print jobs' PDFs), at the same path as
//                          in the data folder
//   manifest.json          format, creation time, counts, and the size and sha256 of every member
//
// Consistency while the service runs: the database is copied first, in one read transaction, so
// it is one committed state; the blobs it names are copied afterwards. That is safe because a blob
// is immutable, named by its content, and durable before any transaction that references it
// commits — every blob the snapshot names exists, unchanged, when it is copied; blobs stored after
// the snapshot are not referenced by it and are left out.
//
// Trade-offs: the archive is not compressed — signed PDFs already are, and compressing on a busy
// service machine costs more time than it saves (a compressed copy, .tar.gz or .tar.xz, restores
// too). The manifest's hashes detect damage and truncation, not a forger who rewrites the manifest
// as well: keep backups where only operators can reach them. A finished print job's PDF is a
// blob like any other and is included (it can be large: a job of 1,000 agreements is over
// 100 MB); a `sanfang batch` job's file was written where it was asked for and is not.
//
// Restore never writes into a folder that is not empty. It unpacks into a temporary sibling
// folder, checks every member against the manifest, every blob's name against its content, the
// counts and references of the database, and the audit chain, and only then renames the folder
// into place: a refused archive leaves nothing behind.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/result.h"

namespace sanfang::store {

// What a snapshot holds, counted the same way at backup and at restore.
struct BackupCounts {
  std::int64_t students = 0;
  std::int64_t agreements = 0;
  // Agreements that were signed (they hold a serial: signed, termination requested or terminated).
  std::int64_t signed_agreements = 0;
  std::int64_t signed_documents = 0;
  std::int64_t audit_events = 0;
  std::int64_t blobs = 0;
  bool operator==(const BackupCounts&) const = default;
};

struct BackupReport {
  BackupCounts counts;
  std::string created_at;            // UTC, ISO 8601: when the snapshot was taken
  std::vector<std::string> secrets;  // the secret files the archive holds
  std::int64_t files = 0;            // members besides the manifest
  std::int64_t bytes = 0;            // their total size
};

// Writes the archive of `data_dir` to `archive` (replaced atomically when it exists).
Result<BackupReport> create_backup(const std::filesystem::path& data_dir, const std::filesystem::path& archive);

// Restores `archive` into `data_dir`, which must be missing or an empty folder. On success the
// report describes what was restored and verified; on any error nothing has been written.
Result<BackupReport> restore_backup(const std::filesystem::path& archive, const std::filesystem::path& data_dir);

}  // namespace sanfang::store
