// ByteCache: bounded by bytes, least recently used out first, shared values outlive eviction.
#include "core/byte_cache.h"

#include <catch2/catch.hpp>

using namespace sanfang;

TEST_CASE("a byte cache finds what it kept and evicts the least recently used beyond its budget", "[core][cache]") {
  core::ByteCache cache(10);
  cache.insert("a", "1234");
  cache.insert("b", "5678");
  REQUIRE(cache.find("a"));  // a is now the most recently used
  const auto kept_b = cache.find("b");
  cache.find("a");
  cache.insert("c", "90");   // 10 bytes: still within the budget
  CHECK(cache.bytes() == 10);
  cache.insert("d", "x");    // 11 bytes: b, least recently used, goes
  CHECK(cache.find("b") == nullptr);
  CHECK(*cache.find("a") == "1234");
  CHECK(*cache.find("c") == "90");
  CHECK(*cache.find("d") == "x");
  CHECK(cache.bytes() == 7);
  CHECK(cache.entries() == 3);
  // A reader that held b's bytes still has them.
  REQUIRE(kept_b);
  CHECK(*kept_b == "5678");
}

TEST_CASE("a byte cache replaces a key's bytes and does not keep a value larger than its budget", "[core][cache]") {
  core::ByteCache cache(4);
  cache.insert("a", "12");
  cache.insert("a", "345");
  CHECK(*cache.find("a") == "345");
  CHECK(cache.bytes() == 3);
  const auto large = cache.insert("big", "123456");
  CHECK(*large == "123456");
  CHECK(cache.find("big") == nullptr);
  CHECK(*cache.find("a") == "345");
  CHECK(cache.find("missing") == nullptr);
}
