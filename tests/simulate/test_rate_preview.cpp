#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/simulate/rate_preview.hpp"
#include "core/values/throttle.hpp"

using kumo::simulate::first_multiple_in_range;
using kumo::simulate::preview_rate;
using kumo::simulate::rate_schedule;
using kumo::simulate::rate_wait;
using kumo::simulate::RatePreview;
using kumo::simulate::RateRegime;
using kumo::simulate::RateWait;
using kumo::values::Duration;
using kumo::values::ThrottleSpec;

namespace Catch {
template <>
struct StringMaker<RateWait> {
  static std::string convert(const RateWait& w) {
    return "{" + std::to_string(w.delay_seconds) + "s, " + std::to_string(w.deferrals) + " deferrals}";
  }
};
}  // namespace Catch

namespace {

__extension__ using I128 = __int128;

ThrottleSpec spec(const char* text) { return *kumo::values::parse_throttle(text); }

const Duration k_week{604800, 0};

// The reference: §3.4's local GCRA called once per message, message by
// message, with a FIFO of requeued messages keyed by due time in ns.
std::vector<RateWait> naive_waits(const ThrottleSpec& s, std::uint64_t n) {
  const I128 t = static_cast<I128>(s.period) * 1'000'000'000 / static_cast<I128>(s.limit);
  const I128 b = std::min<I128>(s.max_burst.value_or(s.limit), s.limit - 1);
  const I128 tau = t * (b + 1);
  std::optional<I128> tat;
  std::map<I128, std::deque<std::uint64_t>> due;
  std::vector<RateWait> waits(n);
  for (std::uint64_t m = 0; m < n; ++m) {
    due[0].push_back(m);
  }
  while (!due.empty()) {
    const I128 now = due.begin()->first;
    std::deque<std::uint64_t> cohort = std::move(due.begin()->second);
    due.erase(due.begin());
    for (std::uint64_t m : cohort) {
      const I128 new_tat = std::max(tat.value_or(now), now) + t;
      const I128 diff = now - (new_tat - tau);
      if (diff >= 0) {
        tat = new_tat;
        waits[m].delay_seconds = static_cast<std::int64_t>(now / 1'000'000'000);
        continue;
      }
      const I128 retry_after = -diff;
      const I128 rounded = retry_after / 1'000'000'000 + ((retry_after % 1'000'000'000) / 1'000'000 > 0 ? 1 : 0);
      if (rounded <= 0) {
        waits[m].delay_seconds = static_cast<std::int64_t>(now / 1'000'000'000);
        continue;
      }
      ++waits[m].deferrals;
      due[now + rounded * 1'000'000'000].push_back(m);
    }
  }
  return waits;
}

std::vector<RateWait> closed_waits(const ThrottleSpec& s, std::uint64_t n) {
  const auto schedule = rate_schedule(s);
  std::vector<RateWait> waits;
  for (std::uint64_t k = 1; k <= n; ++k) {
    waits.push_back(*rate_wait(schedule, k));
  }
  return waits;
}

}  // namespace

TEST_CASE("6/m: six at once, then one every 10s", "[rate_preview]") {
  const auto s = rate_schedule(spec("6/m"));
  CHECK(s.regime == RateRegime::throttles);
  CHECK(s.interval_ns == 10'000'000'000u);
  CHECK(s.immediate_events == 6);
  CHECK_FALSE(s.leak_token);
  for (std::uint64_t k = 1; k <= 6; ++k) {
    CHECK(*rate_wait(s, k) == RateWait{0, 0});
  }
  CHECK(*rate_wait(s, 7) == RateWait{10, 1});
  CHECK(*rate_wait(s, 8) == RateWait{20, 2});
  CHECK(*rate_wait(s, 100) == RateWait{940, 94});
}

TEST_CASE("6/m,max_burst=1: two at once", "[rate_preview]") {
  const auto s = rate_schedule(spec("6/m,max_burst=1"));
  CHECK(s.immediate_events == 2);
  CHECK(*rate_wait(s, 2) == RateWait{0, 0});
  CHECK(*rate_wait(s, 3) == RateWait{10, 1});
  const RatePreview p = preview_rate(spec("6/m,max_burst=1"), k_week, 100);
  CHECK(p.at_once == 2);
  CHECK(*p.last == RateWait{980, 98});
}

TEST_CASE("1/h: one at once whatever max_burst says", "[rate_preview]") {
  for (const char* text : {"1/h", "1/h,max_burst=5"}) {
    const auto s = rate_schedule(spec(text));
    CHECK(s.immediate_events == 1);
    CHECK(*rate_wait(s, 2) == RateWait{3600, 1});
    CHECK(*rate_wait(s, 3) == RateWait{7200, 2});
  }
}

TEST_CASE("10/s: whole-second cohorts, one deferral per second", "[rate_preview]") {
  const auto s = rate_schedule(spec("10/s"));
  CHECK(*rate_wait(s, 10) == RateWait{0, 0});
  CHECK(*rate_wait(s, 11) == RateWait{1, 1});
  CHECK(*rate_wait(s, 20) == RateWait{1, 1});  // tokens at 0.1s .. 1.0s all wait for the 1s wake-up
  CHECK(*rate_wait(s, 21) == RateWait{2, 2});
  const RatePreview p = preview_rate(spec("10/s"), k_week, 100);
  CHECK(p.at_once == 10);
  CHECK(*p.last == RateWait{9, 9});
  CHECK(p.expired == 0);
}

TEST_CASE("a full bucket restarts the pattern: small bursts, b = 0", "[rate_preview]") {
  // 10/s,max_burst=1: two tokens a second, not ten.
  const auto s = rate_schedule(spec("10/s,max_burst=1"));
  CHECK(s.cycle_seconds == 1);
  CHECK(s.cycle_messages == 2);
  CHECK(*rate_wait(s, 3) == RateWait{1, 1});
  CHECK(*rate_wait(s, 100) == RateWait{49, 49});
  // 2/3s,max_burst=0: T = 1.5s, but each wake-up restarts the interval: one per 2s.
  const auto b0 = rate_schedule(spec("2/3s,max_burst=0"));
  CHECK(b0.cycle_seconds == 2);
  CHECK(*rate_wait(b0, 2) == RateWait{2, 1});
  CHECK(*rate_wait(b0, 4) == RateWait{6, 3});
  CHECK(naive_waits(spec("2/3s,max_burst=0"), 50) == closed_waits(spec("2/3s,max_burst=0"), 50));
  CHECK(naive_waits(spec("10/s,max_burst=1"), 50) == closed_waits(spec("10/s,max_burst=1"), 50));
}

TEST_CASE("2000/s never delays, 10/0s is a zero rate", "[rate_preview]") {
  const RatePreview fast = preview_rate(spec("2000/s"), k_week, 1000);
  CHECK(fast.schedule.regime == RateRegime::never_delays);
  CHECK(fast.at_once == 1000);
  CHECK(*fast.last == RateWait{0, 0});
  CHECK(naive_waits(spec("2000/s"), 1000) == closed_waits(spec("2000/s"), 1000));

  const RatePreview zero = preview_rate(spec("10/0s"), k_week, 100);
  CHECK(zero.schedule.regime == RateRegime::zero_rate);
  CHECK_FALSE(zero.last);
  CHECK_FALSE(rate_wait(zero.schedule, 1));
  CHECK(zero.at_once == 0);
  CHECK(zero.expires_before_first_attempt);
  CHECK(kumo::simulate::rate_preview_findings(zero).empty());  // KQ302 says it already
}

TEST_CASE("a wait that rounds below 1ms lets the rest through without a token", "[rate_preview]") {
  // T = 1.000500250s: the first token's wait rounds to 1s, leaving 0.5ms,
  // which rounds to "not throttled".
  const ThrottleSpec slow = spec("1999/2000s");
  const auto s = rate_schedule(slow);
  REQUIRE(s.leak_token);
  CHECK(*s.leak_token == 1);
  CHECK(s.leak_at_seconds == 1);
  CHECK(*rate_wait(s, 2100) == RateWait{1, 1});
  CHECK(naive_waits(slow, 2100) == closed_waits(slow, 2100));
  const RatePreview p = preview_rate(slow, k_week, 2100);
  REQUIRE(p.leak);
  CHECK(p.leak->from_message == 2000);

  // T = 500.3ms: the token after 1s is at 1.0006s, 0.6ms past the wake-up.
  const ThrottleSpec fast = spec("10000/5003s");
  const auto f = rate_schedule(fast);
  REQUIRE(f.leak_token);
  CHECK(f.leak_at_seconds == 1);
  CHECK(naive_waits(fast, 10'010) == closed_waits(fast, 10'010));
}

TEST_CASE("the closed form equals the message-by-message simulation", "[rate_preview]") {
  std::mt19937_64 rng(20261128);
  int leaks = 0;
  int cycles = 0;
  for (int i = 0; i < 600; ++i) {
    ThrottleSpec s;
    if (i % 3 == 0) {  // intervals of a few ms to 1s
      s.limit = 1 + rng() % 3000;
      s.period = 1 + rng() % 6;
    } else if (i % 3 == 1) {  // intervals of seconds
      s.limit = 1 + rng() % 20;
      s.period = 1 + rng() % 40;
    } else {  // just over 1s, by less than 1ms: the rounding leak
      s.limit = 1001 + rng() % 2000;
      s.period = s.limit + 1;
      s.max_burst = rng() % 5;
    }
    if (!s.max_burst && rng() % 3 == 0) {
      s.max_burst = rng() % 25;
    }
    const std::uint64_t n = rng() % 260;
    INFO(kumo::values::format_throttle(s) << " burst " << n);
    if (rate_schedule(s).regime == RateRegime::zero_rate) {
      continue;
    }
    const std::vector<RateWait> expected = naive_waits(s, n);
    REQUIRE(closed_waits(s, n) == expected);
    const RatePreview p = preview_rate(s, k_week, n);
    leaks += p.leak ? 1 : 0;
    cycles += p.schedule.cycle_messages > 0 ? 1 : 0;
    if (n > 0) {
      CHECK(*p.last == expected.back());
    }
  }
  CHECK(leaks > 0);   // the sample covers the rounding leak
  CHECK(cycles > 0);  // and the bucket refilling between wake-ups
}

TEST_CASE("first_multiple_in_range equals a linear search", "[rate_preview]") {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    const std::uint64_t m = 1 + rng() % 500;
    const std::uint64_t a = rng() % m;
    const std::uint64_t lo = rng() % m;
    const std::uint64_t hi = lo + rng() % (m - lo);
    std::optional<std::uint64_t> expected;
    for (std::uint64_t x = 0; x < m; ++x) {  // a·x mod m repeats with period <= m
      if (a * x % m >= lo && a * x % m <= hi) {
        expected = x;
        break;
      }
    }
    INFO(a << " " << m << " [" << lo << ", " << hi << "]");
    CHECK(first_multiple_in_range(a, m, lo, hi) == expected);
  }
}

TEST_CASE("expiry before the first attempt uses due >= max_age", "[rate_preview]") {
  // Message 7 of 6/m is due at 10s.
  CHECK(preview_rate(spec("6/m"), Duration{10, 0}, 7).expired == 1);
  CHECK(preview_rate(spec("6/m"), Duration{10, 0}, 7).expires_before_first_attempt);
  CHECK(preview_rate(spec("6/m"), Duration{11, 0}, 7).expired == 0);
  CHECK(preview_rate(spec("6/m"), Duration{10, 500'000'000}, 7).expired == 0);
  CHECK(preview_rate(spec("6/m"), Duration{10, 0}, 9).expired == 3);
  // Only a requeue checks max_age: the cold bucket's burst never expires.
  const RatePreview none = preview_rate(spec("6/m"), Duration{0, 0}, 6);
  CHECK(none.expired == 0);
  CHECK_FALSE(none.expires_before_first_attempt);
  // 10/h with max_age=2h: tokens 20.. of 90 are due at 2h or later.
  const RatePreview p = preview_rate(spec("10/h"), Duration{7200, 0}, 100);
  CHECK(p.expired == 71);
  REQUIRE(kumo::simulate::rate_preview_findings(p).size() == 1);
  CHECK(kumo::simulate::rate_preview_findings(p)[0].code == "KQ304");
}

TEST_CASE("ten million messages by formula", "[rate_preview]") {
  const RatePreview slow = preview_rate(spec("6/m"), k_week, 10'000'000);
  CHECK(*slow.last == RateWait{99'999'940, 9'999'994});
  CHECK(slow.expired == 10'000'000 - 6 - 60'479);  // tokens 1..60479 are due before 7days
  const RatePreview fast = preview_rate(spec("10/s"), k_week, 10'000'000);
  CHECK(*fast.last == RateWait{999'999, 999'999});
  CHECK(fast.expired == 10'000'000 - 10 - 6'047'990);  // due before 604800s: 10 per second
  const RatePreview leak = preview_rate(spec("1999/2000s"), k_week, 10'000'000);
  CHECK(*leak.last == RateWait{1, 1});
  CHECK(leak.expired == 0);
}
