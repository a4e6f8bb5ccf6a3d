#include "cli/commands.h"

#include <clocale>
#include <cstdio>
#include <string>
#include <vector>

namespace {

constexpr const char* kUsage = R"(usage: sanfang <command> [options]

commands:
  render IN.json [IN2.json ...] -o OUT.pdf [--png OUT.png --page N] [--dpi D]
         [--layout FILE] [--fonts DIR] [--data DIR | --key FILE] [--public-base URL]
                 render agreements (render input JSON) into one print-ready PDF
  serve [--data DIR] [--listen HOST:PORT] [--config FILE] [--public-base URL]
                 the HTTP service (SQLite in DIR, default ./data; 127.0.0.1:8080)
  bench [--agreements N] [--runs R]
                 rendering benchmark: one agreement, and N agreements into one PDF
)";

}  // namespace

int main(int argc, char** argv) {
  // cairo 1.16 parses tag attribute numbers with the C locale's decimal point (tech-notes §2.3).
  std::setlocale(LC_ALL, "C");
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const std::string command = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "render") return sanfang::cli::render_command(args);
  if (command == "bench") return sanfang::cli::bench_command(args);
  if (command == "serve") return sanfang::cli::serve_command(args);
  if (command == "help" || command == "--help" || command == "-h") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  std::fprintf(stderr, "sanfang: unknown command \"%s\"\n%s", command.c_str(), kUsage);
  return 2;
}
