#include "process.h"

#include <catch2/catch.hpp>
#include <curl/curl.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>
#include <utility>

extern char** environ;

namespace sanfang::testing {

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                     ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  ::close(fd);
  REQUIRE(bound);
  return ntohs(address.sin_port);
}

namespace {

// The test's environment with `overrides` added or replaced, as NAME=VALUE strings.
std::vector<std::string> child_environment(const std::map<std::string, std::string>& overrides) {
  std::vector<std::string> result;
  for (char** entry = environ; *entry; ++entry) {
    const std::string text = *entry;
    const std::string name = text.substr(0, text.find('='));
    if (!overrides.count(name)) result.push_back(text);
  }
  for (const auto& [name, value] : overrides) result.push_back(name + "=" + value);
  return result;
}

class SpawnActions {
 public:
  SpawnActions() { posix_spawn_file_actions_init(&m_actions); }
  ~SpawnActions() { posix_spawn_file_actions_destroy(&m_actions); }
  SpawnActions(const SpawnActions&) = delete;
  SpawnActions& operator=(const SpawnActions&) = delete;
  posix_spawn_file_actions_t* get() { return &m_actions; }

 private:
  posix_spawn_file_actions_t m_actions;
};

std::size_t discard(char*, std::size_t size, std::size_t count, void*) { return size * count; }

long healthz_status(const std::string& base_url) {
  CURL* curl = curl_easy_init();
  const std::string url = base_url + "/healthz";
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 5L);
  long status = 0;
  if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(curl);
  return status;
}

}  // namespace

Process::Process(const std::vector<std::string>& args, const ProcessOptions& options)
    : m_stderr_file(options.stderr_file) {
  REQUIRE_FALSE(args.empty());
  std::vector<char*> argv;
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  std::vector<std::string> environment = child_environment(options.environment);
  std::vector<char*> envp;
  for (auto& entry : environment) envp.push_back(entry.data());
  envp.push_back(nullptr);

  SpawnActions actions;
  if (!options.stderr_file.empty()) {
    posix_spawn_file_actions_addopen(actions.get(), STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(actions.get(), STDERR_FILENO, options.stderr_file.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0600);
  }
  const int spawned = posix_spawn(&m_pid, argv[0], actions.get(), nullptr, argv.data(), envp.data());
  INFO("cannot start " << args[0]);
  REQUIRE(spawned == 0);
}

Process::~Process() {
  if (m_pid > 0) kill();
}

Process::Process(Process&& other) noexcept
    : m_pid(std::exchange(other.m_pid, -1)), m_exit_status(other.m_exit_status),
      m_stderr_file(std::move(other.m_stderr_file)) {}

Process& Process::operator=(Process&& other) noexcept {
  if (this != &other) {
    if (m_pid > 0) kill();
    m_pid = std::exchange(other.m_pid, -1);
    m_exit_status = other.m_exit_status;
    m_stderr_file = std::move(other.m_stderr_file);
  }
  return *this;
}

void Process::reap(int status) {
  m_exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  m_pid = -1;
}

bool Process::running() {
  if (m_pid <= 0) return false;
  int status = 0;
  if (::waitpid(m_pid, &status, WNOHANG) == m_pid) reap(status);
  return m_pid > 0;
}

int Process::wait() {
  if (m_pid > 0) {
    int status = 0;
    if (::waitpid(m_pid, &status, 0) == m_pid) reap(status);
  }
  return m_exit_status;
}

int Process::terminate() {
  if (m_pid > 0) ::kill(m_pid, SIGTERM);
  return wait();
}

void Process::kill() {
  if (m_pid > 0) ::kill(m_pid, SIGKILL);
  wait();
}

int run_process(const std::vector<std::string>& args, const ProcessOptions& options) {
  Process process(args, options);
  return process.wait();
}

void wait_until_healthy(const std::string& base_url, Process& process) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  while (std::chrono::steady_clock::now() < deadline) {
    if (healthz_status(base_url) == 200) return;
    if (!process.running())
      FAIL("the server for " << base_url << " exited with status " << process.wait() << "\n"
                             << read_file(process.stderr_file()));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL("server at " << base_url << " did not become healthy\n" << read_file(process.stderr_file()));
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace sanfang::testing
