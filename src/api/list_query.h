// What the list routes (agreements, students) share when reading their query string: the page
// limits, search terms, integers, and the refusal of a parameter the list does not know — refused
// rather than ignored, so that a misspelt filter never looks like an empty result.
#pragma once

#include "api/http.h"
#include "core/result.h"

#include <cstddef>
#include <optional>
#include <set>
#include <string>

namespace sanfang::api {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 200;
// A name fragment, a major, a student number: what a search box holds, with room to spare.
inline constexpr std::size_t kMaxSearchTermBytes = 64;

// InvalidInput naming the first parameter that is not in `known`.
Status refuse_unknown_parameters(const HttpRequest& request, const std::set<std::string>& known);

// An integer in [min, max], or `fallback` when the parameter is absent.
Result<int> query_integer(const HttpRequest& request, const char* name, int fallback, int min, int max);

// A search term: trimmed, not empty, at most kMaxSearchTermBytes; nullopt when absent.
Result<std::optional<std::string>> query_term(const HttpRequest& request, const char* name);

// A graduation year (a cohort of students), 2000 to 2100; nullopt when absent.
Result<std::optional<int>> query_graduation_year(const HttpRequest& request, const char* name);

struct Paging {
  int limit = kDefaultPageSize;
  int offset = 0;
};
// `limit` (1 to kMaxPageSize) and `offset`.
Result<Paging> query_paging(const HttpRequest& request);

}  // namespace sanfang::api
