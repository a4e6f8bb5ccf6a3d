// Drawing processes: the other cores' share of a print job in parts, for `sanfang batch -o DIR/`
// and the service's print queue alike. Each is this program run again as
// `sanfang batch --draw-parts-of JOB -o DIR/ …` (with `--into-store` for the queue) and the
// runner's store and rendering options; it draws the parts of the job nobody has started, one
// after another (help_with_parts in print_runner.h), and ends when none is left. The job's runner
// draws parts too on one render thread, waits for the others' parts, and draws at once any part
// whose process died (its pid is gone: print_lease.h).
//
// Why processes rather than render threads: cairo 1.16 keeps process-wide pools of freed objects
// updated with atomic operations (a clip is made and freed for every drawing operation), and
// Pango, fontconfig and cairo's font caches are shared under locks. Two render threads in one
// process spent ~17 % more CPU per agreement than one (perf, 1,250 agreements: cairo's clip pool
// alone went from 1 % to 6 % of the samples); two processes do not share any of it. Cost: each
// process loads the fonts and layout (~50 ms) and opens a store connection of its own, so a job in
// one part never starts one.
//
// A drawing process inherits no descriptor but stdin, stdout and stderr (not the service's
// listening socket), dies with the thread that started it (PR_SET_PDEATHSIG: start them from a
// thread that lives as long as the job runs), and is asked to stop with SIGTERM.
#pragma once

#include "core/result.h"

#include <sys/types.h>

#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sanfang::jobs {

// How a runner starts drawing processes for a job.
struct DrawingProcessCommand {
  // This program's arguments for a drawing process of the runner's destination, e.g.
  // {"batch", "-o", "DIR/", "--data", "…"}; `--draw-parts-of JOB` is added for each job.
  std::vector<std::string> arguments;
  // Processes beside the runner's own render thread, at most (one per core but the runner's);
  // 0: none, the job's parts are drawn on the render threads of this process.
  int processes = 0;
};

class DrawingProcesses {
 public:
  // Starts `count` processes of this program with `arguments` (after the program's name).
  static Result<std::unique_ptr<DrawingProcesses>> start(int count, const std::vector<std::string>& arguments);
  // Asks the processes still running to stop (SIGTERM: each lets go of its part) and waits for them.
  ~DrawingProcesses();
  DrawingProcesses(const DrawingProcesses&) = delete;
  DrawingProcesses& operator=(const DrawingProcesses&) = delete;

  // Waits until every process has ended by itself.
  void wait();
  // How many of the processes that ended did so badly: killed (but by SIGTERM) or exit status not 0.
  int ended_badly();

 private:
  DrawingProcesses() = default;
  void reap(std::size_t index);

  struct Child {
    pid_t pid = 0;
    bool ended = false;  // reaped: the pid may belong to another process now
    bool ended_badly = false;
  };
  std::mutex m_mutex;
  std::vector<Child> m_children;
  std::vector<std::thread> m_reapers;
};

}  // namespace sanfang::jobs
