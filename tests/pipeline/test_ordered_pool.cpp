// The ordering window of check --jobs (core/pipeline/ordered_pool.hpp):
// results come back in submission order whatever order workers deliver
// them in, never more than the window is held, and a worker's exception
// comes out for its own job.
#include <catch2/catch.hpp>

#include <atomic>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/pipeline/ordered_pool.hpp"

using kumo::pipeline::OrderedPool;

namespace {

// Counts how many results exist at once: what the window bounds.
struct Counted {
  static inline std::atomic<int> live{0};
  static inline std::atomic<int> most{0};
  int value = 0;

  explicit Counted(int v) : value(v) { note(); }
  Counted(const Counted& o) : value(o.value) { note(); }
  Counted(Counted&& o) noexcept : value(o.value) { note(); }
  Counted& operator=(const Counted&) = default;
  Counted& operator=(Counted&&) = default;
  ~Counted() { --live; }

  static void note() {
    int now = ++live;
    int seen = most.load();
    while (now > seen && !most.compare_exchange_weak(seen, now)) {
    }
  }
};

// What the submitting thread of check --jobs does (Workers::collect_next):
// waits for the oldest result, then takes it.
template <class Job, class Result>
Result collect_oldest(OrderedPool<Job, Result>& pool) {
  pool.wait_until_ready(1);
  std::optional<Result> result = pool.try_collect();
  REQUIRE(result.has_value());
  return std::move(*result);
}

}  // namespace

TEST_CASE("OrderedPool: results delivered out of order are collected in submission order", "[ordered_pool]") {
  OrderedPool<int, std::string> pool(4);
  for (int i = 0; i < 3; ++i) {
    pool.submit(i);
  }
  std::vector<std::pair<std::size_t, int>> taken;
  for (int i = 0; i < 3; ++i) {
    taken.push_back(*pool.take());
  }
  CHECK(taken[0] == std::pair<std::size_t, int>{0, 0});
  CHECK(taken[2] == std::pair<std::size_t, int>{2, 2});
  for (auto it = taken.rbegin(); it != taken.rend(); ++it) {
    pool.deliver(it->first, "job " + std::to_string(it->second));
  }
  CHECK(pool.in_flight() == 3);
  CHECK(collect_oldest(pool) == "job 0");
  CHECK(collect_oldest(pool) == "job 1");
  CHECK(collect_oldest(pool) == "job 2");
  CHECK(pool.in_flight() == 0);
}

TEST_CASE("OrderedPool: submitting past the window is refused, collecting makes room", "[ordered_pool]") {
  OrderedPool<int, int> pool(2);
  pool.submit(1);
  pool.submit(2);
  CHECK_THROWS_AS(pool.submit(3), std::logic_error);
  auto first = *pool.take();
  pool.deliver(first.first, first.second * 10);
  CHECK(collect_oldest(pool) == 10);
  pool.submit(3);  // slot 0 again
  auto second = *pool.take();
  auto third = *pool.take();
  pool.deliver(third.first, third.second * 10);
  pool.deliver(second.first, second.second * 10);
  CHECK(collect_oldest(pool) == 20);
  CHECK(collect_oldest(pool) == 30);
  CHECK(pool.in_flight() == 0);
  CHECK_FALSE(pool.try_collect().has_value());
}

TEST_CASE("OrderedPool: a worker's exception comes out of try_collect for its job, after the ones before it",
          "[ordered_pool]") {
  OrderedPool<int, int> pool(4);
  pool.submit(1);
  pool.submit(2);
  auto a = *pool.take();
  auto b = *pool.take();
  pool.fail(b.first, std::make_exception_ptr(std::runtime_error("queue 2 broke")));
  pool.deliver(a.first, 1);
  CHECK(collect_oldest(pool) == 1);
  CHECK_THROWS_WITH(collect_oldest(pool), "queue 2 broke");
}

TEST_CASE("OrderedPool: try_collect takes the oldest result only once it is delivered, never waiting",
          "[ordered_pool]") {
  OrderedPool<int, int> pool(4);
  CHECK_FALSE(pool.try_collect().has_value());  // nothing in flight
  pool.submit(1);
  pool.submit(2);
  pool.submit(3);
  auto first = *pool.take();
  auto second = *pool.take();
  auto third = *pool.take();
  pool.deliver(second.first, 20);
  CHECK_FALSE(pool.try_collect().has_value());  // the second is ready, the first is not
  CHECK(pool.in_flight() == 3);
  pool.deliver(first.first, 10);
  CHECK(pool.try_collect() == std::optional<int>(10));
  CHECK(pool.try_collect() == std::optional<int>(20));
  CHECK_FALSE(pool.try_collect().has_value());  // the third is not delivered
  pool.fail(third.first, std::make_exception_ptr(std::runtime_error("queue 3 broke")));
  CHECK_THROWS_WITH(pool.try_collect(), "queue 3 broke");
  CHECK(pool.in_flight() == 0);
  CHECK_FALSE(pool.try_collect().has_value());
}

TEST_CASE("OrderedPool: try_take gives the oldest waiting job, none when none waits or once closed", "[ordered_pool]") {
  OrderedPool<int, int> pool(4);
  CHECK_FALSE(pool.try_take().has_value());  // nothing submitted
  pool.submit(10);
  pool.submit(20);
  pool.submit(30);
  CHECK(*pool.take() == std::pair<std::size_t, int>{0, 10});      // a worker took the first
  CHECK(*pool.try_take() == std::pair<std::size_t, int>{1, 20});  // the submitter the next
  pool.deliver(1, 2);
  pool.deliver(0, 1);
  CHECK(collect_oldest(pool) == 1);
  CHECK(collect_oldest(pool) == 2);
  pool.close();
  CHECK_FALSE(pool.try_take().has_value());  // the third dropped with the pool
}

TEST_CASE("OrderedPool: closing ends every worker's take", "[ordered_pool]") {
  OrderedPool<int, int> pool(2);
  pool.submit(7);
  pool.close();
  CHECK_FALSE(pool.take().has_value());
}

TEST_CASE("OrderedPool: with several worker threads, every result in order and never more than the window held",
          "[ordered_pool]") {
  constexpr int k_jobs = 5000;
  constexpr std::size_t k_window = 8;
  Counted::live = 0;
  Counted::most = 0;
  OrderedPool<int, Counted> pool(k_window);
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    pool.worker_starting();
    workers.emplace_back([&pool] {
      pool.started();
      while (auto job = pool.take()) {
        // Uneven work, so that workers finish out of order.
        volatile int spin = 0;
        for (int i = 0; i < (job->second % 7) * 1000; ++i) {
          spin = spin + i;
        }
        pool.deliver(job->first, Counted(job->second));
      }
    });
  }
  std::vector<int> collected;
  for (int i = 0; i < k_jobs; ++i) {
    if (pool.in_flight() == pool.window()) {
      collected.push_back(collect_oldest(pool).value);
    }
    pool.submit(i);
  }
  while (pool.in_flight() > 0) {
    collected.push_back(collect_oldest(pool).value);
  }
  pool.close();
  for (auto& t : workers) {
    t.join();
  }
  std::vector<int> expected(k_jobs);
  for (int i = 0; i < k_jobs; ++i) {
    expected[static_cast<std::size_t>(i)] = i;
  }
  CHECK(collected == expected);
  // Each held result, plus one being moved in or out of its slot per thread.
  CHECK(Counted::most <= static_cast<int>(k_window) + 2 * 5);
  CHECK(Counted::live == 0);
}

TEST_CASE("OrderedPool: a worker is wanted while jobs wait that no idle or starting worker would take",
          "[ordered_pool]") {
  OrderedPool<int, int> pool(4);
  CHECK_FALSE(pool.wants_worker());
  pool.submit(1);
  CHECK(pool.wants_worker());
  pool.worker_starting();
  CHECK_FALSE(pool.wants_worker());
  pool.submit(2);
  CHECK(pool.wants_worker());
  pool.started();
  pool.close();
}
