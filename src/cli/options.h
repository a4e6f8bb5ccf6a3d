// A small argument reader for sanfang's subcommands: "--name value" options, "--flag" switches
// and positional arguments, with an error for anything unknown.
#pragma once

#include "core/result.h"
#include "store/open_store.h"

#include <initializer_list>
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
  // Appends each of `names` that was given, with its value, to `arguments`: how a command passes
  // its options on to a process of this program it starts.
  void pass_on(std::initializer_list<const char*> names, std::vector<std::string>& arguments) const;
};

// `with_value`: options that take a value (spelled with their dashes, e.g. "-o", "--page").
// `switches`: options without one.
Result<ParsedArgs> parse_args(const std::vector<std::string>& args, const std::set<std::string>& with_value,
                              const std::set<std::string>& switches);

// The options naming a command's store, taken by every command that opens one: --data DIR (the
// data folder, default ./data: the SQLite store, or only the secrets beside a PostgreSQL one) and
// --db URL (store/open_store.h). Add them to a command's options with with_store_options().
std::set<std::string> with_store_options(std::set<std::string> with_value);

// Where --data and --db point; the one place they are read.
store::StoreLocation store_location(const ParsedArgs& args, const std::string& school_code = {});

// Opens that store for a command. On SQLite, a data folder that holds no database yet is refused
// (naming --data) unless `create` — a command that reads or changes existing data must not
// silently start an empty one.
Result<std::unique_ptr<store::Store>> open_command_store(const store::StoreLocation& location, bool create);

}  // namespace sanfang::cli
