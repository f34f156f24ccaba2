// Internal to core/lua: how the bounded library functions (bounded_lib.cpp,
// bounded_pattern.cpp) count their work against --max-instructions and the
// --timeout. A step is meant to cost about what one Lua VM instruction costs
// (a few nanoseconds), so the budget means the same thing in Lua and in C.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/lua/bridge.hpp"

namespace kumo::lua {

// Bulk byte work (memchr, memcmp, memcpy) runs at tens of bytes per
// nanosecond: one step per this many bytes, plus one per call.
inline constexpr std::uint64_t k_bytes_per_step = 64;

// Steps gathered before charge_steps reads the clock: small enough that a
// check comes every few microseconds, large enough that its cost vanishes.
inline constexpr std::uint64_t k_steps_per_charge = 1024;

// Counts the steps of one library call, charging (and checking) them in
// batches. Whatever is left when the call ends is counted without a check,
// so no work goes unpaid and tiny calls never read the clock; the next
// batch or instruction hook checks it.
class StepMeter {
 public:
  explicit StepMeter(lua_State* L) : m_L(L) {}
  ~StepMeter() {
    if (m_pending > 0) {
      count_steps(m_L, m_pending);
    }
  }
  StepMeter(const StepMeter&) = delete;
  StepMeter& operator=(const StepMeter&) = delete;

  // [-0, +0, v] May raise KQ908/KQ912.
  void add(std::uint64_t steps) {
    m_pending += steps;
    if (m_pending >= k_steps_per_charge) {
      std::uint64_t due = m_pending;
      m_pending = 0;
      charge_steps(m_L, due);
    }
  }

  // [-0, +0, v] Bulk work over `bytes` bytes.
  void add_bytes(std::size_t bytes) { add(1 + bytes / k_bytes_per_step); }

 private:
  lua_State* m_L;
  std::uint64_t m_pending = 0;
};

}  // namespace kumo::lua
