// BoundedPool: work runs on the pool's threads, and a full queue answers Busy at once.
#include "core/bounded_pool.h"

#include <catch2/catch.hpp>

#include <future>
#include <thread>

using namespace sanfang;

TEST_CASE("a bounded pool runs work on its own threads and hands back the result", "[core][pool]") {
  core::BoundedPool pool("测试", {2, 4});
  CHECK(pool.size() == 2);
  const auto caller = std::this_thread::get_id();
  auto result = pool.run([caller]() -> Result<bool> { return std::this_thread::get_id() != caller; });
  REQUIRE(result.ok());
  CHECK(*result);
  auto failed = pool.run([]() -> Result<int> { return Error::invalid("x", "错误照常返回"); });
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().field == "x");
}

TEST_CASE("a bounded pool whose queue is full answers Busy and runs nothing more", "[core][pool]") {
  core::BoundedPool pool("测试", {1, 1});
  std::promise<void> started, gate;
  auto gate_open = gate.get_future().share();
  auto running = pool.submit([&started, gate_open]() -> Result<int> {
    started.set_value();
    gate_open.wait();
    return 1;
  });
  REQUIRE(running.ok());
  started.get_future().wait();  // the only worker is busy
  auto queued = pool.submit([]() -> Result<int> { return 2; });
  REQUIRE(queued.ok());  // the one place in the queue
  bool ran = false;
  auto refused = pool.submit([&ran]() -> Result<int> {
    ran = true;
    return 3;
  });
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == ErrorKind::Busy);

  gate.set_value();
  CHECK(running->get().value() == 1);
  CHECK(queued->get().value() == 2);
  CHECK_FALSE(ran);
  // With the queue drained the pool accepts work again.
  CHECK(pool.run([]() -> Result<int> { return 4; }).value() == 4);
}
