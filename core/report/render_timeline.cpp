#include <algorithm>

#include "core/report/render.hpp"
#include "core/values/duration.hpp"

namespace kumo::report {

namespace {

std::string at(std::int64_t seconds) {
  return values::format_humantime(values::Duration{static_cast<std::uint64_t>(std::max<std::int64_t>(seconds, 0)), 0});
}

std::optional<std::int64_t> last_attempt_at(const simulate::Timeline& t) {
  if (t.summary) {
    return t.summary->last_at_seconds;
  }
  if (t.attempts.empty()) {
    return std::nullopt;
  }
  return t.attempts.back().at_seconds;
}

}  // namespace

std::string timeline_summary(const simulate::Timeline& t) {
  std::string max_age = "max_age=" + at(t.max_age_seconds);
  if (!t.attempt_count) {
    return "retries without pause, forever (every delay truncates to 0s)";
  }
  std::string out = std::to_string(*t.attempt_count) + (*t.attempt_count == 1 ? " attempt" : " attempts");
  if (auto last = last_attempt_at(t); last && *t.attempt_count > 1) {
    out += ", the last at " + at(*last);
  }
  if (t.expiry) {
    out += "; expires at " + at(t.expiry->at_seconds) + " of " + max_age;
    if (t.expiry->depends_on_jitter) {
      out += " (jitter decides whether the last retry happens)";
    }
  }
  if (t.unbounded) {
    out += "; every delay truncates to 0s";
  }
  return out;
}

std::string timeline_table(const simulate::Timeline& t) {
  std::string out = "  attempt  at                    earliest..latest                      then waits\n";
  for (const auto& a : t.attempts) {
    std::string row = "  " + std::to_string(a.attempt);
    row.resize(11, ' ');
    row += at(a.at_seconds);
    row.resize(33, ' ');
    row += at(a.earliest_seconds) + ".." + at(a.latest_seconds);
    row.resize(71, ' ');
    row += a.delay_after_seconds ? at(*a.delay_after_seconds) : "-";
    out += row + "\n";
  }
  if (t.summary) {
    out += "  ... then " + std::to_string(t.summary->count) + " more attempts every " + at(t.summary->period_seconds) +
           ", from attempt " + std::to_string(t.summary->first_attempt) + " at " + at(t.summary->first_at_seconds) +
           " to " + at(t.summary->last_at_seconds) + "\n";
  }
  if (t.expiry) {
    out += "  expired after attempt " + std::to_string(t.expiry->after_attempt) + " at " + at(t.expiry->at_seconds) +
           ": " + t.expiry->reason + "\n";
  }
  return out;
}

}  // namespace kumo::report
