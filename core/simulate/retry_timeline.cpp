#include "core/simulate/retry_timeline.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "core/simulate/retry_detail.hpp"
#include "core/util/saturate.hpp"

namespace kumo::simulate {

namespace {

// Times are summed in 128 bits so that no config can overflow them; they are
// clamped to i64 only when they leave this file.
using retry_detail::humantime;
using retry_detail::humantime_seconds;
using retry_detail::k_saturated_attempt;
using util::I128;

constexpr std::int64_t k_i64_max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t k_i64_min = std::numeric_limits<std::int64_t>::min();
// kumod converts every delay to chrono, which holds i64 milliseconds.
constexpr std::int64_t k_max_chrono_seconds = k_i64_max / 1000;

std::uint64_t saturating_mul(std::uint64_t a, std::uint64_t b) {
  std::uint64_t product = 0;
  if (__builtin_mul_overflow(a, b, &product)) {
    return std::numeric_limits<std::uint64_t>::max();
  }
  return product;
}

// The facts of a policy that every computation needs, in whole seconds.
struct Shape {
  bool zero_delay = false;
  std::uint64_t constant_from = 0;  // n0: D(n) == constant_delay for all n >= n0
  I128 constant_delay = 0;
  // max_age in whole seconds: an integer age + delay exceeds s.frac exactly
  // when it exceeds s. Clamped to kumod's chrono range (beyond it kumod
  // panics at the first expiry check, §1.5).
  I128 max_age = 0;
  I128 duration = 0;
  JitterRange jitter;
};

Shape shape_of(const RetryPolicy& policy, const TimelineOptions& options) {
  Shape shape;
  shape.zero_delay = has_zero_delay(policy);
  const std::uint64_t last = delay_for_attempt(policy, k_saturated_attempt);
  while (delay_for_attempt(policy, shape.constant_from) != last) {
    ++shape.constant_from;
  }
  shape.constant_delay = last;
  shape.max_age = std::min<std::uint64_t>(policy.max_age.seconds, k_max_chrono_seconds);
  shape.duration = std::min<std::uint64_t>(options.attempt_duration_seconds, k_max_chrono_seconds);
  shape.jitter = jitter_range(policy);
  return shape;
}

// Nominal time and jitter envelope of one attempt's start.
struct Point {
  I128 at = 0;
  I128 earliest = 0;
  I128 latest = 0;
};

// Envelope steps never go back in time: a negative jittered delay makes the
// message due immediately.
I128 jittered_step(I128 delay, std::int64_t jitter) { return std::max<I128>(0, delay + jitter); }

// Every attempt's nominal time and envelope, whatever max_age says: the
// doubling prefix is stored, the constant-delay rest is arithmetic.
class Envelope {
 public:
  Envelope(const RetryPolicy& policy, const Shape& shape) : m_shape(shape) {
    Point p;
    m_prefix.push_back(p);
    for (std::uint64_t n = 0; n < shape.constant_from; ++n) {
      const I128 d = delay_for_attempt(policy, n);
      p.at += shape.duration + d;
      p.earliest += shape.duration + jittered_step(d, shape.jitter.min);
      p.latest += shape.duration + jittered_step(d, shape.jitter.max);
      m_prefix.push_back(p);
    }
  }

  // The first attempt followed by the constant delay.
  std::uint64_t periodic_from() const { return m_prefix.size(); }

  I128 period() const { return m_shape.constant_delay + m_shape.duration; }

  Point at(std::uint64_t attempt) const {
    if (attempt <= m_prefix.size()) {
      return m_prefix[attempt - 1];
    }
    const I128 steps = attempt - m_prefix.size();
    const Point& base = m_prefix.back();
    const I128 c = m_shape.constant_delay;
    return Point{base.at + steps * period(),
                 base.earliest + steps * (jittered_step(c, m_shape.jitter.min) + m_shape.duration),
                 base.latest + steps * (jittered_step(c, m_shape.jitter.max) + m_shape.duration)};
  }

 private:
  const Shape& m_shape;
  std::vector<Point> m_prefix;  // attempts 1 .. constant_from + 1
};

// The first attempt >= `from`, starting at `start` and then spaced by the
// constant period, whose failure expires the message; none when it never
// does (zero period). Requires from >= periodic_from().
std::optional<std::uint64_t> first_expiring_in_tail(const Shape& shape, std::uint64_t from, I128 start) {
  const I128 last_safe_start = shape.max_age - shape.duration - shape.constant_delay;
  if (start > last_safe_start) {
    return from;
  }
  const I128 period = shape.constant_delay + shape.duration;
  if (period == 0) {
    return std::nullopt;
  }
  return util::saturate_u64(from + (last_safe_start - start) / period + 1);
}

bool expires_at_failure(const Shape& shape, I128 start, I128 delay) {
  return start + shape.duration + delay > shape.max_age;
}

// The nominal (zero-jitter) attempt count; none when it never ends.
std::optional<std::uint64_t> nominal_count(const RetryPolicy& policy, const Shape& shape, const Envelope& envelope) {
  for (std::uint64_t k = 1; k < envelope.periodic_from(); ++k) {
    if (expires_at_failure(shape, envelope.at(k).at, delay_for_attempt(policy, k - 1))) {
      return k;
    }
  }
  const std::uint64_t from = envelope.periodic_from();
  return first_expiring_in_tail(shape, from, envelope.at(from).at);
}

std::string expiry_reason(I128 next_due_age, const values::Duration& max_age) {
  return "Next delivery time would be " + humantime_seconds(next_due_age) +
         " after creation, which exceeds max_age=" + humantime(max_age);
}

// Whether some jitter draw could change the nominal count `n`: the final
// failure could be survived on the earliest path, or the last retry could
// itself expire on the latest path. Exact for those two decisions only.
bool count_depends_on_jitter(const RetryPolicy& policy, const Shape& shape, const Envelope& envelope, std::uint64_t n) {
  const I128 final_delay = delay_for_attempt(policy, n - 1);
  if (!expires_at_failure(shape, envelope.at(n).earliest, final_delay + shape.jitter.min)) {
    return true;
  }
  if (n < 2) {
    return false;
  }
  const I128 previous_delay = delay_for_attempt(policy, n - 2);
  return expires_at_failure(shape, envelope.at(n - 1).latest, previous_delay + shape.jitter.max);
}

std::size_t listed_count(const TimelineOptions& options, const Envelope& envelope, std::optional<std::uint64_t> count) {
  // The tail after the list must be evenly spaced, so the doubling prefix
  // (at most 65 attempts) is always listed.
  std::uint64_t listed = std::max<std::uint64_t>({options.max_attempts_shown, envelope.periodic_from() - 1, 1});
  if (count) {
    listed = std::min(listed, *count);
  }
  return static_cast<std::size_t>(listed);
}

Attempt make_attempt(std::uint64_t k, const Point& p, I128 at) {
  return Attempt{k, util::saturate_i64(at), util::saturate_i64(p.earliest), util::saturate_i64(p.latest), std::nullopt};
}

// Zero-jitter timeline with the envelope.
Timeline nominal_timeline(const RetryPolicy& policy, const TimelineOptions& options, const Shape& shape,
                          const Envelope& envelope) {
  Timeline t;
  t.attempt_count = nominal_count(policy, shape, envelope);
  const std::size_t listed = listed_count(options, envelope, t.attempt_count);
  for (std::uint64_t k = 1; k <= listed; ++k) {
    const Point p = envelope.at(k);
    Attempt a = make_attempt(k, p, p.at);
    if (!t.attempt_count || k < *t.attempt_count) {
      a.delay_after_seconds = util::saturate_i64(envelope.at(k + 1).at - p.at - shape.duration);
    }
    t.attempts.push_back(a);
  }
  if (!t.attempt_count) {
    return t;
  }
  const std::uint64_t n = *t.attempt_count;
  const I128 failed_at = envelope.at(n).at + shape.duration;
  t.expiry = Expiry{n, util::saturate_i64(failed_at),
                    expiry_reason(failed_at + delay_for_attempt(policy, n - 1), policy.max_age),
                    count_depends_on_jitter(policy, shape, envelope, n)};
  if (n > listed) {
    t.summary = PeriodicTail{listed + 1, n - listed, util::saturate_i64(envelope.period()),
                             util::saturate_i64(envelope.at(listed + 1).at), util::saturate_i64(envelope.at(n).at)};
  }
  return t;
}

// Where a seeded walk stands after its draws.
struct DrawnWalk {
  std::uint64_t next_attempt = 1;  // the first attempt not drawn
  I128 next_at = 0;                // its start
  std::optional<I128> first_unlisted_at;
};

// Draws jitter for each failure until expiry or k_seeded_draw_limit, listing
// the first `listed_max` attempts and recording an expiry in `t`.
DrawnWalk draw_attempts(const RetryPolicy& policy, const TimelineOptions& options, const Shape& shape,
                        const Envelope& envelope, std::size_t listed_max, Timeline& t) {
  const float magnitude = jitter_magnitude(policy);
  JitterRng rng(*options.seed);
  DrawnWalk walk;
  for (; walk.next_attempt <= k_seeded_draw_limit; ++walk.next_attempt) {
    const std::uint64_t k = walk.next_attempt;
    if (k == listed_max + 1) {
      walk.first_unlisted_at = walk.next_at;
    }
    const I128 delay = delay_for_attempt(policy, k - 1) + jitter_for(magnitude, rng.next_unit_f32());
    const I128 failed_at = walk.next_at + shape.duration;
    const bool expires = failed_at + delay > shape.max_age;
    if (k <= listed_max) {
      Attempt a = make_attempt(k, envelope.at(k), walk.next_at);
      if (!expires) {
        a.delay_after_seconds = util::saturate_i64(jittered_step(delay, 0));
      }
      t.attempts.push_back(a);
    }
    if (expires) {
      t.attempt_count = k;
      t.expiry = Expiry{k, util::saturate_i64(failed_at), expiry_reason(failed_at + delay, policy.max_age), false};
      return walk;
    }
    walk.next_at = failed_at + jittered_step(delay, 0);
  }
  return walk;
}

// One drawn realization: jitter for the first k_seeded_draw_limit failures,
// then the nominal constant period from the drawn position.
Timeline seeded_timeline(const RetryPolicy& policy, const TimelineOptions& options, const Shape& shape,
                         const Envelope& envelope) {
  // Only drawn attempts are listed.
  const std::size_t listed_max = static_cast<std::size_t>(
      std::min<std::uint64_t>(listed_count(options, envelope, std::nullopt), k_seeded_draw_limit));
  Timeline t;
  DrawnWalk walk = draw_attempts(policy, options, shape, envelope, listed_max, t);
  I128 last_at = walk.next_at;
  if (!t.expiry) {
    // Past the draw limit the delay is constant: continue in closed form.
    t.attempt_count = first_expiring_in_tail(shape, walk.next_attempt, walk.next_at);
    if (!t.attempt_count) {
      return t;
    }
    const std::uint64_t n = *t.attempt_count;
    last_at = walk.next_at + static_cast<I128>(n - walk.next_attempt) * envelope.period();
    const I128 failed_at = last_at + shape.duration;
    t.expiry = Expiry{n, util::saturate_i64(failed_at), expiry_reason(failed_at + shape.constant_delay, policy.max_age),
                      false};
    if (!walk.first_unlisted_at) {
      walk.first_unlisted_at = walk.next_at + static_cast<I128>(listed_max + 1 - walk.next_attempt) * envelope.period();
    }
  }
  // The jitter is drawn, so the draw has decided the count: the expiry is
  // exact (depends_on_jitter stays false) and the chart draws no '?'.
  const std::uint64_t n = *t.attempt_count;
  if (n > listed_max) {
    t.summary = PeriodicTail{listed_max + 1, n - listed_max, util::saturate_i64(envelope.period()),
                             util::saturate_i64(*walk.first_unlisted_at), util::saturate_i64(last_at)};
  }
  return t;
}

// Sum of D(0) .. D(n-1) in closed form.
I128 sum_of_delays(const RetryPolicy& policy, const Shape& shape, std::uint64_t n) {
  I128 sum = 0;
  const std::uint64_t prefix = std::min(n, shape.constant_from);
  for (std::uint64_t i = 0; i < prefix; ++i) {
    sum += delay_for_attempt(policy, i);
  }
  return sum + static_cast<I128>(n - prefix) * shape.constant_delay;
}

// kumod's infer_num_attempts: the largest n with D(0)+…+D(n−1) <= age.
// Requires a non-zero delay (else kumod loops forever).
std::uint64_t infer_num_attempts(const RetryPolicy& policy, const Shape& shape, I128 age) {
  I128 elapsed = 0;
  for (std::uint64_t n = 0; n < shape.constant_from; ++n) {
    const I128 d = delay_for_attempt(policy, n);
    if (elapsed + d > age) {
      return n;
    }
    elapsed += d;
  }
  return util::saturate_u64(shape.constant_from + (age - elapsed) / shape.constant_delay);
}

values::Duration seconds_minus(I128 seconds, values::Duration age) {
  const I128 total_ns = seconds * 1'000'000'000 - (static_cast<I128>(age.seconds) * 1'000'000'000 + age.nanos);
  if (total_ns <= 0) {
    return {};
  }
  return values::Duration{util::saturate_u64(total_ns / 1'000'000'000),
                          static_cast<std::uint32_t>(total_ns % 1'000'000'000)};
}

}  // namespace

// --- Delays and jitter ---

std::uint64_t delay_for_attempt(const RetryPolicy& policy, std::uint64_t n) {
  const std::uint64_t power = n >= 64 ? std::numeric_limits<std::uint64_t>::max() : (std::uint64_t{1} << n);
  std::uint64_t delay = saturating_mul(policy.retry_interval.seconds, power);
  if (policy.max_retry_interval) {
    delay = std::min(delay, policy.max_retry_interval->seconds);
  }
  // kumod casts to i64 before clamping, so a delay above i64::MAX would wrap
  // negative; that needs an age beyond any valid max_age, so we clamp.
  return std::min<std::uint64_t>(delay, k_max_chrono_seconds);
}

bool has_zero_delay(const RetryPolicy& policy) {
  return policy.retry_interval.seconds == 0 || (policy.max_retry_interval && policy.max_retry_interval->seconds == 0);
}

float jitter_magnitude(const RetryPolicy& policy) {
  // Duration::as_secs_f32: secs as f32 + nanos as f32 / 1e9.
  const float interval =
      static_cast<float>(policy.retry_interval.seconds) + static_cast<float>(policy.retry_interval.nanos) / 1e9f;
  return std::min(interval / 20.0f, 60.0f);
}

std::int64_t jitter_for(float magnitude, float u) {
  // Separate f32 roundings, as Rust evaluates `u * mag - mag / 2.0`.
  const float scaled = u * magnitude;
  const float half = magnitude / 2.0f;
  const float jitter = scaled - half;
  return static_cast<std::int64_t>(jitter);  // truncates toward zero, like `as i64`
}

JitterRange jitter_range(const RetryPolicy& policy) {
  // J is monotone in u, and rand's f32 is k / 2^24 for k in [0, 2^24).
  const float magnitude = jitter_magnitude(policy);
  const float largest_u = static_cast<float>((1u << 24) - 1) / static_cast<float>(1u << 24);
  return JitterRange{jitter_for(magnitude, 0.0f), jitter_for(magnitude, largest_u)};
}

std::uint64_t JitterRng::next_u64() {
  m_state += 0x9e3779b97f4a7c15ull;
  std::uint64_t z = m_state;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

float JitterRng::next_unit_f32() {
  return static_cast<float>(next_u64() >> 40) * (1.0f / static_cast<float>(1u << 24));
}

// --- Timeline ---

Timeline simulate_retries(const RetryPolicy& policy, const TimelineOptions& options) {
  const Shape shape = shape_of(policy, options);
  const Envelope envelope(policy, shape);
  Timeline t = options.seed ? seeded_timeline(policy, options, shape, envelope)
                            : nominal_timeline(policy, options, shape, envelope);
  t.unbounded = shape.zero_delay;
  t.max_age_seconds = util::saturate_i64(policy.max_age.seconds);
  if (t.expiry) {
    t.expires_at_seconds = t.expiry->at_seconds;
  }
  return t;
}

SpoolIn spool_in(const RetryPolicy& policy, values::Duration age) {
  SpoolIn result;
  if (has_zero_delay(policy)) {
    result.hangs = true;
    return result;
  }
  const Shape shape = shape_of(policy, {});
  result.num_attempts = infer_num_attempts(policy, shape, age.seconds);
  if (age >= policy.max_age) {
    result.expired = true;
    return result;
  }
  // compute_delay_based_on_age sums D(1) .. D(n-1): attempt 0 is left out.
  I128 sum = 0;
  if (result.num_attempts > 0) {
    sum = sum_of_delays(policy, shape, result.num_attempts) - delay_for_attempt(policy, 0);
  }
  sum = std::min<I128>(sum, k_max_chrono_seconds);
  if (values::Duration{util::saturate_u64(sum), 0} >= policy.max_age) {
    result.expired = true;
    return result;
  }
  result.delay = seconds_minus(sum, age);
  return result;
}

}  // namespace kumo::simulate
