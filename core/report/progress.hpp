// The progress line `check` shows on stderr during long runs: pure text,
// the clock and the decision to show it live in cli/progress.hpp.
#pragma once

#include <cstddef>
#include <string>

namespace kumo::report {

// "kumo-lint: 12,345 queues checked in 3.1s (3,982/s)".
std::string progress_line(std::size_t queues_done, double seconds);

}  // namespace kumo::report
