#include "cli/options.h"

#include "store/sqlite_store.h"

#include <charconv>

namespace sanfang::cli {

std::string ParsedArgs::get(const std::string& name, const std::string& fallback) const {
  auto it = values.find(name);
  return it == values.end() ? fallback : it->second;
}

void ParsedArgs::pass_on(std::initializer_list<const char*> names, std::vector<std::string>& arguments) const {
  for (const char* name : names) {
    const auto value = values.find(name);
    if (value == values.end()) continue;
    arguments.push_back(name);
    arguments.push_back(value->second);
  }
}

Result<int> ParsedArgs::get_int(const std::string& name, int fallback) const {
  auto it = values.find(name);
  if (it == values.end()) return fallback;
  int value = 0;
  auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), value);
  if (ec != std::errc() || end != it->second.data() + it->second.size()) {
    return Error::invalid(name, "expects a whole number, got \"" + it->second + "\"");
  }
  return value;
}

Result<ParsedArgs> parse_args(const std::vector<std::string>& args, const std::set<std::string>& with_value,
                              const std::set<std::string>& switches) {
  ParsedArgs parsed;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.size() > 1 && arg[0] == '-') {
      if (with_value.count(arg)) {
        if (i + 1 >= args.size()) return Error::invalid(arg, "needs a value");
        parsed.values[arg] = args[++i];
      } else if (switches.count(arg)) {
        parsed.flags.insert(arg);
      } else {
        return Error::invalid(arg, "unknown option");
      }
    } else {
      parsed.positional.push_back(arg);
    }
  }
  return parsed;
}

std::set<std::string> with_store_options(std::set<std::string> with_value) {
  with_value.insert({"--data", "--db"});
  return with_value;
}

store::StoreLocation store_location(const ParsedArgs& args, const std::string& school_code) {
  store::StoreLocation location;
  location.db = args.get("--db");
  location.data_dir = args.get("--data", "data");
  location.school_code = school_code;
  location.pool_size = 2;  // a command works on one thread (plus the odd second connection)
  return location;
}

Result<std::unique_ptr<store::Store>> open_command_store(const store::StoreLocation& location, bool create) {
  const auto folder = TRY(store::sqlite_folder(location));
  // Opening a SQLite store creates a missing database; reading or changing nothing must say so.
  if (folder && !create && !std::filesystem::exists(store::SqliteStore::database_path(*folder)))
    return Error::invalid(location.db.empty() ? "--data" : "--db", "no database in " + folder->string());
  return store::open_store(location);
}

}  // namespace sanfang::cli
