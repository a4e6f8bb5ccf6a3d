// The audit log's hash chain (SPEC: "append-only audit log ... hash-chained so that tampering is
// detectable"). Row n stores hash_n = sha256(hash_{n-1} || canonical(row n)); the first row chains
// from kGenesisHash. Editing, deleting or reordering any row breaks every later link, and the
// first broken one names where the tampering happened. Independent of the database so that any
// store implementation hashes exactly the same way.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "workflow/entities.h"

namespace sanfang::store {

inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// Compact JSON with sorted keys of every field of the row, including its id.
std::string canonical_audit_event(std::int64_t id, const workflow::AuditEvent& event);

std::string chain_hash(std::string_view prev_hash, std::string_view canonical_event);

}  // namespace sanfang::store
