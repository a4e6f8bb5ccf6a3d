// How values the workflow holds are written to a column and read back, the same in every store
// backend: JSON kept as text, review chains as a JSON list of level names, times as unix seconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "workflow/entities.h"
#include "workflow/print_job.h"

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

// A print job's request as stored in print_jobs.request (written by the print store's insert).
inline Result<workflow::PrintRequest> print_request_from_json(const std::string& text) {
  const nlohmann::json in = nlohmann::json::parse(text, nullptr, false);
  if (!in.is_object()) return Error::make(ErrorKind::Storage, "print_jobs.request is not a JSON object");
  workflow::PrintRequest request;
  try {
    if (in.contains("college")) request.college = in["college"].get<std::string>();
    if (in.contains("major")) request.major = in["major"].get<std::string>();
    if (in.contains("signed_from"))
      request.signed_from = TRY(workflow::parse_calendar_date(in["signed_from"].get<std::string>(), "signed_from"));
    if (in.contains("signed_to"))
      request.signed_to = TRY(workflow::parse_calendar_date(in["signed_to"].get<std::string>(), "signed_to"));
    request.serials = in.value("serials", std::vector<std::string>{});
    request.copies = in.at("copies").get<std::vector<int>>();
    request.separator_sheets = in.at("separator_sheets").get<bool>();
    // Jobs created before parts existed hold neither: they are one file.
    request.one_file = in.value("one_file", true);
    request.part_limit = in.value("part_limit", workflow::kDefaultPartLimit);
  } catch (const nlohmann::json::exception& e) {
    return Error::make(ErrorKind::Storage, std::string("print_jobs.request: ") + e.what());
  }
  return request;
}

}  // namespace sanfang::store
