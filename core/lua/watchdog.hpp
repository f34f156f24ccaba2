// Internal to core/lua: lets a handler call run without Lua's count hook.
//
// While a count hook is set, Lua 5.4 sends every VM instruction through its
// slow path (luaG_traceexec), whatever the count: about 2x on a handler that
// does real work. A call that ends sooner than the budget could be spent
// (budget / k_fastest_instructions_per_second) cannot have spent it, so it
// needs no count. The watchdog is a thread that watches the call's start
// time; when the call outlives that grace, it signals the Lua thread, whose
// signal handler sets the count hook (lua_sethook is safe to call from a
// signal handler on the thread that runs the state; lua.c's Ctrl-C stops
// the interpreter the same way). The hook then stops the call, and
// host.cpp runs it again with the hook from its first instruction, so the
// budget keeps its exact meaning and a runaway call gets the same report as
// ever.
#pragma once

#include <pthread.h>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "core/lua/bridge.hpp"

namespace kumo::lua {

// No machine runs Lua 5.4's simplest instruction (an empty numeric for
// loop) much faster than 1e9 per second: this one runs 0.46e9. The grace
// assumes a machine four times faster than any seen, so a call that ends
// within it has surely spent less than its budget.
inline constexpr double k_fastest_instructions_per_second = 4e9;

// Below this grace the watchdog's own timing would dominate: calls with a
// budget that small are counted from their first instruction.
inline constexpr std::chrono::milliseconds k_min_grace{2};

// How long a call may run without the count hook, for a budget.
std::chrono::steady_clock::duration unhooked_grace(std::uint64_t max_instructions);

class Watchdog {
 public:
  // Watches calls that may run `grace` unhooked. Its thread starts here
  // and stops in the destructor.
  explicit Watchdog(std::chrono::steady_clock::duration grace);
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  // The Lua thread starts call `serial` (never 0, never reused) of `L`
  // without a hook; past `due`, the watchdog sets `hook` on L, with a count
  // of 1. Costs a few atomic stores: no system call per call.
  void arm(lua_State* L, lua_Hook hook, std::uint64_t serial, std::chrono::steady_clock::time_point due);
  // The call ended: a signal that arrives from now on sets no hook.
  void disarm();
  // Whether the watchdog fired for call `serial`.
  bool fired(std::uint64_t serial) const { return m_fired.load(std::memory_order_acquire) == serial; }

  std::chrono::steady_clock::duration grace() const { return m_grace; }

 private:
  void watch();
  void fire_if_due(std::chrono::steady_clock::time_point now);

  const std::chrono::steady_clock::duration m_grace;
  const std::chrono::steady_clock::duration m_period;
  std::atomic<pthread_t> m_target;         // the thread that armed the watchdog last
  std::atomic<bool> m_signalling{false};   // a signal is being sent: disarm waits for it
  std::atomic<std::uint64_t> m_serial{0};  // the armed call; 0 while none is
  std::atomic<std::chrono::steady_clock::rep> m_due{0};
  std::atomic<std::uint64_t> m_fired{0};
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stop = false;
  std::thread m_thread;  // last: it starts once everything above is set
};

}  // namespace kumo::lua
