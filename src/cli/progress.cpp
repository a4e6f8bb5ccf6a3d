#include "cli/progress.h"

#include <cstdio>

namespace sanfang::cli {

namespace {

constexpr int kBarWidth = 30;
constexpr std::chrono::milliseconds kTerminalInterval{100};
constexpr std::chrono::milliseconds kLogInterval{5000};

std::string minutes_seconds(double seconds) {
  const int whole = static_cast<int>(seconds + 0.5);
  char text[16];
  std::snprintf(text, sizeof text, "%d:%02d", whole / 60, whole % 60);
  return text;
}

}  // namespace

Progress::Progress(std::string what, int total, bool terminal)
    : m_what(std::move(what)), m_total(total), m_terminal(terminal), m_started(std::chrono::steady_clock::now()),
      m_last_drawn(m_started) {}

void Progress::update(int done) {
  const auto now = std::chrono::steady_clock::now();
  if (now - m_last_drawn < (m_terminal ? kTerminalInterval : kLogInterval)) return;
  m_last_drawn = now;
  draw(done);
}

void Progress::finish(int done) {
  draw(done);
  if (m_terminal) std::fputc('\n', stderr);
}

void Progress::draw(int done) {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_started).count();
  const double rate = elapsed > 0 ? done / elapsed : 0;
  const double fraction = m_total > 0 ? static_cast<double>(done) / m_total : 1;
  const std::string eta = rate > 0 ? minutes_seconds((m_total - done) / rate) : "?";
  if (m_terminal) {
    const int filled = static_cast<int>(fraction * kBarWidth);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.append(static_cast<std::size_t>(kBarWidth - filled), '.');
    std::fprintf(stderr, "\r%s [%s] %d/%d %5.1f%% %6.0f/s ETA %s ", m_what.c_str(), bar.c_str(), done, m_total,
                 fraction * 100, rate, eta.c_str());
  } else {
    std::fprintf(stderr, "%s: %d/%d (%.1f%%), %.0f/s, ETA %s\n", m_what.c_str(), done, m_total, fraction * 100, rate,
                 eta.c_str());
  }
  std::fflush(stderr);
}

}  // namespace sanfang::cli
