// Throttle specs (`max_message_rate`, kumo.make_throttle), reference §3.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/expected.hpp"
#include "core/values/value_error.hpp"

namespace kumo::values {

struct ThrottleSpec {
  std::uint64_t limit = 0;   // always > 0 once parsed
  std::uint64_t period = 0;  // seconds; may be 0 ("10/0s" parses)
  std::optional<std::uint64_t> max_burst;
  bool force_local = false;

  friend bool operator==(const ThrottleSpec&, const ThrottleSpec&) = default;
};

// --- Interface ---

// Parses with KumoMTA's exact algorithm and order (§3.2), including the
// unchecked (wrapping) period scale. On failure `kumo_message` holds
// KumoMTA's text, e.g. "unknown period quantity seconds", and `message`
// explains and suggests, e.g. `unknown period "seconds"; KumoMTA accepts s, sec, second`.
util::Expected<ThrottleSpec, ValueError> parse_throttle(std::string_view text);

// Canonical display (§3.3): "local:" prefix, limit, "/", d|h|m|s or "<P>s",
// ",max_burst=B". Re-parses to the same spec.
std::string format_throttle(const ThrottleSpec& spec);

// What a spec means (nominal figures, as KumoMTA's explain-throttle).
struct ThrottleExplanation {
  double per_second = 0, per_minute = 0, per_hour = 0, per_day = 0;  // limit/period scaled
  double interval_seconds = 0;                                       // nominal T = period / max(limit, 1)
  std::uint64_t burst = 0;                                           // max_burst or limit
  bool explicit_burst = false;                                       // max_burst was given
  // Local GCRA backend (§3.4): emission interval trunc(period_ns / limit).
  std::uint64_t emission_interval_ns = 0;
  std::uint64_t local_immediate_events = 0;  // min(burst, limit-1)+1
  bool zero_rate = false;                    // emission interval truncates to 0 ns: every call errors
  bool never_delays_locally = false;         // emission interval < 1 ms
};
ThrottleExplanation explain_throttle(const ThrottleSpec& spec);

// The text of KumoMTA's `throttle:explain()` (mod_kumo.rs explain_throttle),
// one entry per line, byte for byte: the canonical spec, the burst line and
// the overall-rate line, e.g. for "100/h":
//   "100/h"
//   "implied burst rate 100 every 36s, or: 3/s, 167/m, 10,000/h, 240,000/d in that period."
//   "overall rate 0.028/s, 2/m, 100/h, 2,400/d"
// Where kumod would panic (an interval too large for a Duration) the
// interval saturates instead: ask explain_throttle_panic first.
std::vector<std::string> explain_throttle_lines(const ThrottleSpec& spec);

// kumod's explain_throttle starts with ThrottleSpec::interval(), a
// Duration::from_secs_f64 of period / limit that panics when the quotient
// is 2^64 seconds or more. Rust's panic message then, else nothing.
std::optional<std::string> explain_throttle_panic(const ThrottleSpec& spec);

}  // namespace kumo::values
