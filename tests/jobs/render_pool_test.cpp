// The render pool's order of work: interactive renders go first, then the work pinned to a thread
// (a print job's slices), then shared batch work — so a student's download waits for at most the
// slice being drawn, however long the print queue.
#include "jobs/render_pool.h"

#include "../render/pdf_probe.h"

#include <catch2/catch.hpp>

#include <future>
#include <mutex>
#include <string>
#include <vector>

namespace sanfang::jobs {
namespace {

std::unique_ptr<RenderPool> one_thread_pool() {
  const auto& fixture = testing::RenderFixture::get();
  render::RenderOptions options;
  options.key = fixture.key;
  auto pool = RenderPool::create(fixture.fonts, fixture.layout, options, {1});
  REQUIRE(pool.ok());
  return std::move(pool).value();
}

TEST_CASE("interactive work overtakes a print job's queued slices, which overtake batch work", "[jobs][pool]") {
  auto pool = one_thread_pool();
  std::mutex mutex;
  std::vector<std::string> order;
  auto record = [&](std::string name) {
    return [&, name](render::Renderer&) {
      std::lock_guard lock(mutex);
      order.push_back(name);
    };
  };
  // The thread is busy with a slice until the test lets it go; meanwhile work queues up.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> busy;
  pool->submit_to(0, [&, released](render::Renderer&) {
    busy.set_value();
    released.wait();
  });
  busy.get_future().wait();
  pool->submit(record("batch"), false);
  pool->submit_to(0, record("slice 2"));
  pool->submit_to(0, record("slice 3"));
  pool->submit(record("download"));
  release.set_value();

  std::promise<void> drained;
  pool->submit([&](render::Renderer&) { drained.set_value(); }, false);
  drained.get_future().wait();
  CHECK(order == std::vector<std::string>{"download", "slice 2", "slice 3", "batch"});
}

TEST_CASE("a single render on the pool's thread runs while a print stream is open there", "[jobs][pool]") {
  auto pool = one_thread_pool();
  const auto& fixture = testing::RenderFixture::get();
  std::string job_bytes;
  std::unique_ptr<render::PdfStream> job;
  // Catch's assertions belong to the test's thread: the render thread only reports back.
  std::promise<Status> opened;
  pool->submit_to(0, [&](render::Renderer& renderer) {
    render::StreamOptions options;
    options.links = false;
    auto stream = renderer.begin([&](std::string_view bytes) {
      job_bytes.append(bytes);
      return true;
    }, options);
    if (!stream) return opened.set_value(stream.take_error());
    job = std::move(*stream);
    opened.set_value(job->add(fixture.sample("typical")));
  });
  REQUIRE(opened.get_future().get().ok());
  auto single = pool->render({fixture.sample("minority-name")});
  REQUIRE(single.ok());
  CHECK(testing::PdfProbe(*single).pages() == 6);

  std::promise<Status> finished;
  pool->submit_to(0, [&](render::Renderer&) {
    Status added = job->add(fixture.sample("rare-character"));
    if (added) added = job->finish();
    job.reset();
    finished.set_value(std::move(added));
  });
  REQUIRE(finished.get_future().get().ok());
  CHECK(testing::PdfProbe(job_bytes).pages() == 12);
}


TEST_CASE("preview pages are rasterised on a render thread, and a full interactive queue answers Busy",
          "[jobs][pool]") {
  const auto& fixture = testing::RenderFixture::get();
  render::RenderOptions options;
  options.key = fixture.key;
  auto created = RenderPool::create(fixture.fonts, fixture.layout, options, {1, 2});
  REQUIRE(created.ok());
  auto pool = std::move(created).value();
  const std::string pdf = fixture.render({fixture.sample("typical")});
  auto png = pool->rasterise(pdf, 1, 24);
  REQUIRE(png.ok());
  CHECK(png->rfind("\x89PNG\r\n\x1A\n", 0) == 0);
  CHECK(pool->rasterise(pdf, 99, 24).error().kind == ErrorKind::InvalidInput);

  std::promise<void> busy, release;
  std::shared_future<void> released = release.get_future().share();
  pool->submit_to(0, [&, released](render::Renderer&) {
    busy.set_value();
    released.wait();
  });
  busy.get_future().wait();
  pool->submit([](render::Renderer&) {});
  pool->submit([](render::Renderer&) {});  // the two places of the interactive queue are taken
  auto refused = pool->rasterise(pdf, 1, 24);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == ErrorKind::Busy);
  release.set_value();
  // Batch work runs once the interactive queue is empty.
  std::promise<void> drained;
  pool->submit([&](render::Renderer&) { drained.set_value(); }, false);
  drained.get_future().wait();
  CHECK(pool->rasterise(pdf, 1, 24).ok());
}

}  // namespace
}  // namespace sanfang::jobs
