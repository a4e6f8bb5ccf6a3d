#include "cli/options.h"

#include <charconv>

namespace sanfang::cli {

std::string ParsedArgs::get(const std::string& name, const std::string& fallback) const {
  auto it = values.find(name);
  return it == values.end() ? fallback : it->second;
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

}  // namespace sanfang::cli
