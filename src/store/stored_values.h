// How values the workflow holds are written to a column and read back, the same in every store
// backend: JSON kept as text, review chains as a JSON list of level names, times as unix seconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "workflow/entities.h"

namespace sanfang::store {

// Storage (naming the column) when the stored text is not JSON: the database was damaged or
// edited by hand.
inline Result<nlohmann::json> parse_json_column(const std::string& text, const char* column) {
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (parsed.is_discarded())
    return Error::make(ErrorKind::Storage, std::string("stored JSON is damaged in ") + column);
  return parsed;
}

inline std::string chain_to_json(const workflow::ReviewChain& chain) {
  nlohmann::json array = nlohmann::json::array();
  for (auto level : chain) array.push_back(workflow::to_string(level));
  return array.dump();
}

inline Result<workflow::ReviewChain> chain_from_json(const std::string& text) {
  const auto array = TRY(parse_json_column(text, "review_chain"));
  workflow::ReviewChain chain;
  if (!array.is_array()) return Error::make(ErrorKind::Storage, "review_chain is not a list");
  for (const auto& item : array) {
    if (!item.is_string()) return Error::make(ErrorKind::Storage, "review_chain holds a non-name");
    chain.push_back(TRY(workflow::parse_review_level(item.get<std::string>())));
  }
  return chain;
}

inline std::optional<std::int64_t> optional_seconds(const std::optional<workflow::Timestamp>& t) {
  if (!t) return std::nullopt;
  return workflow::to_unix_seconds(*t);
}

inline std::optional<workflow::Timestamp> optional_timestamp(const std::optional<std::int64_t>& seconds) {
  if (!seconds) return std::nullopt;
  return workflow::from_unix_seconds(*seconds);
}

}  // namespace sanfang::store
