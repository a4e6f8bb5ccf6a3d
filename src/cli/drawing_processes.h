// Drawing processes: the other cores' share of `sanfang batch -o DIR/`. Each is this program run
// again as `sanfang batch --draw-parts-of JOB …` with the command's store and rendering options;
// it draws the parts of the job nobody has started, one after another (jobs::help_with_parts),
// and ends when none is left. The batch's own process draws parts too, waits for the others'
// parts, and draws at once any part whose process died (jobs/print_runner.h).
//
// Why processes rather than render threads: cairo 1.16 keeps process-wide pools of freed objects
// updated with atomic operations (a clip is made and freed for every drawing operation), and
// Pango, fontconfig and cairo's font caches are shared under locks. Two render threads in one
// process spent ~17 % more CPU per agreement than one (perf, 1,250 agreements: cairo's clip pool
// alone went from 1 % to 6 % of the samples); two processes do not share any of it. Cost: each
// process loads the fonts and layout (~50 ms) and opens a store connection of its own.
#pragma once

#include "core/result.h"

#include <sys/types.h>

#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sanfang::cli {

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

 private:
  DrawingProcesses() = default;
  void reap(std::size_t index);

  struct Child {
    pid_t pid = 0;
    bool ended = false;  // reaped: the pid may belong to another process now
  };
  std::mutex m_mutex;
  std::vector<Child> m_children;
  std::vector<std::thread> m_reapers;
};

}  // namespace sanfang::cli
