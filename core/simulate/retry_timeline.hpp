// The retry timeline of one message in a scheduled queue, computed exactly as
// kumod schedules it (reference §4): whole-second doubling delays, the cap,
// jitter, and the strict max_age check at each failure. Pure: no Lua, no
// clock, no unseeded randomness. Closed form once the delay is constant, so
// every config costs microseconds.
// Not modelled: kumod's in-memory attempt counter is a u16 that wraps to 0 at
// 65536 failures (release builds), restarting the doubling; counts above that
// are reported as if it did not wrap (KQ205 flags them anyway).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/diag/diagnostic.hpp"
#include "core/simulate/rate_preview.hpp"
#include "core/values/duration.hpp"

namespace kumo::simulate {

// The three QueueConfig keys that decide the schedule.
struct RetryPolicy {
  values::Duration retry_interval{1200, 0};            // kumod default 20m
  std::optional<values::Duration> max_retry_interval;  // unset by default
  values::Duration max_age{604800, 0};                 // kumod default 7days
};

// The jitter J added to a delay: every achievable integer lies in [min, max].
struct JitterRange {
  std::int64_t min = 0;
  std::int64_t max = 0;

  friend bool operator==(const JitterRange&, const JitterRange&) = default;
};

struct TimelineOptions {
  std::uint64_t attempt_duration_seconds = 0;  // each attempt's time before it fails
  std::optional<std::uint64_t> seed;           // set: one reproducible jitter draw
  std::size_t max_attempts_shown = 50;         // listed attempts; the doubling prefix is always listed
  std::uint64_t burst = k_default_burst;       // messages due together, for the max_message_rate preview
};

struct Attempt {
  std::uint64_t attempt = 0;                        // 1-based
  std::int64_t at_seconds = 0;                      // since creation: nominal, or the drawn time with a seed
  std::int64_t earliest_seconds = 0;                // jitter envelope: every draw lower
  std::int64_t latest_seconds = 0;                  // jitter envelope: every draw higher
  std::optional<std::int64_t> delay_after_seconds;  // wait after this failure; none if final

  friend bool operator==(const Attempt&, const Attempt&) = default;
};

struct Expiry {
  std::uint64_t after_attempt = 0;  // the failed attempt that expires the message
  std::int64_t at_seconds = 0;      // time of that failure (attempt start + duration)
  std::string reason;               // kumod's Expiration record text
  // Unseeded: some jitter draw could change the attempt count. With a seed
  // the draw is made, so it has decided: always false.
  bool depends_on_jitter = false;

  friend bool operator==(const Expiry&, const Expiry&) = default;
};

// The attempts after the listed ones: evenly spaced by the constant delay
// plus the attempt duration (only on average when a seed draws jitter).
struct PeriodicTail {
  std::uint64_t first_attempt = 0;
  std::uint64_t count = 0;
  std::int64_t period_seconds = 0;
  std::int64_t first_at_seconds = 0;
  std::int64_t last_at_seconds = 0;

  friend bool operator==(const PeriodicTail&, const PeriodicTail&) = default;
};

struct Timeline {
  std::optional<std::uint64_t> attempt_count;      // none: retries forever
  std::optional<std::int64_t> expires_at_seconds;  // none: never expires
  std::int64_t max_age_seconds = 0;                // whole seconds
  bool unbounded = false;                          // every delay is 0s: kumod retries without pause
  std::vector<Attempt> attempts;                   // the first attempts, in order
  std::optional<Expiry> expiry;                    // none: never expires
  std::optional<PeriodicTail> summary;             // none: every attempt is listed, or no end
  // What max_message_rate does to a burst before its first attempt; none
  // without a rate. Set by pipeline::evaluate_timeline, not simulate_retries.
  std::optional<RatePreview> rate_limit;
};

// What kumod does with a spooled message at restart (§4.4 spool-in).
struct SpoolIn {
  bool hangs = false;              // every delay is 0s: infer_num_attempts never returns
  std::uint64_t num_attempts = 0;  // inferred; kumod keeps it in a u16 (wraps past 65535)
  bool expired = false;
  values::Duration delay{};  // due this long after restart, when not expired

  friend bool operator==(const SpoolIn&, const SpoolIn&) = default;
};

// --- Interface ---

// D(n), the whole-second delay after the (n+1)-th failure (§4.1).
std::uint64_t delay_for_attempt(const RetryPolicy& policy, std::uint64_t n);

// True when every delay truncates to 0s (retry_interval or max_retry_interval < 1s).
bool has_zero_delay(const RetryPolicy& policy);

// Jitter magnitude min(retry_interval_f32 / 20, 60), as kumod computes it in f32.
float jitter_magnitude(const RetryPolicy& policy);

// The exact extremes of J = trunc(u × mag − mag/2) over kumod's u = k/2^24.
JitterRange jitter_range(const RetryPolicy& policy);

// J for one uniform draw u in [0, 1), with f32 arithmetic as in Rust.
std::int64_t jitter_for(float magnitude, float u);

// The seeded generator: splitmix64 state advance, top 24 bits → u = k / 2^24.
class JitterRng {
 public:
  explicit JitterRng(std::uint64_t seed) : m_state(seed) {}
  std::uint64_t next_u64();  // splitmix64 (Steele, Lea, Flood 2014)
  float next_unit_f32();     // (next_u64() >> 40) × 2^-24, in [0, 1)

 private:
  std::uint64_t m_state;
};

// The whole schedule of one message that fails every attempt.
Timeline simulate_retries(const RetryPolicy& policy, const TimelineOptions& options = {});

// kumod's spool-in decision for a message of the given age.
SpoolIn spool_in(const RetryPolicy& policy, values::Duration age);

// Seeded mode draws jitter for this many failures, then continues nominally.
inline constexpr std::uint64_t k_seeded_draw_limit = 100'000;

}  // namespace kumo::simulate
