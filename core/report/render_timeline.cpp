#include <algorithm>
#include <array>
#include <limits>

#include "core/report/render.hpp"
#include "core/util/text.hpp"
#include "core/values/duration.hpp"
#include "core/values/throttle.hpp"

namespace kumo::report {

namespace {

// Chart arithmetic multiplies times by the width: 128 bits cannot overflow.
__extension__ using I128 = __int128;

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

// --- The attempt table ---

using Row = std::array<std::string, 4>;

Row attempt_row(const simulate::Attempt& a) {
  return {std::to_string(a.attempt), at(a.at_seconds), at(a.earliest_seconds) + ".." + at(a.latest_seconds),
          a.delay_after_seconds ? at(*a.delay_after_seconds) : "-"};
}

// Columns as wide as their widest cell, so long humantime values are never cut.
std::string aligned(const std::vector<Row>& rows) {
  std::array<std::size_t, 4> widths{};
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line = " ";
    for (std::size_t i = 0; i + 1 < row.size(); ++i) {
      line += " " + row[i] + std::string(widths[i] - row[i].size() + 1, ' ');
    }
    out += line + " " + row.back() + "\n";
  }
  return out;
}

// --- The chart ---

// Maps times in [0, max_age] onto columns 0 .. width-1, each max_age/width long.
struct Axis {
  std::int64_t max_age = 0;
  int width = 0;

  int column(std::int64_t t) const {
    if (max_age <= 0) {
      return t <= 0 ? 0 : width - 1;
    }
    const I128 c = static_cast<I128>(std::clamp<std::int64_t>(t, 0, max_age)) * width / max_age;
    return static_cast<int>(std::min<I128>(c, width - 1));  // max_age itself shares the last column
  }

  // The first time that maps to column `c` (c may be `width`: one past the end).
  I128 first_time(int c) const {
    if (c >= width) {
      return static_cast<I128>(std::numeric_limits<std::int64_t>::max()) + 1;  // past every time
    }
    return (static_cast<I128>(c) * max_age + (width - 1)) / width;
  }
};

I128 ceil_div(I128 a, I128 b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }

// How many of the evenly spaced tail attempts land in each column, in closed
// form: a tail can hold more attempts than it is sensible to loop over.
void count_tail(const simulate::PeriodicTail& s, const Axis& axis, std::vector<std::uint64_t>& counts) {
  if (s.period_seconds <= 0 || axis.max_age <= 0) {
    counts[static_cast<std::size_t>(axis.column(s.first_at_seconds))] += s.count;
    return;
  }
  for (int c = 0; c < axis.width; ++c) {
    const I128 lo = std::max<I128>(0, ceil_div(axis.first_time(c) - s.first_at_seconds, s.period_seconds));
    const I128 hi = std::min<I128>(s.count, ceil_div(axis.first_time(c + 1) - s.first_at_seconds, s.period_seconds));
    if (hi > lo) {
      counts[static_cast<std::size_t>(c)] += static_cast<std::uint64_t>(hi - lo);
    }
  }
}

// One attempt is '|', two to nine their digit, ten or more '#'.
char count_mark(std::uint64_t n) {
  if (n == 0) {
    return ' ';
  }
  if (n == 1) {
    return '|';
  }
  return n < 10 ? static_cast<char>('0' + n) : '#';
}

std::string mark_row(const simulate::Timeline& t, const Axis& axis) {
  std::vector<std::uint64_t> counts(static_cast<std::size_t>(axis.width), 0);
  for (const auto& a : t.attempts) {
    ++counts[static_cast<std::size_t>(axis.column(a.at_seconds))];
  }
  if (t.summary) {
    count_tail(*t.summary, axis, counts);
  }
  if (!t.attempt_count && !t.attempts.empty()) {
    // Endless retries: the listed attempts are only the first of infinitely many.
    auto& last = counts[static_cast<std::size_t>(axis.column(t.attempts.back().at_seconds))];
    last = std::max<std::uint64_t>(last, 10);
  }
  std::string row;
  for (std::uint64_t n : counts) {
    row += count_mark(n);
  }
  row.erase(row.find_last_not_of(' ') + 1);
  return row;
}

// '-' while the message lives, 'X' where it expires ('?' when jitter decides
// whether the last retry happens), '.' for the max_age it never uses.
std::string axis_row(const simulate::Timeline& t, const Axis& axis) {
  std::string row(static_cast<std::size_t>(axis.width), '-');
  row.front() = '+';
  row.back() = '+';
  if (t.expiry) {
    const auto x = static_cast<std::size_t>(axis.column(t.expiry->at_seconds));
    for (std::size_t c = x + 1; c + 1 < row.size(); ++c) {
      row[c] = '.';
    }
    row[x] = t.expiry->depends_on_jitter ? '?' : 'X';
  }
  return row;
}

std::string label_row(const simulate::Timeline& t, int width) {
  std::string end = at(t.max_age_seconds);
  std::string row = "0";
  if (static_cast<int>(end.size()) + 1 < width) {
    row.resize(static_cast<std::size_t>(width) - end.size(), ' ');
  } else {
    row += " ";
  }
  return row + end;
}

std::string legend(const simulate::Timeline& t) {
  std::string marks = "| an attempt, 2-9 or # (ten or more) attempts in one column";
  if (!t.expiry) {
    return std::string(t.unbounded ? "never expires: every delay truncates to 0s, kumod retries without pause"
                                   : "never expires") +
           "; " + marks;
  }
  std::string out = std::string(t.expiry->depends_on_jitter ? "?" : "X") + " expires at " + at(t.expiry->at_seconds) +
                    " after attempt " + std::to_string(t.expiry->after_attempt);
  if (t.expiry->depends_on_jitter) {
    out += " (jitter decides whether the last retry happens)";
  }
  return out + "; " + marks;
}

// --- The rate preview ---

std::string count_of(std::uint64_t n, const char* noun) { return std::to_string(n) + " " + noun + (n == 1 ? "" : "s"); }

std::string interval_text(std::uint64_t ns) {
  return values::format_humantime(values::Duration{ns / 1'000'000'000, static_cast<std::uint32_t>(ns % 1'000'000'000)});
}

// "of a burst of 100 messages, 10 go at once, the rest one every 6m; the last
// is promoted after 9h, deferred 90 times".
std::string throttled_burst_text(const simulate::RatePreview& p) {
  const simulate::RateSchedule& s = p.schedule;
  const std::string burst = count_of(p.burst, "message");
  if (p.burst <= s.immediate_events) {
    return "a burst of " + burst + " goes at once (a cold bucket passes " + std::to_string(s.immediate_events) +
           ", then one every " + interval_text(s.interval_ns) + ")";
  }
  std::string out = "of a burst of " + burst + ", " + std::to_string(p.at_once) + " go at once, the rest one every " +
                    interval_text(s.interval_ns);
  if (s.interval_ns < 1'000'000'000) {
    out += " in whole-second cohorts";
  }
  if (p.leak) {
    out += "; from message " + std::to_string(p.leak->from_message) +
           " on the wait rounds below 1ms, so the rest go at " + at(p.leak->at_seconds) + " without a token";
  }
  return out + "; the last is promoted after " + at(p.last->delay_seconds) + ", deferred " +
         count_of(p.last->deferrals, "time") + " (throttle deferrals count no attempt and have no jitter)";
}

std::string rate_outcome_text(const simulate::RatePreview& p) {
  const simulate::RateSchedule& s = p.schedule;
  switch (s.regime) {
    case simulate::RateRegime::zero_rate:
      return "zero rate: every throttle check fails, so no message is promoted; each due time counts as a failed "
             "attempt on the retry schedule above";
    case simulate::RateRegime::never_delays:
      return "never delays (one every " + interval_text(s.interval_ns) + " rounds to no wait): a burst of " +
             count_of(p.burst, "message") + " goes at once";
    case simulate::RateRegime::throttles: break;
  }
  std::string out = throttled_burst_text(p);
  if (p.expired > 0) {
    out += "; " + std::to_string(p.expired) + " would be due at or after max_age=" + at(p.max_age_seconds) +
           " and expire untried";
  }
  return out;
}

// --- The timeline command's text ---

// "queue NAME: " for a policy's queue (escaped: the name is the user's),
// nothing for settings.
std::string timeline_title(const TimelineResult& r) {
  return r.queue ? "queue " + util::escape_for_terminal(*r.queue) + ": " : "";
}

// "retry_interval=20m max_retry_interval=none max_age=7days", plus the
// simulation flags that change the schedule when they are set.
std::string settings_line(const TimelineResult& r, const TimelineTextOptions& options) {
  return timeline_title(r) + timeline_settings(*r.settings, options.simulation) + "\n";
}

std::string indented(const std::string& text) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    out += "  " + text.substr(start, end - start + 1);
    start = end + 1;
  }
  return out;
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
  std::vector<Row> rows = {{"attempt", "at", "earliest..latest", "then waits"}};
  for (const auto& a : t.attempts) {
    rows.push_back(attempt_row(a));
  }
  std::string out = aligned(rows);
  if (t.summary) {
    out += "  ... then " + std::to_string(t.summary->count) + " more attempts every " + at(t.summary->period_seconds) +
           ", from attempt " + std::to_string(t.summary->first_attempt) + " at " + at(t.summary->first_at_seconds) +
           " to " + at(t.summary->last_at_seconds) + "\n";
  }
  if (t.expiry) {
    out += "  expired after attempt " + std::to_string(t.expiry->after_attempt) + " at " + at(t.expiry->at_seconds) +
           ": " + t.expiry->reason + "\n";
  }
  if (t.rate_limit) {
    out += rate_preview_text(*t.rate_limit);
  }
  return out;
}

std::string rate_preview_text(const simulate::RatePreview& p) {
  return "  max_message_rate " + values::format_throttle(p.spec) + ": " + rate_outcome_text(p) + "\n" +
         "  (approximates the local throttle backend for a burst due at once in a cold bucket; redis backends "
         "differ, and a throttle_insert_ready_queue delay becomes a random 0-" +
         std::to_string(simulate::k_requeue_jitter_max_seconds) + "s)\n";
}

std::string timeline_settings(const simulate::RetryPolicy& p) {
  return "retry_interval=" + values::format_humantime(p.retry_interval) +
         " max_retry_interval=" + (p.max_retry_interval ? values::format_humantime(*p.max_retry_interval) : "none") +
         " max_age=" + values::format_humantime(p.max_age);
}

std::string timeline_settings(const simulate::RetryPolicy& p, const simulate::TimelineOptions& simulation) {
  std::string line = timeline_settings(p);
  if (simulation.attempt_duration_seconds > 0) {
    line += " attempt_duration=" + values::format_humantime(values::Duration{simulation.attempt_duration_seconds, 0});
  }
  if (simulation.seed) {
    line += " seed=" + std::to_string(*simulation.seed);
  }
  return line;
}

std::string timeline_chart(const simulate::Timeline& t, int width) {
  const Axis axis{t.max_age_seconds, std::max(width, k_min_chart_width)};
  return mark_row(t, axis) + "\n" + axis_row(t, axis) + "\n" + label_row(t, axis.width) + "\n" + legend(t) + "\n";
}

std::string timeline_text(const TimelineResult& r, const TimelineTextOptions& options) {
  std::string out;
  for (const auto& d : r.diagnostics) {
    out += format_diagnostic(d, options.color);
  }
  if (!r.policy_loaded) {
    return out;
  }
  if (!r.timeline || !r.settings) {
    return out + timeline_title(r) + "no timeline: kumod would reject this queue config\n";
  }
  return out + settings_line(r, options) + timeline_table(*r.timeline) + "\n" +
         indented(timeline_chart(*r.timeline, options.chart_width)) + (r.spool_in ? spool_in_text(*r.spool_in) : "");
}

std::string spool_in_text(const SpoolInResult& s) {
  const std::string head = "spool-in at age " + values::format_humantime(s.age) + ": ";
  const simulate::SpoolIn& d = s.decision;
  if (d.hangs) {
    return head +
           "every retry delay is 0s, so kumod's count of the attempts made never ends: startup hangs on "
           "this message\n";
  }
  const std::string attempts = "kumod infers " + std::to_string(d.num_attempts) + " attempts made";
  if (d.expired) {
    return head + attempts + " and expires the message at restart (its age or its next retry is past max_age)\n";
  }
  if (d.delay.seconds == 0) {
    return head + attempts +
           " and retries it at once (kumod sums the delays after the first failure, which never reach the "
           "message's age: a spooled message is due as soon as kumod restarts)\n";
  }
  return head + attempts + " and retries it in " + values::format_humantime(d.delay) + " (at age " +
         values::format_humantime(values::Duration{s.age.seconds + d.delay.seconds, 0}) + ")\n";
}

}  // namespace kumo::report
