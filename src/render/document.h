// AgreementDocument: one agreement as the renderer sees it — the render input JSON
// (api/render-input.schema.json) parsed, validated and turned into the display text of every
// field. This is the "prepare" stage: everything after it works on plain strings that are known
// to be well-formed, coded values already replaced by their printed labels.
#pragma once

#include "core/code_lists.h"
#include "core/result.h"

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace sanfang::render {

struct AgreementDocument {
  std::optional<std::string> serial;  // 16 characters, no spaces; absent for a preview
  // Signing time as ISO 8601 UTC ("2026-05-20T02:00:00Z"); the PDF's dates come from it so the
  // file is a pure function of its input. The Unix epoch for a preview without one.
  std::string timestamp_utc;
  // Display text by input path ("student.name", "employer.nature", ...), plus the derived
  // "serial" (grouped for reading, or the preview notice) and "signed_date" (年月日, Beijing).
  std::map<std::string, std::string, std::less<>> values;
  // SHA-256 over the canonical input JSON: what the verification MAC binds a printed copy to.
  std::array<unsigned char, 32> content_hash{};
  // Base of the verification URL in this document's QR codes: the school's public address
  // stored with its data. Empty: RenderOptions::public_base_url. Not part of the content hash, so
  // a changed address keeps every earlier copy verifiable.
  std::string public_base;

  bool is_preview() const { return !serial.has_value(); }
  std::string_view value(std::string_view path) const;
};

// Parses render input. Errors (malformed JSON, unknown or missing field, wrong type, failed
// national-code check, unknown code, forbidden character) name the offending field path.
Result<AgreementDocument> parse_document(std::string_view json_text, const core::CodeLists& codes);
Result<AgreementDocument> make_document(const nlohmann::json& input, const core::CodeLists& codes);

// True when `path` names a value a layout may print ({student.name}, {serial}, ...).
bool is_document_path(std::string_view path);

}  // namespace sanfang::render
