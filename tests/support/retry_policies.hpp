// Retry policies written tersely, for the timeline and findings tests.
#pragma once

#include <cstdint>
#include <optional>

#include "core/simulate/retry_timeline.hpp"

namespace kumo::test {

inline values::Duration secs(std::uint64_t s, std::uint32_t nanos = 0) { return values::Duration{s, nanos}; }

inline simulate::RetryPolicy policy(values::Duration retry, std::optional<values::Duration> cap,
                                    values::Duration max_age) {
  return simulate::RetryPolicy{retry, cap, max_age};
}

}  // namespace kumo::test
