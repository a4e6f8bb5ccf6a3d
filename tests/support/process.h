// Test support for real processes: a child started from a binary with its own arguments and
// environment, its standard error collected in a file, stopped with SIGTERM or SIGKILL (and
// killed when the test ends early, so no child outlives a failed test); a free loopback port;
// and a wait until a service's /healthz answers.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace sanfang::testing {

// A TCP port on 127.0.0.1 that nothing listens on right now (the kernel's choice).
int free_port();

struct ProcessOptions {
  // Added to (or replacing in) the environment of the test process.
  std::map<std::string, std::string> environment;
  // Where the child's standard error goes (empty: the test's own). Standard output is discarded
  // when this is set, else shared with the test.
  std::filesystem::path stderr_file;
};

class Process {
 public:
  // Starts args[0] (a path) with args; fails the test when it cannot be started.
  explicit Process(const std::vector<std::string>& args, const ProcessOptions& options = {});
  ~Process();
  Process(Process&& other) noexcept;
  Process& operator=(Process&& other) noexcept;
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return m_pid; }
  // Where its standard error goes (empty: the test's own).
  const std::filesystem::path& stderr_file() const { return m_stderr_file; }
  bool running();
  // Waits for the exit: the exit status, or -1 when a signal ended it.
  int wait();
  // SIGTERM (a graceful stop), then wait().
  int terminate();
  // SIGKILL (a crash), then wait for it.
  void kill();

 private:
  void reap(int status);
  pid_t m_pid = -1;
  int m_exit_status = -1;
  std::filesystem::path m_stderr_file;
};

// Runs args to completion: its exit status (-1 when a signal ended it).
int run_process(const std::vector<std::string>& args, const ProcessOptions& options = {});

// Polls base_url + "/healthz" until it answers 200; fails the test, showing what the process wrote
// on standard error, when it exits first or has not answered within a minute.
void wait_until_healthy(const std::string& base_url, Process& process);

// The contents of a file (empty when it does not exist): a child's collected standard error.
std::string read_file(const std::filesystem::path& path);

}  // namespace sanfang::testing
