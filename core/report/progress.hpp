// The progress line `check` shows on stderr during long runs: pure text,
// the clock and the decision to show it live in cli/progress.hpp.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace kumo::report {

// "kumo-lint: 12,345 queues checked in 3.1s (3,982/s)", and when the share
// of the queue names read so far is known, ", 41% of the queue names read".
std::string progress_line(std::size_t queues_done, double seconds, std::optional<double> share_read = std::nullopt);

}  // namespace kumo::report
