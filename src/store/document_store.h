// The documents area of the store: attachment files, the signed agreements' PDFs, the bytes of
// every content-addressed blob, and the log of verification QR scans (SPEC "The document",
// "Verification").
//
// Blobs are addressed by the sha256 of their bytes, so storing the same bytes twice keeps one
// copy and a blob never changes once stored.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/blob_store.h"
#include "workflow/entities.h"

namespace sanfang::store {

// The PDF of a signed agreement, rendered once when it was signed (SPEC "The document": the PDF
// is a pure function of its inputs) and kept content-addressed in the blob store. content_hash is
// the render input's hash that the QR codes' MACs bind, so verification keeps working even if
// the school's configuration changes later.
struct SignedDocument {
  std::int64_t agreement_id = 0;
  std::string serial;
  std::string sha256;        // of the PDF bytes, lower-case hex
  std::string content_hash;  // of the render input, lower-case hex
  workflow::Timestamp created_at{};
};

// One scan of a verification QR code: when, which token, what the page answered and who asked
// (the client address a proxy reports, empty when none), so the school sees forgeries being tried.
struct VerificationRecord {
  std::int64_t id = 0;
  workflow::Timestamp at{};
  std::string token;
  std::optional<std::string> serial;  // the serial the token claims, when it parses
  std::string answer;                 // "valid" | "terminated" | "invalid"
  std::string client_address;
};

struct VerificationSummary {
  std::int64_t valid = 0;
  std::int64_t terminated = 0;
  std::int64_t invalid = 0;
  std::vector<VerificationRecord> recent;  // newest first
};

class DocumentStore {
 public:
  virtual ~DocumentStore() = default;

  // ---- attachments ----
  // Writes the bytes durably to the blob store, then records them; the returned attachment can be
  // referenced by a later change.
  virtual Result<workflow::Attachment> store_attachment(std::string_view bytes,
                                                        workflow::AttachmentPurpose purpose) = 0;
  virtual Result<std::string> attachment_bytes(std::string_view sha256) = 0;

  // ---- signed documents and blobs ----
  // Writes the PDF durably to the blob store, then records it under the sha256 of its bytes
  // (document.sha256 is ignored). A document is recorded once per agreement: a second call keeps
  // the first record and returns it.
  virtual Result<SignedDocument> put_signed_document(const SignedDocument& document,
                                                     std::string_view pdf) = 0;
  // NotFound when the agreement has no stored document yet.
  virtual Result<SignedDocument> signed_document(std::int64_t agreement_id) = 0;
  // The signed document whose PDF bytes hash to `sha256` (lower-case hex): "is this file one the
  // school issued?" NotFound when no signed document has these bytes.
  virtual Result<SignedDocument> signed_document_by_sha256(std::string_view sha256) = 0;
  // Takes a finished file of this machine (a print job's PDF, of any size) into the blob store as
  // the blob `sha256` — what its writer counted, checked while it is read (store/blob_store.h
  // read_blob_file) — and records it, without ever holding the file in memory: SQLite's blob
  // folder adopts the file by rename; PostgreSQL streams it into 1 MiB chunks and keeps the file as
  // this machine's cached copy. Either way the file is gone from `file` afterwards, and the blob is
  // durable before this returns. On an error nothing is recorded and the file stays.
  virtual Result<StoredBlob> put_blob_file(const std::filesystem::path& file, std::string_view sha256,
                                           workflow::Timestamp now) = 0;
  virtual Result<std::string> blob_bytes(std::string_view sha256) = 0;
  // The blob's file on this machine's disk (blobs are files beside either database), so that a
  // large download is sent with sendfile rather than read into memory.
  virtual Result<std::filesystem::path> blob_file(std::string_view sha256) = 0;

  // ---- verification log ----
  virtual Status record_verification(const VerificationRecord& record) = 0;
  // Counts and the `recent_limit` newest checks; of one serial, or of all when `serial` is empty.
  virtual Result<VerificationSummary> verifications(std::string_view serial, int recent_limit) = 0;

  // ---- the school's public address (workflow/public_address.h) ----
  // The base of the verification URL every document prints; nullopt before the first start
  // stored one.
  virtual Result<std::optional<std::string>> public_base() = 0;
  // The first start: stores `url` (validated by the caller) when no address is stored yet, with
  // its audit event, and returns the stored address either way — of several instances starting
  // together, one stores and the others adopt it.
  virtual Result<std::string> adopt_public_base(const std::string& url, const workflow::Actor& by,
                                                workflow::Timestamp now) = 0;
  // An explicit change: replaces the stored address and records old → new in the audit log, in
  // one transaction; returns the old address (empty when none was stored).
  virtual Result<std::string> change_public_base(const std::string& url, const workflow::Actor& by,
                                                 workflow::Timestamp now) = 0;
};

}  // namespace sanfang::store
