// Durations as humantime's format_duration writes them: how kumod prints a
// duration (in its serialized config, its logs), and how we print one.
#include <string_view>

#include "core/values/duration_detail.hpp"

namespace kumo::values {

std::string format_humantime(Duration d) {
  if (d.seconds == 0 && d.nanos == 0) {
    return "0s";
  }
  std::string out;
  auto component = [&out](std::uint64_t value, std::string_view suffix, bool pluralise) {
    if (value == 0) {
      return;
    }
    if (!out.empty()) {
      out += ' ';
    }
    out += std::to_string(value);
    out += suffix;
    if (pluralise && value > 1) {
      out += 's';
    }
  };
  const std::uint64_t within_year = d.seconds % duration_detail::k_seconds_per_year;
  const std::uint64_t within_month = within_year % duration_detail::k_seconds_per_month;
  const std::uint64_t within_day = within_month % 86'400;
  component(d.seconds / duration_detail::k_seconds_per_year, "year", true);
  component(within_year / duration_detail::k_seconds_per_month, "month", true);
  component(within_month / 86'400, "day", true);
  component(within_day / 3'600, "h", false);
  component(within_day % 3'600 / 60, "m", false);
  component(within_day % 60, "s", false);
  component(d.nanos / 1'000'000, "ms", false);
  component(d.nanos / 1'000 % 1'000, "us", false);  // KumoMTA builds humantime without "mu"
  component(d.nanos % 1'000, "ns", false);
  return out;
}

}  // namespace kumo::values
