#include "core/report/progress.hpp"

#include <algorithm>

#include <cmath>
#include <cstdio>

#include "core/util/text.hpp"

namespace kumo::report {

std::string progress_line(std::size_t queues_done, double seconds, std::optional<double> share_read) {
  char elapsed[32];
  std::snprintf(elapsed, sizeof elapsed, "%.1fs", seconds);
  std::string line = "kumo-lint: " + util::with_thousands(queues_done) + (queues_done == 1 ? " queue" : " queues") +
                     " checked in " + elapsed;
  if (seconds > 0) {
    line += " (" +
            util::with_thousands(static_cast<std::uint64_t>(std::llround(static_cast<double>(queues_done) / seconds))) +
            "/s)";
  }
  if (share_read) {
    // Whole percents, rounded down: 100% only once everything is read.
    const auto percent = static_cast<int>(std::clamp(*share_read, 0.0, 1.0) * 100.0);
    line += ", " + std::to_string(percent) + "% of the queue names read";
  }
  return line;
}

}  // namespace kumo::report
