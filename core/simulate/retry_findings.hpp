// The KQ2xx findings about a retry schedule (retry_findings.cpp): what a
// policy's retry settings do that its author likely did not mean, read off
// the simulated timeline.
#pragma once

#include <cstdint>
#include <vector>

#include "core/diag/diagnostic.hpp"
#include "core/simulate/retry_timeline.hpp"

namespace kumo::simulate {

// KQ2xx findings, without location, queue or key (the caller fills them).
std::vector<diag::Diagnostic> timeline_findings(const RetryPolicy& policy, const Timeline& timeline);

// Thresholds of the findings.
inline constexpr std::uint64_t k_many_attempts_threshold = 10'000;  // KQ205: above this
inline constexpr double k_unused_lifetime_fraction = 0.6;           // KQ203: last attempt before this

}  // namespace kumo::simulate
