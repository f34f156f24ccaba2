#include "core/report/progress.hpp"

#include <cmath>
#include <cstdio>

namespace kumo::report {

namespace {

// 1234567 → "1,234,567": counts are read at a glance while they change.
std::string grouped(std::size_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) {
      out += ',';
    }
    out += digits[i];
  }
  return out;
}

}  // namespace

std::string progress_line(std::size_t queues_done, double seconds) {
  char elapsed[32];
  std::snprintf(elapsed, sizeof elapsed, "%.1fs", seconds);
  std::string line =
      "kumo-lint: " + grouped(queues_done) + (queues_done == 1 ? " queue" : " queues") + " checked in " + elapsed;
  if (seconds > 0) {
    line += " (" + grouped(static_cast<std::size_t>(std::llround(static_cast<double>(queues_done) / seconds))) + "/s)";
  }
  return line;
}

}  // namespace kumo::report
