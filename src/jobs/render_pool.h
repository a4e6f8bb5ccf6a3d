// RenderPool: a fixed set of render threads, each owning one Renderer (a Renderer is confined to
// one thread: tech-notes §2.8). HTTP I/O threads never render; they hand work here and wait, so
// a slow render occupies a render thread, not the server's event loop.
//
// Memory: each thread holds its own Pango font map and glyph caches (~40–60 MB with the CJK
// fonts), so the pool size is the main memory knob; the default is the number of cores.
#pragma once

#include "core/result.h"
#include "render/renderer.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace sanfang::jobs {

struct RenderPoolOptions {
  int threads = 0;  // 0: one per core
};

class RenderPool {
 public:
  using Task = std::function<void(render::Renderer&)>;

  // Creates the renderers on their threads (fonts are loaded once, in `fonts`); an error in any
  // (a bad layout) fails the whole pool.
  static Result<std::unique_ptr<RenderPool>> create(std::shared_ptr<const render::FontSet> fonts,
                                                    std::shared_ptr<const render::LayoutSpec> layout,
                                                    render::RenderOptions render_options, RenderPoolOptions options);
  ~RenderPool();

  // Runs `task` on a render thread. Tasks run in submission order per priority: interactive
  // work (a student's download) goes ahead of queued batch work.
  void submit(Task task, bool interactive = true);

  // Runs `task` on render thread `thread` (0 ≤ thread < size()), after the interactive work
  // waiting at that moment. A print job's PDF stream lives on one renderer, so all of the job's
  // work goes to one thread, in slices short enough that interactive work never waits long.
  void submit_to(int thread, Task task);

  // Renders `documents` into one PDF on a render thread and waits for it.
  Result<std::string> render(std::vector<render::AgreementDocument> documents);

  int size() const { return static_cast<int>(m_threads.size()); }

 private:
  RenderPool() = default;
  void run(std::size_t index, std::unique_ptr<render::Renderer> renderer);

  std::mutex m_mutex;
  std::condition_variable m_ready;
  std::deque<Task> m_interactive, m_batch;
  std::vector<std::deque<Task>> m_pinned;  // per thread
  bool m_stopping = false;
  std::vector<std::thread> m_threads;
};

}  // namespace sanfang::jobs
