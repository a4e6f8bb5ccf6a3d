// RenderPool: a fixed set of render threads, each owning one Renderer (a Renderer is confined to
// one thread: tech-notes §2.8). HTTP I/O threads never render; they hand work here and wait, so
// a slow render occupies a render thread, not the server's event loop.
//
// Memory: each thread holds its own Pango font map and glyph caches (~40–60 MB with the CJK
// fonts), so the pool size is the main memory knob; the default is the number of cores.
//
// The render threads are also where the service's other CPU-heavy drawing and decoding happens
// for a request — rasterising preview pages with Poppler, checking uploaded files, drawing the
// captcha with the thread's font map — so all of it is bounded by the same few threads. Requests
// wait for such work through run(); when interactive_queue_limit tasks are already waiting, run()
// answers Busy at once (503 with Retry-After) rather than letting a burst queue without bound.
// Batch and pinned work (print jobs) is queued by the service itself and is not limited here.
// Render threads never wait for a request thread, so a request pool in front composes with this
// one without deadlock.
#pragma once

#include "core/result.h"
#include "render/renderer.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace sanfang::jobs {

struct RenderPoolOptions {
  int threads = 0;  // 0: one per core
  // Interactive tasks waiting for a thread (beyond those running) before run() answers Busy.
  std::size_t interactive_queue_limit = 32;
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

  // Runs `task` as interactive work on a render thread and waits for its result; Busy when the
  // interactive queue is full. `task` may refer to the caller's data: the caller waits for it.
  template <typename T>
  Result<T> run(std::function<Result<T>(render::Renderer&)> task) {
    auto result = std::make_shared<std::promise<Result<T>>>();
    auto future = result->get_future();
    TRY(try_submit([result, task = std::move(task)](render::Renderer& renderer) {
      result->set_value(task(renderer));
    }));
    return future.get();
  }

  // Renders `documents` into one PDF on a render thread and waits for it.
  Result<std::string> render(std::vector<render::AgreementDocument> documents);

  // Page `page` (1-based) of `pdf` as a PNG at `dpi`, rasterised by Poppler on a render thread.
  Result<std::string> rasterise(std::string_view pdf, int page, double dpi);

  int size() const { return static_cast<int>(m_threads.size()); }

 private:
  RenderPool() = default;
  void work(std::size_t index, std::unique_ptr<render::Renderer> renderer);
  // Queues interactive `task` unless interactive_queue_limit tasks are waiting (Busy).
  Status try_submit(Task task);

  std::mutex m_mutex;
  std::condition_variable m_ready;
  std::deque<Task> m_interactive, m_batch;
  std::vector<std::deque<Task>> m_pinned;  // per thread
  std::size_t m_interactive_limit = 0;
  bool m_stopping = false;
  std::vector<std::thread> m_threads;
};

}  // namespace sanfang::jobs
