// Progress of a long command on stderr: on a terminal, one bar redrawn in place (done/total,
// rate, ETA); otherwise — a log file, CI — a plain line every few seconds, so logs stay readable.
#pragma once

#include <chrono>
#include <string>

namespace sanfang::cli {

class Progress {
 public:
  // `terminal`: whether stderr is a terminal (isatty).
  Progress(std::string what, int total, bool terminal);
  // Called as often as convenient; draws at most a few times a second.
  void update(int done);
  // The last line, whatever the throttle.
  void finish(int done);

 private:
  void draw(int done);

  std::string m_what;
  int m_total;
  bool m_terminal;
  std::chrono::steady_clock::time_point m_started, m_last_drawn;
};

}  // namespace sanfang::cli
