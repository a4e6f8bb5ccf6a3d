#include "jobs/render_pool.h"

#include "render/preview.h"

namespace sanfang::jobs {

Result<std::unique_ptr<RenderPool>> RenderPool::create(std::shared_ptr<const render::FontSet> fonts,
                                                       std::shared_ptr<const render::LayoutSpec> layout,
                                                       render::RenderOptions render_options,
                                                       RenderPoolOptions options) {
  int count = options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  if (count < 1) count = 1;
  std::unique_ptr<RenderPool> pool(new RenderPool());
  pool->m_pinned.resize(static_cast<std::size_t>(count));
  pool->m_interactive_limit = options.interactive_queue_limit;
  for (int i = 0; i < count; ++i) {
    // Each renderer is built on the thread that will use it.
    std::promise<Status> started;
    auto started_future = started.get_future();
    pool->m_threads.emplace_back([&, raw = pool.get(), index = static_cast<std::size_t>(i)] {
      auto renderer = render::Renderer::create(fonts, layout, render_options);
      if (!renderer) {
        started.set_value(renderer.take_error());
        return;
      }
      started.set_value({});
      raw->work(index, std::move(*renderer));
    });
    Status status = started_future.get();
    if (!status) return status.take_error();  // the destructor joins the threads started so far
  }
  return pool;
}

RenderPool::~RenderPool() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_ready.notify_all();
  for (auto& t : m_threads) t.join();
}

void RenderPool::submit(Task task, bool interactive) {
  {
    std::lock_guard lock(m_mutex);
    (interactive ? m_interactive : m_batch).push_back(std::move(task));
  }
  m_ready.notify_one();
}

Status RenderPool::try_submit(Task task) {
  {
    std::lock_guard lock(m_mutex);
    if (m_interactive.size() >= m_interactive_limit)
      return Error::make(ErrorKind::Busy, "服务繁忙，请稍后重试（排版队列已满）");
    m_interactive.push_back(std::move(task));
  }
  m_ready.notify_one();
  return {};
}

void RenderPool::submit_to(int thread, Task task) {
  {
    std::lock_guard lock(m_mutex);
    m_pinned.at(static_cast<std::size_t>(thread)).push_back(std::move(task));
  }
  // Wake every thread: only the one it is pinned to may take it.
  m_ready.notify_all();
}

void RenderPool::work(std::size_t index, std::unique_ptr<render::Renderer> renderer) {
  auto& pinned = m_pinned[index];
  for (;;) {
    Task task;
    {
      std::unique_lock lock(m_mutex);
      m_ready.wait(lock, [&] { return m_stopping || !m_interactive.empty() || !pinned.empty() || !m_batch.empty(); });
      // Interactive first, then this thread's own job work, then shared batch work.
      auto* queue = !m_interactive.empty() ? &m_interactive : !pinned.empty() ? &pinned : &m_batch;
      if (queue->empty()) return;  // stopping, and nothing left to do
      task = std::move(queue->front());
      queue->pop_front();
    }
    task(*renderer);
  }
}

Result<std::string> RenderPool::render(std::vector<render::AgreementDocument> documents) {
  return run<std::string>([docs = std::move(documents)](render::Renderer& renderer) {
    return renderer.render_to_string(docs);
  });
}

Result<std::string> RenderPool::rasterise(std::string_view pdf, int page, double dpi) {
  return run<std::string>([pdf, page, dpi](render::Renderer&) { return render::render_page_png(pdf, page, dpi); });
}

}  // namespace sanfang::jobs
