#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <set>
#include <vector>

#include "core/simulate/retry_timeline.hpp"
#include "tests/support/retry_policies.hpp"

using kumo::simulate::Attempt;
using kumo::simulate::delay_for_attempt;
using kumo::simulate::JitterRange;
using kumo::simulate::JitterRng;
using kumo::simulate::RetryPolicy;
using kumo::simulate::simulate_retries;
using kumo::simulate::SpoolIn;
using kumo::simulate::Timeline;
using kumo::simulate::TimelineOptions;
using kumo::test::policy;
using kumo::test::secs;
using kumo::values::Duration;

namespace {

// The helper of kumod's queue/test.rs: delays while the cumulative sum < max_age.
std::vector<std::uint64_t> compute_schedule(const RetryPolicy& p) {
  std::vector<std::uint64_t> schedule;
  std::uint64_t age = 0;
  for (std::uint64_t attempt = 0;; ++attempt) {
    const std::uint64_t delay = delay_for_attempt(p, attempt);
    age += delay;
    if (age >= p.max_age.seconds) {
      return schedule;
    }
    schedule.push_back(delay);
  }
}

std::vector<std::int64_t> attempt_times(const Timeline& t) {
  std::vector<std::int64_t> out;
  for (const Attempt& a : t.attempts) {
    out.push_back(a.at_seconds);
  }
  return out;
}

// Step-by-step reference: every failure, no closed form, no jitter.
struct Naive {
  std::uint64_t count = 0;
  std::int64_t expires_at = 0;
  std::vector<std::int64_t> at;
  std::vector<std::int64_t> earliest;
  std::vector<std::int64_t> latest;
};

std::optional<Naive> naive_simulation(const RetryPolicy& p, std::int64_t duration, std::uint64_t limit) {
  const JitterRange j = kumo::simulate::jitter_range(p);
  const auto max_age = static_cast<std::int64_t>(p.max_age.seconds);
  Naive n;
  std::int64_t at = 0;
  std::int64_t earliest = 0;
  std::int64_t latest = 0;
  for (std::uint64_t k = 1; k <= limit; ++k) {
    n.at.push_back(at);
    n.earliest.push_back(earliest);
    n.latest.push_back(latest);
    const auto d = static_cast<std::int64_t>(delay_for_attempt(p, k - 1));
    if (at + duration + d > max_age) {
      n.count = k;
      n.expires_at = at + duration;
      return n;
    }
    at += duration + d;
    earliest += duration + std::max<std::int64_t>(0, d + j.min);
    latest += duration + std::max<std::int64_t>(0, d + j.max);
  }
  return std::nullopt;
}

const RetryPolicy k_defaults{};

}  // namespace

TEST_CASE("kumod's calc_due vectors", "[timeline]") {
  CHECK(compute_schedule(policy(secs(2), std::nullopt, secs(1024))) ==
        std::vector<std::uint64_t>{2, 4, 8, 16, 32, 64, 128, 256, 512});
  CHECK(compute_schedule(policy(secs(2), secs(8), secs(128))) ==
        std::vector<std::uint64_t>{2, 4, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8});
  CHECK(compute_schedule(policy(secs(1200), std::nullopt, secs(86400))) ==
        std::vector<std::uint64_t>{1200, 2400, 4800, 9600, 19200, 38400});
}

TEST_CASE("delay_for_attempt samples", "[timeline]") {
  const RetryPolicy uncapped = policy(secs(1200), std::nullopt, secs(604800));
  CHECK(delay_for_attempt(uncapped, 0) == 1200);
  CHECK(delay_for_attempt(uncapped, 1) == 2400);
  CHECK(delay_for_attempt(uncapped, 5) == 38400);
  CHECK(delay_for_attempt(uncapped, 10) == 1228800);
  // Saturation, then kumod's clamp to i64::MAX / 1000 seconds.
  CHECK(delay_for_attempt(uncapped, 63) == 9223372036854775);
  CHECK(delay_for_attempt(uncapped, 200) == 9223372036854775);

  const RetryPolicy capped = policy(secs(1200), secs(3600), secs(604800));
  CHECK(delay_for_attempt(capped, 1) == 2400);
  CHECK(delay_for_attempt(capped, 2) == 3600);
  CHECK(delay_for_attempt(capped, 40) == 3600);

  const RetryPolicy below = policy(secs(60), secs(30), secs(604800));
  for (std::uint64_t n : {0, 1, 7, 99}) {
    CHECK(delay_for_attempt(below, n) == 30);
  }
  for (std::uint64_t n : {0, 1, 5, 20}) {
    CHECK(delay_for_attempt(policy(secs(1, 500'000'000), std::nullopt, secs(604800)), n) ==
          delay_for_attempt(policy(secs(1), std::nullopt, secs(604800)), n));
    CHECK(delay_for_attempt(policy(secs(0, 500'000'000), std::nullopt, secs(604800)), n) == 0);
  }
}

TEST_CASE("default live schedule", "[timeline]") {
  const Timeline t = simulate_retries(k_defaults);
  CHECK(attempt_times(t) == std::vector<std::int64_t>{0, 1200, 3600, 8400, 18000, 37200, 75600, 152400, 306000});
  CHECK(t.attempt_count == 9u);
  CHECK(t.expires_at_seconds == 306000);
  CHECK(t.max_age_seconds == 604800);
  CHECK_FALSE(t.unbounded);
  REQUIRE(t.expiry);
  CHECK(t.expiry->after_attempt == 9);
  CHECK(t.expiry->at_seconds == 306000);
  CHECK(t.expiry->reason == "Next delivery time would be 7days 2h 20m after creation, which exceeds max_age=7days");
  CHECK_FALSE(t.expiry->depends_on_jitter);
  CHECK_FALSE(t.summary);
  CHECK(t.attempts.front().delay_after_seconds == 1200);
  CHECK(t.attempts[7].delay_after_seconds == 153600);
  CHECK_FALSE(t.attempts.back().delay_after_seconds);
}

TEST_CASE("capped schedule: 1200s, 3600s, one day", "[timeline]") {
  const Timeline t = simulate_retries(policy(secs(1200), secs(3600), secs(86400)));
  std::vector<std::int64_t> expected{0, 1200};
  for (std::int64_t at = 3600; at <= 86400; at += 3600) {
    expected.push_back(at);
  }
  CHECK(attempt_times(t) == expected);
  CHECK(t.attempt_count == 26u);
  CHECK(t.expires_at_seconds == 86400);
  REQUIRE(t.expiry);
  CHECK(t.expiry->reason == "Next delivery time would be 1day 1h after creation, which exceeds max_age=1day");
  // Attempt 26 lands exactly on max_age: positive jitter would expire it a retry earlier.
  CHECK(t.expiry->depends_on_jitter);
}

TEST_CASE("a retry landing exactly on max_age happens", "[timeline]") {
  const Timeline exact = simulate_retries(policy(secs(10), std::nullopt, secs(10)));
  CHECK(attempt_times(exact) == std::vector<std::int64_t>{0, 10});
  CHECK(exact.expires_at_seconds == 10);
  REQUIRE(exact.expiry);
  CHECK(exact.expiry->reason == "Next delivery time would be 30s after creation, which exceeds max_age=10s");

  const Timeline short_by_one = simulate_retries(policy(secs(10), std::nullopt, secs(9)));
  CHECK(short_by_one.attempt_count == 1u);
  // A fraction of a second beyond max_age's whole seconds does not save the retry.
  const Timeline fraction = simulate_retries(policy(secs(10), std::nullopt, secs(9, 999'999'999)));
  CHECK(fraction.attempt_count == 1u);
  REQUIRE(fraction.expiry);
  CHECK(fraction.expiry->reason ==
        "Next delivery time would be 10s after creation, which exceeds max_age=9s 999ms 999us 999ns");
}

TEST_CASE("max_age = 0 expires at the first failure", "[timeline]") {
  const Timeline t = simulate_retries(policy(secs(1200), std::nullopt, secs(0)));
  CHECK(t.attempt_count == 1u);
  CHECK(t.expires_at_seconds == 0);
  REQUIRE(t.expiry);
  CHECK(t.expiry->reason == "Next delivery time would be 20m after creation, which exceeds max_age=0s");
}

TEST_CASE("attempt duration shifts every later attempt", "[timeline]") {
  TimelineOptions options;
  options.attempt_duration_seconds = 100;
  const Timeline t = simulate_retries(k_defaults, options);
  CHECK(attempt_times(t) == std::vector<std::int64_t>{0, 1300, 3800, 8700, 18400, 37700, 76200, 153100, 306800});
  CHECK(t.expires_at_seconds == 306900);
  REQUIRE(t.expiry);
  CHECK(t.expiry->reason == "Next delivery time would be 7days 2h 35m after creation, which exceeds max_age=7days");
}

TEST_CASE("sub-second intervals truncate", "[timeline]") {
  const Timeline one = simulate_retries(policy(secs(1), std::nullopt, secs(3600)));
  const Timeline one_and_half = simulate_retries(policy(secs(1, 500'000'000), std::nullopt, secs(3600)));
  CHECK(one.attempt_count == one_and_half.attempt_count);
  CHECK(one.attempts == one_and_half.attempts);

  const Timeline half = simulate_retries(policy(secs(0, 500'000'000), std::nullopt, secs(604800)));
  CHECK(half.unbounded);
  CHECK_FALSE(half.attempt_count);
  CHECK_FALSE(half.expires_at_seconds);
  CHECK_FALSE(half.expiry);
  CHECK_FALSE(half.summary);
  REQUIRE(half.attempts.size() == 50);
  CHECK(half.attempts.back().at_seconds == 0);
  CHECK(half.attempts.back().delay_after_seconds == 0);

  // retry_interval >= 1s but a sub-second cap: every delay is still 0.
  const Timeline cap = simulate_retries(policy(secs(1200), secs(0, 999'000'000), secs(604800)));
  CHECK(cap.unbounded);
  CHECK_FALSE(cap.attempt_count);
}

TEST_CASE("zero delay with an attempt duration ends, in closed form", "[timeline]") {
  TimelineOptions options;
  options.attempt_duration_seconds = 5;
  const Timeline t = simulate_retries(policy(secs(0), std::nullopt, secs(100)), options);
  CHECK(t.unbounded);
  CHECK(t.attempt_count == 21u);
  CHECK(t.expires_at_seconds == 105);
  CHECK(t.attempts[20].at_seconds == 100);

  options.attempt_duration_seconds = 1;
  const Timeline week = simulate_retries(policy(secs(0), std::nullopt, secs(604800)), options);
  CHECK(week.attempt_count == 604801u);
  REQUIRE(week.summary);
  CHECK(week.summary->period_seconds == 1);
  CHECK(week.summary->last_at_seconds == 604800);
}

TEST_CASE("capped tails are summarized in closed form", "[timeline]") {
  const Timeline t = simulate_retries(policy(secs(1), secs(1), secs(604800)));
  CHECK(t.attempt_count == 604801u);
  CHECK(t.expires_at_seconds == 604800);
  CHECK(t.attempts.size() == 50);
  CHECK(t.attempts.back().at_seconds == 49);
  REQUIRE(t.summary);
  CHECK(*t.summary == kumo::simulate::PeriodicTail{51, 604751, 1, 50, 604800});

  // Ten years at one attempt per minute.
  const Timeline decade = simulate_retries(policy(secs(60), secs(60), secs(315'576'000)));
  CHECK(decade.attempt_count == 5'259'601u);
  CHECK(decade.expires_at_seconds == 315'576'000);

  // The doubling prefix is listed whole even when fewer attempts were asked for.
  TimelineOptions few;
  few.max_attempts_shown = 2;
  const Timeline capped = simulate_retries(policy(secs(1200), secs(3600), secs(86400)), few);
  CHECK(attempt_times(capped) == std::vector<std::int64_t>{0, 1200});
  REQUIRE(capped.summary);
  CHECK(*capped.summary == kumo::simulate::PeriodicTail{3, 24, 3600, 3600, 86400});
}

TEST_CASE("closed form equals a step-by-step simulation", "[timeline]") {
  JitterRng rng(20240611);
  auto pick = [&rng](std::uint64_t lo, std::uint64_t hi) { return lo + rng.next_u64() % (hi - lo + 1); };
  int compared = 0;
  for (int i = 0; i < 400; ++i) {
    RetryPolicy p;
    p.retry_interval = secs(pick(1, 5000), static_cast<std::uint32_t>(pick(0, 999'999'999)));
    if (pick(0, 2) != 0) {
      p.max_retry_interval = secs(pick(5, 200'000));
    }
    p.max_age = secs(pick(0, 2'000'000));
    TimelineOptions options;
    options.attempt_duration_seconds = pick(0, 1) == 0 ? 0 : pick(1, 600);
    options.max_attempts_shown = pick(0, 80);
    const std::optional<Naive> naive =
        naive_simulation(p, static_cast<std::int64_t>(options.attempt_duration_seconds), 100'000);
    if (!naive) {
      continue;
    }
    ++compared;
    const Timeline t = simulate_retries(p, options);
    INFO("R=" << p.retry_interval.seconds << " max_age=" << p.max_age.seconds
              << " dur=" << options.attempt_duration_seconds);
    REQUIRE(t.attempt_count == naive->count);
    CHECK(t.expires_at_seconds == naive->expires_at);
    for (const Attempt& a : t.attempts) {
      CHECK(a.at_seconds == naive->at[a.attempt - 1]);
      CHECK(a.earliest_seconds == naive->earliest[a.attempt - 1]);
      CHECK(a.latest_seconds == naive->latest[a.attempt - 1]);
    }
    const std::size_t listed = t.attempts.size();
    if (t.summary) {
      CHECK(t.summary->first_attempt == listed + 1);
      CHECK(t.summary->count + listed == naive->count);
      CHECK(t.summary->first_at_seconds == naive->at[listed]);
      CHECK(t.summary->last_at_seconds == naive->at.back());
      // The tail really is periodic.
      for (std::size_t k = listed + 1; k < naive->at.size(); ++k) {
        REQUIRE(naive->at[k] - naive->at[k - 1] == t.summary->period_seconds);
      }
    } else {
      CHECK(listed == naive->count);
    }
  }
  CHECK(compared > 300);
}

TEST_CASE("jitter envelope bounds", "[timeline]") {
  using kumo::simulate::jitter_range;
  CHECK(jitter_range(policy(secs(1200), std::nullopt, secs(1))) == JitterRange{-30, 29});
  CHECK(jitter_range(policy(secs(86400), std::nullopt, secs(1))) == JitterRange{-30, 29});
  CHECK(jitter_range(policy(secs(600), std::nullopt, secs(1))) == JitterRange{-15, 14});
  CHECK(jitter_range(policy(secs(60), std::nullopt, secs(1))) == JitterRange{-1, 1});
  CHECK(jitter_range(policy(secs(39), std::nullopt, secs(1))) == JitterRange{0, 0});
  CHECK(jitter_range(policy(secs(1), std::nullopt, secs(1))) == JitterRange{0, 0});
  // Exactly 40s: J = -1 only when u is exactly 0.
  CHECK(jitter_range(policy(secs(40), std::nullopt, secs(1))) == JitterRange{-1, 0});
  // The cap does not size the jitter.
  CHECK(jitter_range(policy(secs(1200), secs(10), secs(1))) == JitterRange{-30, 29});

  const Timeline t = simulate_retries(k_defaults);
  CHECK(t.attempts[1].earliest_seconds == 1170);
  CHECK(t.attempts[1].latest_seconds == 1229);
  CHECK(t.attempts[8].earliest_seconds == 306000 - 8 * 30);
  CHECK(t.attempts[8].latest_seconds == 306000 + 8 * 29);
}

TEST_CASE("a cap within the jitter makes some retries immediate", "[timeline]") {
  const Timeline t = simulate_retries(policy(secs(1200), secs(10), secs(3600)));
  // earliest steps are max(0, 10 - 30) = 0, latest 10 + 29.
  CHECK(t.attempts[3].earliest_seconds == 0);
  CHECK(t.attempts[3].latest_seconds == 3 * 39);
}

TEST_CASE("seeded jitter draws are reproducible", "[timeline]") {
  // splitmix64 from state 0: the published first outputs.
  JitterRng zero(0);
  CHECK(zero.next_u64() == 0xe220a8397b1dcdafull);
  CHECK(zero.next_u64() == 0x6e789e6aa1b965f4ull);
  CHECK(zero.next_u64() == 0x06c45d188009454full);
  JitterRng unit(0);
  CHECK(unit.next_unit_f32() == static_cast<float>(0xe220a8u) / 16777216.0f);

  TimelineOptions options;
  options.seed = 42;
  const Timeline a = simulate_retries(k_defaults, options);
  const Timeline b = simulate_retries(k_defaults, options);
  CHECK(a.attempts == b.attempts);
  CHECK(a.expiry == b.expiry);
  CHECK(attempt_times(a) == std::vector<std::int64_t>{0, 1214, 3594, 8381, 17972, 37145, 75567, 152351, 305969});
  REQUIRE(a.expiry);
  CHECK(a.expiry->reason ==
        "Next delivery time would be 7days 2h 19m 20s after creation, which exceeds "
        "max_age=7days");
  for (const Attempt& at : a.attempts) {
    CHECK(at.earliest_seconds <= at.at_seconds);
    CHECK(at.at_seconds <= at.latest_seconds);
  }

  options.seed = 43;
  CHECK(attempt_times(simulate_retries(k_defaults, options)) != attempt_times(a));
}

TEST_CASE("a seeded expiry never depends on jitter: the draw decided it", "[timeline]") {
  // Unseeded, jitter decides whether this schedule gets a 10th attempt.
  const RetryPolicy p = policy(secs(1200), std::nullopt, secs(613190));
  REQUIRE(simulate_retries(p).expiry);
  REQUIRE(simulate_retries(p).expiry->depends_on_jitter);
  TimelineOptions options;
  std::set<std::uint64_t> counts;
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    options.seed = seed;
    const Timeline t = simulate_retries(p, options);
    REQUIRE(t.expiry);
    CHECK_FALSE(t.expiry->depends_on_jitter);
    counts.insert(*t.attempt_count);
  }
  CHECK(counts == std::set<std::uint64_t>{9, 10});  // the draws do differ
}

TEST_CASE("seeded mode stays bounded on huge counts", "[timeline]") {
  TimelineOptions options;
  options.seed = 7;
  // R=1s: jitter is 0, so the draw equals the nominal schedule.
  const Timeline t = simulate_retries(policy(secs(1), secs(1), secs(604800)), options);
  CHECK(t.attempt_count == 604801u);
  CHECK(t.expires_at_seconds == 604800);
  REQUIRE(t.summary);
  CHECK(*t.summary == kumo::simulate::PeriodicTail{51, 604751, 1, 50, 604800});
  REQUIRE(t.expiry);
  CHECK_FALSE(t.expiry->depends_on_jitter);

  // Zero delay, no duration, jitter 0: no end, and the draws stop at the limit.
  const Timeline loop = simulate_retries(policy(secs(0), std::nullopt, secs(60)), options);
  CHECK(loop.unbounded);
  CHECK_FALSE(loop.attempt_count);
}

TEST_CASE("spool-in: kumod's spool_in_delay table", "[timeline]") {
  const RetryPolicy p = policy(secs(2), std::nullopt, secs(256));
  auto expected_attempts = [](std::uint64_t age) -> std::uint64_t {
    if (age < 6) {
      return 1;
    }
    if (age <= 10) {
      return 2;
    }
    if (age <= 26) {
      return 3;
    }
    if (age <= 58) {
      return 4;
    }
    if (age <= 122) {
      return 5;
    }
    if (age <= 250) {
      return 6;
    }
    return 7;
  };
  for (std::uint64_t age = 2; age <= 254; age += 4) {
    INFO("age " << age);
    CHECK(kumo::simulate::spool_in(p, secs(age)) == SpoolIn{false, expected_attempts(age), false, {}});
  }
  CHECK(kumo::simulate::spool_in(p, secs(258)).expired);
}

TEST_CASE("spool-in: kumod's bigger_delay table", "[timeline]") {
  const RetryPolicy p = policy(secs(1200), std::nullopt, secs(10800));
  const std::vector<std::pair<std::uint64_t, std::uint64_t>> table{{1200, 1}, {2400, 1}, {3600, 2}, {4800, 2},
                                                                   {6000, 2}, {7200, 2}, {8400, 3}, {9600, 3}};
  for (const auto& [age, attempts] : table) {
    INFO("age " << age);
    CHECK(kumo::simulate::spool_in(p, secs(age)) == SpoolIn{false, attempts, false, {}});
  }
  CHECK(kumo::simulate::spool_in(p, secs(10800)).expired);
  CHECK(kumo::simulate::spool_in(p, secs(10799, 999'999'999)).expired == false);
}

TEST_CASE("spool-in: closed form, and hangs on zero delay", "[timeline]") {
  const SpoolIn capped = kumo::simulate::spool_in(policy(secs(1), secs(1), secs(604800)), secs(500'000));
  CHECK(capped == SpoolIn{false, 500'000, false, {}});
  const SpoolIn hang = kumo::simulate::spool_in(policy(secs(0, 500'000'000), std::nullopt, secs(604800)), secs(10));
  CHECK(hang.hangs);
  CHECK(kumo::simulate::spool_in(policy(secs(1200), secs(0), secs(604800)), secs(10)).hangs);
}

namespace {

// Step-by-step seeded reference: kumod's increment path with our generator,
// drawing for every failure (no draw limit).
std::optional<Naive> naive_seeded(const RetryPolicy& p, std::int64_t duration, std::uint64_t seed, std::uint64_t draws,
                                  std::uint64_t limit) {
  const float magnitude = kumo::simulate::jitter_magnitude(p);
  JitterRng rng(seed);
  const auto max_age = static_cast<std::int64_t>(p.max_age.seconds);
  Naive n;
  std::int64_t at = 0;
  for (std::uint64_t k = 1; k <= limit; ++k) {
    n.at.push_back(at);
    std::int64_t delay = static_cast<std::int64_t>(delay_for_attempt(p, k - 1));
    if (k <= draws) {
      delay += kumo::simulate::jitter_for(magnitude, rng.next_unit_f32());
    }
    if (at + duration + delay > max_age) {
      n.count = k;
      n.expires_at = at + duration;
      return n;
    }
    at += duration + std::max<std::int64_t>(0, delay);
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("seeded timeline equals a step-by-step seeded simulation", "[timeline]") {
  JitterRng configs(99);
  auto pick = [&configs](std::uint64_t lo, std::uint64_t hi) { return lo + configs.next_u64() % (hi - lo + 1); };
  int compared = 0;
  for (int i = 0; i < 200; ++i) {
    RetryPolicy p;
    p.retry_interval = secs(pick(1, 5000));
    if (pick(0, 1) == 0) {
      p.max_retry_interval = secs(pick(1, 100'000));
    }
    p.max_age = secs(pick(0, 1'000'000));
    TimelineOptions options;
    options.seed = pick(0, 1'000'000);
    options.attempt_duration_seconds = pick(0, 1) == 0 ? 0 : pick(1, 300);
    const auto duration = static_cast<std::int64_t>(options.attempt_duration_seconds);
    const std::optional<Naive> naive = naive_seeded(p, duration, *options.seed, UINT64_MAX, 50'000);
    if (!naive) {
      continue;
    }
    ++compared;
    const Timeline t = simulate_retries(p, options);
    INFO("R=" << p.retry_interval.seconds << " max_age=" << p.max_age.seconds);
    REQUIRE(t.attempt_count == naive->count);
    CHECK(t.expires_at_seconds == naive->expires_at);
    for (const Attempt& a : t.attempts) {
      CHECK(a.at_seconds == naive->at[a.attempt - 1]);
    }
    if (t.summary) {
      CHECK(t.summary->first_at_seconds == naive->at[t.attempts.size()]);
      CHECK(t.summary->last_at_seconds == naive->at.back());
    }
  }
  CHECK(compared > 150);
}

TEST_CASE("seeded draws stop at the limit, then the tail is nominal", "[timeline]") {
  // R=60: J in {-1, 0, 1}; one attempt a minute for 200 days.
  const RetryPolicy p = policy(secs(60), secs(60), secs(17'280'000));
  TimelineOptions options;
  options.seed = 5;
  const std::optional<Naive> naive = naive_seeded(p, 0, 5, kumo::simulate::k_seeded_draw_limit, 1'000'000);
  REQUIRE(naive);
  const Timeline t = simulate_retries(p, options);
  CHECK(t.attempt_count == naive->count);
  CHECK(t.expires_at_seconds == naive->expires_at);
  REQUIRE(t.summary);
  CHECK(t.summary->last_at_seconds == naive->at.back());
  // The nominal count is 288001: the draws moved it.
  CHECK(simulate_retries(p).attempt_count == 288001u);
}

TEST_CASE("extreme values neither overflow nor loop", "[timeline]") {
  const std::uint64_t huge = UINT64_MAX;
  // max_age beyond kumod's chrono range (kumod panics there) is clamped.
  const Timeline t = simulate_retries(policy(secs(1), secs(1), secs(huge)));
  CHECK(t.attempt_count == 9'223'372'036'854'776u);
  CHECK(t.max_age_seconds == INT64_MAX);
  const Timeline big_interval = simulate_retries(policy(secs(huge), std::nullopt, secs(huge)));
  CHECK(big_interval.attempt_count == 2u);
  CHECK(big_interval.expires_at_seconds == 9'223'372'036'854'775);
  TimelineOptions slow;
  slow.attempt_duration_seconds = huge;
  CHECK(simulate_retries(k_defaults, slow).attempt_count == 1u);
  // 54 doublings (2^54 - 1 s), then 1998 clamped delays of i64::MAX / 1000 s.
  CHECK(kumo::simulate::spool_in(policy(secs(1), std::nullopt, secs(huge)), secs(huge)).num_attempts == 2052);
}
