#pragma once
// 128-bit intermediates and their saturating way back to 64 bits: the
// simulators sum times in 128 bits so that no config can overflow them.

#include <cstdint>
#include <limits>

namespace kumo::util {

__extension__ using I128 = __int128;

// v clamped to i64's range.
inline std::int64_t saturate_i64(I128 v) {
  constexpr I128 k_max = std::numeric_limits<std::int64_t>::max();
  constexpr I128 k_min = std::numeric_limits<std::int64_t>::min();
  return static_cast<std::int64_t>(v > k_max ? k_max : v < k_min ? k_min : v);
}

// v clamped to u64's range (negative values are 0).
inline std::uint64_t saturate_u64(I128 v) {
  constexpr I128 k_max = std::numeric_limits<std::uint64_t>::max();
  return static_cast<std::uint64_t>(v > k_max ? k_max : v < 0 ? 0 : v);
}

}  // namespace kumo::util
