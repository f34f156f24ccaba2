// What `max_message_rate` does to a burst of messages that become due at the
// same moment in a cold bucket (reference §3.4, §4.4, §4.6), with the local
// GCRA back end's exact arithmetic. An approximation of kumod as a whole:
//   - every message of the burst is received at the burst (age 0) and calls
//     the throttle at the same instant, in order; a requeued message wakes
//     exactly at its due time (kumod's timer wheel adds a little slack);
//   - redis back ends differ (burst without the limit-1 clamp, ceil rounding
//     in whole redis seconds: §3.4, §11.6) and are not modelled;
//   - a `throttle_insert_ready_queue` handler that delays a message does not
//     get its delay: kumod requeues without an explicit delay, which means
//     due = now + uniform 0-59s, no attempt counted (§4.6 step 5, §11.5), and
//     the same happens while the ready queue is full (§4.6 step 6). Neither is
//     simulated: both only add 0-59s per occurrence;
//   - "promoted" means handed to the ready queue, not delivered: connection
//     limits and the ready queue decide when the first attempt starts.
//
// The model, with T the emission interval in ns and b the effective burst:
// the first b+1 calls pass; every later call at time t passes when the next
// token time u <= t, else it is requeued after retry_after = u - t rounded to
// whole seconds (+1 when the millisecond part is > 0; sub-millisecond parts
// are dropped, and a result of 0 means "not throttled"). Every message that
// wakes at the same second sees the same bucket, so the burst moves as one
// cohort: the k-th message beyond the burst (token j = k - b, time jT) is
// promoted at ceil_sec(jT), after j throttle deferrals when T >= 1s (one
// wake-up per token) or ceil_sec(jT) of them when T < 1s (one per second).
// The bucket holds at most b+1 tokens: when more have accrued by a wake-up
// (T < 1s with a small burst, or b = 0), it allows b+1 and restarts as at
// t = 0, so the pattern repeats in cycles (found by the same search below).
// The exception is a token time whose sub-second part lies in (0, 1ms): the
// rounding then wakes the cohort before the token is due, the remaining wait
// rounds to "not throttled", and every message left is promoted at once
// without a token (a "leak"). The first such token is found by a Euclid-like
// search over j·T mod 1s, so each message's wait is closed form.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/diag/diagnostic.hpp"
#include "core/values/duration.hpp"
#include "core/values/throttle.hpp"

namespace kumo::simulate {

// How a spec behaves on the local back end.
enum class RateRegime {
  zero_rate,     // T truncates to 0ns: every throttle call errors (KQ302)
  never_delays,  // T < 1ms: retry_after always rounds to 0 (KQ303)
  throttles,
};

// The facts of a spec that every message's wait needs.
struct RateSchedule {
  RateRegime regime = RateRegime::throttles;
  std::uint64_t interval_ns = 0;       // T = trunc(period_ns / limit), saturated at u64
  std::uint64_t immediate_events = 0;  // b + 1 = min(max_burst or limit, limit - 1) + 1
  // The first token whose wait rounds below 1ms (1-based beyond the burst):
  // from it on the cohort is promoted at `leak_at_seconds` without tokens.
  std::optional<std::uint64_t> leak_token;
  std::int64_t leak_at_seconds = 0;
  std::uint64_t leak_deferrals = 0;
  // A bucket that refills to b+1 between wake-ups (GCRA stores at most b+1
  // tokens) restarts the pattern of t = 0: every `cycle_seconds` the next
  // `cycle_messages` messages repeat the first cycle's waits, with
  // `cycle_deferrals` more deferrals each. Zero: no refill, tokens accumulate.
  std::uint64_t cycle_seconds = 0;
  std::uint64_t cycle_messages = 0;
  std::uint64_t cycle_deferrals = 0;

  friend bool operator==(const RateSchedule&, const RateSchedule&) = default;
};

// One message of the burst.
struct RateWait {
  std::int64_t delay_seconds = 0;  // from the burst to promotion to the ready queue
  std::uint64_t deferrals = 0;     // throttle requeues: no attempt counted, no jitter

  friend bool operator==(const RateWait&, const RateWait&) = default;
};

struct RateLeak {
  std::uint64_t from_message = 0;  // 1-based: this message and every later one
  std::int64_t at_seconds = 0;

  friend bool operator==(const RateLeak&, const RateLeak&) = default;
};

struct RatePreview {
  values::ThrottleSpec spec;
  RateSchedule schedule;
  std::uint64_t burst = 0;           // N: messages due together
  std::uint64_t at_once = 0;         // promoted at 0 without a deferral
  std::optional<RateWait> last;      // the N-th message; none for a zero rate or N = 0
  std::optional<RateLeak> leak;      // when the leak happens within the burst
  std::int64_t max_age_seconds = 0;  // max_age rounded up: due >= max_age on whole seconds
  std::uint64_t expired = 0;         // messages whose throttle due time reaches max_age
  // Some message expires without a delivery attempt: `expired` > 0, or a
  // zero rate (the throttle error path never promotes a message).
  bool expires_before_first_attempt = false;
};

// --- Interface ---

RateSchedule rate_schedule(const values::ThrottleSpec& spec);

// The wait of message k (1-based, in throttle-call order) of a burst; for a
// zero rate there is none (the message is never promoted).
std::optional<RateWait> rate_wait(const RateSchedule& schedule, std::uint64_t k);

// The whole burst in O(log N) waits: the last one, and the expired ones by
// binary search (waits are monotone in k).
RatePreview preview_rate(const values::ThrottleSpec& spec, values::Duration max_age, std::uint64_t burst);

// Min x >= 0 with lo <= (a·x mod m) <= hi, or none; needs 0 <= lo <= hi < m.
// Euclid-like: O(log m) steps.
std::optional<std::uint64_t> first_multiple_in_range(std::uint64_t a, std::uint64_t m, std::uint64_t lo,
                                                     std::uint64_t hi);

// KQ304 when messages of the burst expire before their first attempt (not
// for a zero rate: KQ302 covers it). Key max_message_rate, no location.
std::vector<diag::Diagnostic> rate_preview_findings(const RatePreview& preview);

inline constexpr std::uint64_t k_default_burst = 100;
// kumod's requeue without an explicit delay: due = now + uniform 0..59s.
inline constexpr std::int64_t k_requeue_jitter_max_seconds = 59;

}  // namespace kumo::simulate
