// A retry timeline and its max_message_rate preview as JSON: the "timeline"
// member of check's results and of timeline's document.
#include <algorithm>

#include "core/report/render.hpp"
#include "core/values/duration.hpp"
#include "core/values/throttle.hpp"

namespace kumo::report {

namespace {

// Null for an empty optional, so a missing value keeps its key.
nlohmann::json json_or_null(const auto& value) {
  if (value) {
    return *value;
  }
  return nullptr;
}

// Negative times print as 0s, as the simulator's own texts do.
std::string humantime_since_creation(std::int64_t seconds) {
  return values::format_humantime(values::Duration{static_cast<std::uint64_t>(std::max<std::int64_t>(seconds, 0)), 0});
}

nlohmann::json attempt_json(const simulate::Attempt& a) {
  return {{"attempt", a.attempt},
          {"at_seconds", a.at_seconds},
          {"at", humantime_since_creation(a.at_seconds)},
          {"earliest_seconds", a.earliest_seconds},
          {"latest_seconds", a.latest_seconds},
          {"delay_after_seconds", json_or_null(a.delay_after_seconds)}};
}

nlohmann::json expiry_json(const std::optional<simulate::Expiry>& expiry) {
  if (!expiry) {
    return nullptr;
  }
  return {{"after_attempt", expiry->after_attempt},
          {"at_seconds", expiry->at_seconds},
          {"reason", expiry->reason},
          {"depends_on_jitter", expiry->depends_on_jitter}};
}

nlohmann::json tail_json(const std::optional<simulate::PeriodicTail>& tail) {
  if (!tail) {
    return nullptr;
  }
  return {{"first_attempt", tail->first_attempt},
          {"count", tail->count},
          {"period_seconds", tail->period_seconds},
          {"first_at_seconds", tail->first_at_seconds},
          {"last_at_seconds", tail->last_at_seconds}};
}

}  // namespace

std::string timeline_document(const TimelineResult& r) {
  if (!r.policy_loaded) {
    return timeline_document(std::nullopt, std::nullopt, r.diagnostics);
  }
  return timeline_document(r.settings, r.timeline, r.diagnostics, r.spool_in);
}

nlohmann::json timeline_json(const simulate::Timeline& timeline) {
  nlohmann::json attempts = nlohmann::json::array();
  for (const simulate::Attempt& a : timeline.attempts) {
    attempts.push_back(attempt_json(a));
  }
  return {{"attempt_count", json_or_null(timeline.attempt_count)},
          {"expires_at_seconds", json_or_null(timeline.expires_at_seconds)},
          {"max_age_seconds", timeline.max_age_seconds},
          {"unbounded", timeline.unbounded},
          {"attempts", attempts},
          {"expiry", expiry_json(timeline.expiry)},
          {"summary", tail_json(timeline.summary)},
          {"rate_limit", timeline.rate_limit ? rate_preview_json(*timeline.rate_limit) : nlohmann::json(nullptr)}};
}

nlohmann::json rate_preview_json(const simulate::RatePreview& p) {
  static const char* const k_regimes[] = {"zero_rate", "never_delays", "throttles"};
  nlohmann::json leak = nullptr;
  if (p.leak) {
    leak = {{"from_message", p.leak->from_message}, {"at_seconds", p.leak->at_seconds}};
  }
  nlohmann::json last_delay = nullptr;
  nlohmann::json last_deferrals = nullptr;
  if (p.last) {
    last_delay = p.last->delay_seconds;
    last_deferrals = p.last->deferrals;
  }
  return {{"spec", values::format_throttle(p.spec)},
          {"regime", k_regimes[static_cast<int>(p.schedule.regime)]},
          {"backend", "local"},
          {"emission_interval_ns", p.schedule.interval_ns},
          {"immediate_events", p.schedule.immediate_events},
          {"burst", p.burst},
          {"at_once", p.at_once},
          {"drain_seconds", last_delay},
          {"last_delay_seconds", last_delay},
          {"last_deferrals", last_deferrals},
          {"leak", leak},
          {"max_age_seconds", p.max_age_seconds},
          {"expired", p.expired},
          {"expires_before_first_attempt", p.expires_before_first_attempt}};
}

}  // namespace kumo::report
