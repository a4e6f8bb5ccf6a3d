#include "jobs/drawing_processes.h"

#include "core/log.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

extern char** environ;

namespace sanfang::jobs {

Result<std::unique_ptr<DrawingProcesses>> DrawingProcesses::start(int count, const std::vector<std::string>& arguments) {
  std::error_code ec;
  const std::string program = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  if (ec) return Error::make(ErrorKind::Internal, "cannot find this program: " + ec.message());
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(program.c_str()));
  for (const std::string& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);

  // The runner's process blocks SIGTERM and SIGINT for its signal watcher; a drawing process
  // starts with none blocked and sets up its own watcher. A service ignores SIGPIPE (server.h);
  // a drawing process has no sockets and takes the default action again.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  // Nothing of the runner's process but the standard streams: a listening socket or a database
  // file held by a drawing process would outlive the service that opened it.
  posix_spawn_file_actions_t descriptors;
  posix_spawn_file_actions_init(&descriptors);
  posix_spawn_file_actions_addclosefrom_np(&descriptors, 3);

  std::unique_ptr<DrawingProcesses> processes(new DrawingProcesses());
  for (int i = 0; i < count; ++i) {
    pid_t pid = 0;
    const int failed = posix_spawn(&pid, program.c_str(), &descriptors, &attributes, argv.data(), environ);
    if (failed != 0) {
      posix_spawn_file_actions_destroy(&descriptors);
      posix_spawnattr_destroy(&attributes);
      return Error::make(ErrorKind::Internal, std::string("cannot start a drawing process: ") + std::strerror(failed));
    }
    std::lock_guard lock(processes->m_mutex);
    processes->m_children.push_back({pid, false});
  }
  posix_spawn_file_actions_destroy(&descriptors);
  posix_spawnattr_destroy(&attributes);
  for (std::size_t i = 0; i < processes->m_children.size(); ++i)
    processes->m_reapers.emplace_back([raw = processes.get(), i] { raw->reap(i); });
  return processes;
}

// Waits for one child without reaping it, then reaps it under the lock, so that the destructor
// never signals a pid that was reaped (and may have been reused). A process gone at once lets
// the job's runner take its part without waiting for the part's lease to run out.
void DrawingProcesses::reap(std::size_t index) {
  pid_t pid = 0;
  {
    std::lock_guard lock(m_mutex);
    pid = m_children[index].pid;
  }
  siginfo_t info{};
  while (waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR) {
  }
  std::lock_guard lock(m_mutex);
  int status = 0;
  waitpid(pid, &status, 0);
  m_children[index].ended = true;
  // SIGTERM: the runner itself asked it to stop.
  m_children[index].ended_badly = (WIFSIGNALED(status) && WTERMSIG(status) != SIGTERM) ||
                                  (WIFEXITED(status) && WEXITSTATUS(status) != 0);
  if (WIFSIGNALED(status) && WTERMSIG(status) != SIGTERM)
    log::background_failure(log::BackgroundTask::PrintJob, "drawing_process_ended",
                            {{"pid", pid}, {"signal", WTERMSIG(status)},
                             {"then", "a part it was drawing is drawn by the job's runner"}});
  else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
    log::background_failure(log::BackgroundTask::PrintJob, "drawing_process_ended",
                            {{"pid", pid}, {"status", WEXITSTATUS(status)}});
}

void DrawingProcesses::wait() {
  for (std::thread& reaper : m_reapers)
    if (reaper.joinable()) reaper.join();
}

int DrawingProcesses::ended_badly() {
  std::lock_guard lock(m_mutex);
  return static_cast<int>(std::count_if(m_children.begin(), m_children.end(), [](const Child& c) { return c.ended_badly; }));
}

DrawingProcesses::~DrawingProcesses() {
  {
    std::lock_guard lock(m_mutex);
    for (const Child& child : m_children)
      if (!child.ended) kill(child.pid, SIGTERM);
  }
  wait();
}

}  // namespace sanfang::jobs
