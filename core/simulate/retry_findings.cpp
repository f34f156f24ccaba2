// The KQ2xx findings about a retry schedule: what a policy's retry
// settings do that its author likely did not mean, read off the simulated
// timeline (retry_timeline.cpp) and the settings themselves.
#include <optional>
#include <utility>

#include "core/simulate/retry_findings.hpp"

#include "core/diag/codes.hpp"
#include "core/simulate/retry_detail.hpp"
#include "core/simulate/retry_timeline.hpp"

namespace kumo::simulate {

namespace {

using retry_detail::humantime;
using retry_detail::humantime_seconds;
using retry_detail::k_saturated_attempt;
using util::I128;

// The start of the last attempt, from the list or the tail.
std::optional<std::int64_t> last_attempt_at(const Timeline& t) {
  if (!t.attempt_count) {
    return std::nullopt;
  }
  if (t.summary) {
    return t.summary->last_at_seconds;
  }
  if (t.attempts.empty()) {
    return std::nullopt;
  }
  return t.attempts.back().at_seconds;
}

// A finding about `key`, the setting to change (its line is found later).
diag::Diagnostic finding(diag::Code code, const std::string& key, std::string message) {
  diag::Diagnostic d = diag::make_diagnostic(code, std::move(message), diag::Location{});
  d.key = key;
  return d;
}

std::optional<diag::Diagnostic> zero_delay_finding(const RetryPolicy& policy) {
  if (!has_zero_delay(policy)) {
    return std::nullopt;
  }
  const bool interval_is_zero = policy.retry_interval.seconds == 0;
  const std::string key = interval_is_zero ? "retry_interval" : "max_retry_interval";
  const values::Duration value = interval_is_zero ? policy.retry_interval : *policy.max_retry_interval;
  return finding(diag::Code::retry_zero_delay, key,
                 key + "=" + humantime(value) +
                     " truncates to 0s: every retry is immediate and kumod hangs at "
                     "spool-in on any spooled message of this queue");
}

std::optional<diag::Diagnostic> zero_max_age_finding(const RetryPolicy& policy) {
  if (policy.max_age.seconds != 0 || has_zero_delay(policy)) {
    return std::nullopt;
  }
  return finding(diag::Code::retry_zero_max_age, "max_age",
                 "max_age=" + humantime(policy.max_age) + ": every message expires at its first transient failure");
}

std::optional<diag::Diagnostic> never_retried_finding(const RetryPolicy& policy, const Timeline& t) {
  if (t.attempt_count != 1 || !t.expiry || policy.max_age.seconds == 0 || has_zero_delay(policy)) {
    return std::nullopt;
  }
  const I128 first_retry = static_cast<I128>(t.expiry->at_seconds) + delay_for_attempt(policy, 0);
  return finding(diag::Code::retry_never_retried, "retry_interval",
                 "the first retry would be at " + humantime_seconds(first_retry) +
                     ", after max_age=" + humantime(policy.max_age) +
                     ": a failed message is never retried (retry_interval=" + humantime(policy.retry_interval) + ")");
}

std::optional<diag::Diagnostic> fixed_interval_finding(const RetryPolicy& policy) {
  if (!policy.max_retry_interval || has_zero_delay(policy) ||
      policy.max_retry_interval->seconds >= policy.retry_interval.seconds) {
    return std::nullopt;
  }
  const std::string cap = humantime(values::Duration{policy.max_retry_interval->seconds, 0});
  return finding(diag::Code::retry_fixed_interval, "max_retry_interval",
                 "max_retry_interval=" + humantime(*policy.max_retry_interval) + " is below retry_interval=" +
                     humantime(policy.retry_interval) + ": every retry waits " + cap + ", without doubling");
}

std::optional<diag::Diagnostic> lifetime_unused_finding(const RetryPolicy& policy, const Timeline& t) {
  const std::optional<std::int64_t> last_at = last_attempt_at(t);
  if (t.unbounded || !t.expiry || !last_at || t.expiry->after_attempt < 2 || t.max_age_seconds <= 0) {
    return std::nullopt;
  }
  const double fraction = static_cast<double>(*last_at) / static_cast<double>(t.max_age_seconds);
  if (fraction >= k_unused_lifetime_fraction) {
    return std::nullopt;
  }
  const I128 next_retry =
      static_cast<I128>(t.expiry->at_seconds) + delay_for_attempt(policy, t.expiry->after_attempt - 1);
  const std::string advice =
      policy.max_retry_interval ? "consider a smaller max_retry_interval" : "consider max_retry_interval";
  return finding(diag::Code::retry_lifetime_unused, "max_age",
                 "last attempt at " + humantime_seconds(*last_at) + " of max_age=" + humantime(policy.max_age) +
                     " (the next retry would be at " + humantime_seconds(next_retry) + "): " + advice);
}

std::optional<diag::Diagnostic> cap_within_jitter_finding(const RetryPolicy& policy) {
  if (!policy.max_retry_interval || has_zero_delay(policy)) {
    return std::nullopt;
  }
  const JitterRange jitter = jitter_range(policy);
  const std::uint64_t cap = delay_for_attempt(policy, k_saturated_attempt);
  if (static_cast<I128>(cap) + jitter.min > 0) {
    return std::nullopt;
  }
  return finding(diag::Code::retry_cap_within_jitter, "max_retry_interval",
                 "max_retry_interval=" + humantime(*policy.max_retry_interval) +
                     " is within the retry jitter of up to " + humantime_seconds(-jitter.min) +
                     " early (sized from retry_interval=" + humantime(policy.retry_interval) +
                     "): some retries are immediate");
}

std::optional<diag::Diagnostic> too_many_attempts_finding(const RetryPolicy& policy, const Timeline& t) {
  if (!t.attempt_count || *t.attempt_count <= k_many_attempts_threshold) {
    return std::nullopt;
  }
  const std::string advice =
      policy.max_retry_interval ? "consider a longer max_retry_interval" : "consider a longer retry_interval";
  return finding(diag::Code::retry_too_many_attempts,
                 policy.max_retry_interval ? "max_retry_interval" : "retry_interval",
                 std::to_string(*t.attempt_count) +
                     " delivery attempts per message within max_age=" + humantime(policy.max_age) + ": " + advice);
}

}  // namespace

std::vector<diag::Diagnostic> timeline_findings(const RetryPolicy& policy, const Timeline& timeline) {
  const std::optional<diag::Diagnostic> candidates[] = {
      zero_delay_finding(policy),
      zero_max_age_finding(policy),
      never_retried_finding(policy, timeline),
      fixed_interval_finding(policy),
      cap_within_jitter_finding(policy),
      lifetime_unused_finding(policy, timeline),
      too_many_attempts_finding(policy, timeline),
  };
  std::vector<diag::Diagnostic> out;
  for (const auto& candidate : candidates) {
    if (candidate) {
      out.push_back(*candidate);
    }
  }
  return out;
}

}  // namespace kumo::simulate
