// util::BoundedCache and config::QueueConfigHash: what the render and
// timeline caches rely on.
#include <catch2/catch.hpp>

#include <string>

#include "core/config/queue_config.hpp"
#include "core/util/bounded_cache.hpp"

namespace {

using StringCache = kumo::util::BoundedCache<int, std::string, std::hash<int>>;

// The cache's value for `key`, counting the computations in `computed`.
const std::string& cached_text(StringCache& cache, int key, int& computed) {
  return cache.get(
      key,
      [&computed](int k) {
        ++computed;
        return std::string(100, static_cast<char>('a' + k % 26));
      },
      [](const std::string& s) { return s.size(); });
}

}  // namespace

TEST_CASE("BoundedCache: a key is computed once while the budget holds, in any order", "[bounded_cache]") {
  StringCache cache(1 << 20);
  int computed = 0;
  // 60 keys in turn, three times: a 16-entry LRU would miss every lookup.
  for (int round = 0; round < 3; ++round) {
    for (int key = 0; key < 60; ++key) {
      CHECK(cached_text(cache, key, computed) == std::string(100, static_cast<char>('a' + key % 26)));
    }
  }
  CHECK(computed == 60);
  CHECK(cache.size() == 60);
}

TEST_CASE("BoundedCache: past its budget it starts over, and still answers right", "[bounded_cache]") {
  // Room for about four entries of 100 bytes plus their own size.
  StringCache cache(4 * (100 + sizeof(int) + sizeof(std::string)));
  int computed = 0;
  for (int key = 0; key < 5; ++key) {
    cached_text(cache, key, computed);
  }
  CHECK(computed == 5);
  CHECK(cache.size() == 1);  // the fifth did not fit: the cache started over with it
  CHECK(cached_text(cache, 4, computed) == std::string(100, 'e'));
  CHECK(computed == 5);
  CHECK(cached_text(cache, 0, computed) == std::string(100, 'a'));
  CHECK(computed == 6);
}

TEST_CASE("QueueConfigHash: equal configs hash alike, and each kind of field counts", "[bounded_cache]") {
  kumo::config::QueueConfigHash hash;
  kumo::config::QueueConfig a;
  kumo::config::QueueConfig b;
  CHECK(hash(a) == hash(b));
  b.egress_pool = "pool";
  CHECK(hash(a) != hash(b));
  kumo::config::QueueConfig c;
  c.max_retry_interval = kumo::values::Duration{3600, 0};
  CHECK(hash(a) != hash(c));
  kumo::config::QueueConfig d;
  d.protocol = kumo::config::SmtpProtocol{{kumo::config::MxEntry{false, "mx.example.com", "", false}}, false};
  CHECK(hash(a) != hash(d));
  kumo::config::QueueConfig e;
  e.strategy = kumo::config::QueueStrategy::TimerWheel;
  CHECK(hash(a) != hash(e));
}

TEST_CASE("SharedConfig: equal by value whether or not the same object, hashed as its config", "[bounded_cache]") {
  using kumo::config::SharedConfig;
  kumo::config::QueueConfig a;
  a.egress_pool = "pool";
  const SharedConfig one(a);
  const SharedConfig same = one;
  const SharedConfig equal(a);
  kumo::config::QueueConfig b = a;
  b.egress_pool = "other";
  const SharedConfig other(b);
  CHECK(one == same);
  CHECK(&*one == &*same);
  CHECK(one == equal);
  CHECK(&*one != &*equal);
  CHECK_FALSE(one == other);
  CHECK(one.hash() == kumo::config::QueueConfigHash{}(a));
  CHECK(equal.hash() == one.hash());
  CHECK(other.hash() != one.hash());
  const SharedConfig none;
  CHECK_FALSE(none);
  CHECK(none == SharedConfig());
  CHECK_FALSE(none == one);
  CHECK_FALSE(one == none);
  CHECK(one->egress_pool == "pool");
}
