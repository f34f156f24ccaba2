// Internal to core/simulate/retry_*.cpp: what the simulator and the
// findings about its timeline both need.
#pragma once

#include <cstdint>
#include <string>

#include "core/util/saturate.hpp"
#include "core/values/duration.hpp"

namespace kumo::simulate::retry_detail {

// D(n) is constant from n = 64 on: 2^n saturates u64 there.
inline constexpr std::uint64_t k_saturated_attempt = 64;

inline std::string humantime(values::Duration d) { return values::format_humantime(d); }

// Negative spans print as 0s, like kumod's `to_std().unwrap_or(ZERO)`.
inline std::string humantime_seconds(util::I128 seconds) {
  return humantime(values::Duration{util::saturate_u64(seconds), 0});
}

}  // namespace kumo::simulate::retry_detail
