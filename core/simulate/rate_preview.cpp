#include "core/simulate/rate_preview.hpp"

#include <algorithm>
#include <limits>
#include <string>

#include "core/diag/codes.hpp"
#include "core/util/saturate.hpp"

namespace kumo::simulate {

namespace {

// Token times are j·T nanoseconds with T up to 2^64: 128 bits hold them.
using util::I128;

constexpr I128 k_ns_per_second = 1'000'000'000;
constexpr I128 k_ns_per_ms = 1'000'000;

// Times here are never before the start; a negative one would be a bug, shown as 0.
std::int64_t nonnegative_i64(I128 v) { return util::saturate_i64(v < 0 ? 0 : v); }

I128 ceil_div(I128 a, I128 b) { return (a + b - 1) / b; }

I128 ceil_seconds(I128 ns) { return ceil_div(ns, k_ns_per_second); }

std::optional<I128> first_in_range(I128 a, I128 m, I128 lo, I128 hi) {
  a %= m;
  if (lo == 0) {
    return 0;
  }
  if (a == 0) {
    return std::nullopt;
  }
  // Without wrapping past m: the first multiple of a at or above lo.
  const I128 x = ceil_div(lo, a);
  if (a * x <= hi) {
    return x;
  }
  // [lo, hi] holds no multiple of a, so a·x - m·y lands in it exactly when
  // m·y mod a lies in the (non-wrapping) range [-hi mod a, -lo mod a]: the
  // same problem with (m mod a, a), as in Euclid's algorithm.
  const std::optional<I128> y = first_in_range(m % a, a, (a - hi % a) % a, (a - lo % a) % a);
  if (!y) {
    return std::nullopt;
  }
  return ceil_div(lo + m * *y, a);
}

// The leak of a spec with T >= 1s: every token is its own wake-up, so the
// first token whose time has a sub-second part in (0, 1ms) leaks. Its cohort
// wakes at the floor of that time (one more deferral unless the previous
// token's wake-up was that same second).
void find_leak_slow(RateSchedule& s) {
  const I128 t = s.interval_ns;
  const auto j = first_in_range(t % k_ns_per_second, k_ns_per_second, 1, k_ns_per_ms - 1);
  if (!j) {
    return;
  }
  const I128 at = *j * t / k_ns_per_second;
  const I128 previous_wake = ceil_seconds((*j - 1) * t);
  s.leak_token = util::saturate_u64(*j);
  s.leak_at_seconds = nonnegative_i64(at);
  s.leak_deferrals = util::saturate_u64(*j - 1 + (at > previous_wake ? 1 : 0));
}

// b = 0 and T >= 1s: each allowed call restarts the bucket at its wake-up
// (max(tat, now) = now), so messages go one per rounded interval, not per T.
void single_token_cycle(RateSchedule& s) {
  const I128 t = s.interval_ns;
  const I128 sub_second = t % k_ns_per_second;
  if (sub_second > 0 && sub_second < k_ns_per_ms) {
    s.leak_token = 1;
    s.leak_at_seconds = nonnegative_i64(t / k_ns_per_second);
    s.leak_deferrals = 1;
    return;
  }
  s.cycle_seconds = util::saturate_u64(ceil_seconds(t));
  s.cycle_messages = 1;
  s.cycle_deferrals = 1;
}

// 1ms <= T < 1s: the cohort wakes every second. After the wake-up at second
// w, with v = w·1s mod T, the next token is T - v away: below 1ms it leaks at
// w; and when b+1 tokens accrue before w+1 (v > (b+1)T - 1s) the bucket is
// full at w+1, allows b+1 and restarts the pattern of t = 0.
void find_fast_events(RateSchedule& s) {
  const I128 t = s.interval_ns;
  const I128 a = k_ns_per_second % t;
  const auto leak = first_in_range(a, t, t - k_ns_per_ms + 1, t - 1);
  const I128 refill_lo = std::max<I128>(0, static_cast<I128>(s.immediate_events) * t - k_ns_per_second + 1);
  const auto refill = refill_lo <= t - 1 ? first_in_range(a, t, refill_lo, t - 1) : std::nullopt;
  if (leak && (!refill || *leak <= *refill)) {
    s.leak_token = util::saturate_u64(*leak * k_ns_per_second / t + 1);
    s.leak_at_seconds = nonnegative_i64(*leak);
    s.leak_deferrals = util::saturate_u64(*leak);
  } else if (refill) {
    s.cycle_seconds = util::saturate_u64(*refill + 1);
    s.cycle_messages = util::saturate_u64(s.immediate_events + *refill * k_ns_per_second / t);
    s.cycle_deferrals = s.cycle_seconds;
  }
}

// The wait of message k within the first cycle (or of a schedule without one).
RateWait first_cycle_wait(const RateSchedule& s, std::uint64_t k) {
  if (k <= s.immediate_events) {
    return RateWait{};
  }
  const std::uint64_t j = k - s.immediate_events;
  if (s.leak_token && j >= *s.leak_token) {
    return RateWait{s.leak_at_seconds, s.leak_deferrals};
  }
  const I128 promoted = ceil_seconds(static_cast<I128>(j) * s.interval_ns);
  const bool one_token_per_wake = s.interval_ns >= k_ns_per_second;
  return RateWait{nonnegative_i64(promoted), one_token_per_wake ? j : util::saturate_u64(promoted)};
}

// How many k in [1, n] have pred(k) true, for pred false then true.
template <class Pred>
std::uint64_t count_true_suffix(std::uint64_t n, Pred pred) {
  if (n == 0 || !pred(n)) {
    return 0;
  }
  std::uint64_t lo = 1;  // invariant: the first true k lies in [lo, hi]
  std::uint64_t hi = n;
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    if (pred(mid)) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return n - lo + 1;
}

// Whole seconds of max_age, rounded up: a whole-second due time reaches
// max_age exactly when it reaches this.
std::int64_t max_age_ceil(values::Duration max_age) {
  return nonnegative_i64(static_cast<I128>(max_age.seconds) + (max_age.nanos > 0 ? 1 : 0));
}

std::string humantime_ns(std::uint64_t ns) {
  return values::format_humantime(values::Duration{ns / 1'000'000'000, static_cast<std::uint32_t>(ns % 1'000'000'000)});
}

std::string messages(std::uint64_t n) { return std::to_string(n) + (n == 1 ? " message" : " messages"); }

}  // namespace

std::optional<std::uint64_t> first_multiple_in_range(std::uint64_t a, std::uint64_t m, std::uint64_t lo,
                                                     std::uint64_t hi) {
  if (m == 0 || lo > hi || hi >= m) {
    return std::nullopt;
  }
  const auto x = first_in_range(a, m, lo, hi);
  return x ? std::optional<std::uint64_t>(util::saturate_u64(*x)) : std::nullopt;
}

RateSchedule rate_schedule(const values::ThrottleSpec& spec) {
  const values::ThrottleExplanation e = values::explain_throttle(spec);
  RateSchedule s;
  s.interval_ns = e.emission_interval_ns;
  s.immediate_events = e.local_immediate_events;
  if (e.zero_rate) {
    s.regime = RateRegime::zero_rate;
  } else if (e.never_delays_locally) {
    s.regime = RateRegime::never_delays;
  } else if (s.interval_ns >= k_ns_per_second && s.immediate_events == 1) {
    single_token_cycle(s);
  } else if (s.interval_ns >= k_ns_per_second) {
    find_leak_slow(s);  // b >= 1: bT >= 1s outlasts every wake-up's rounding, no refill
  } else {
    find_fast_events(s);
  }
  return s;
}

std::optional<RateWait> rate_wait(const RateSchedule& s, std::uint64_t k) {
  if (s.regime == RateRegime::zero_rate) {
    return std::nullopt;
  }
  if (s.regime == RateRegime::never_delays) {
    return RateWait{};
  }
  if (s.cycle_messages == 0) {
    return first_cycle_wait(s, k);
  }
  const std::uint64_t cycle = (k - 1) / s.cycle_messages;
  const RateWait w = first_cycle_wait(s, (k - 1) % s.cycle_messages + 1);
  const I128 delay = static_cast<I128>(cycle) * s.cycle_seconds + w.delay_seconds;
  const I128 deferrals = static_cast<I128>(cycle) * s.cycle_deferrals + w.deferrals;
  return RateWait{nonnegative_i64(delay), util::saturate_u64(deferrals)};
}

RatePreview preview_rate(const values::ThrottleSpec& spec, values::Duration max_age, std::uint64_t burst) {
  RatePreview p;
  p.spec = spec;
  p.schedule = rate_schedule(spec);
  p.burst = burst;
  p.max_age_seconds = max_age_ceil(max_age);
  if (p.schedule.regime == RateRegime::zero_rate) {
    p.expires_before_first_attempt = burst > 0;
    return p;
  }
  if (burst == 0) {
    return p;
  }
  p.last = rate_wait(p.schedule, burst);
  p.at_once = p.schedule.regime == RateRegime::never_delays ? burst : std::min(burst, p.schedule.immediate_events);
  if (p.schedule.leak_token && *p.schedule.leak_token <= burst - std::min(burst, p.schedule.immediate_events)) {
    p.leak = RateLeak{p.schedule.immediate_events + *p.schedule.leak_token, p.schedule.leak_at_seconds};
  }
  // Only a requeue checks max_age, so a message expires when it was deferred
  // and its last due time (its promotion time) reaches max_age (§4.4: >=).
  p.expired = count_true_suffix(burst, [&](std::uint64_t k) {
    const RateWait w = *rate_wait(p.schedule, k);
    return w.deferrals > 0 && w.delay_seconds >= p.max_age_seconds;
  });
  p.expires_before_first_attempt = p.expired > 0;
  return p;
}

std::vector<diag::Diagnostic> rate_preview_findings(const RatePreview& p) {
  if (p.schedule.regime != RateRegime::throttles || p.expired == 0 || !p.last) {
    return {};
  }
  const std::string max_age =
      values::format_humantime(values::Duration{static_cast<std::uint64_t>(p.max_age_seconds), 0});
  const std::string last =
      values::format_humantime(values::Duration{static_cast<std::uint64_t>(p.last->delay_seconds), 0});
  diag::Diagnostic d = diag::make_diagnostic(
      diag::Code::rate_expires_untried,
      "max_message_rate '" + values::format_throttle(p.spec) + "' (one every " + humantime_ns(p.schedule.interval_ns) +
          ") defers a burst of " + messages(p.burst) + " for up to " + last + ": " + std::to_string(p.expired) +
          " would reach max_age=" + max_age + " and expire without a delivery attempt",
      diag::Location{});
  d.key = "max_message_rate";
  return {d};
}

}  // namespace kumo::simulate
