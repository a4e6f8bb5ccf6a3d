// sanfang's subcommands. Each takes its arguments (after the subcommand name) and returns the
// process exit status: 0 success, 1 failure (one line on stderr naming the field), 2 usage.
#pragma once

#include <string>
#include <vector>

namespace sanfang::cli {

int render_command(const std::vector<std::string>& args);
int serve_command(const std::vector<std::string>& args);
int bench_command(const std::vector<std::string>& args);

}  // namespace sanfang::cli
