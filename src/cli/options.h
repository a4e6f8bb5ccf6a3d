// A small argument reader for sanfang's subcommands: "--name value" options, "--flag" switches
// and positional arguments, with an error for anything unknown.
#pragma once

#include "core/result.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace sanfang::cli {

struct ParsedArgs {
  std::vector<std::string> positional;
  std::map<std::string, std::string> values;
  std::set<std::string> flags;

  std::string get(const std::string& name, const std::string& fallback = {}) const;
  bool has(const std::string& name) const { return values.count(name) || flags.count(name); }
  Result<int> get_int(const std::string& name, int fallback) const;
};

// `with_value`: options that take a value (spelled with their dashes, e.g. "-o", "--page").
// `switches`: options without one.
Result<ParsedArgs> parse_args(const std::vector<std::string>& args, const std::set<std::string>& with_value,
                              const std::set<std::string>& switches);

}  // namespace sanfang::cli
