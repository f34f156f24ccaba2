#include "core/lua/watchdog.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <mutex>
#include <stdexcept>

namespace kumo::lua {

namespace {

// SIGURG is ignored by default, so a stray one harms nothing, and nothing
// else in kumo-lint uses it (Go's runtime preempts goroutines with it for
// the same reasons).
constexpr int k_signal = SIGURG;

// What the signal handler may touch: the state the signalled thread runs
// unhooked, if any. constinit: no lazy initialization in a signal handler.
struct Unhooked {
  std::atomic<lua_State*> L{nullptr};
  std::atomic<lua_Hook> hook{nullptr};
};
constinit thread_local Unhooked t_unhooked;

void on_watchdog_signal(int) {
  int saved_errno = errno;
  lua_State* L = t_unhooked.L.load(std::memory_order_relaxed);
  lua_Hook hook = t_unhooked.hook.load(std::memory_order_relaxed);
  if (L != nullptr && hook != nullptr) {
    lua_sethook(L, hook, LUA_MASKCOUNT, 1);
  }
  errno = saved_errno;
}

void install_signal_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction action {};
    action.sa_handler = on_watchdog_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;  // reads and writes the signal interrupts go on
    if (sigaction(k_signal, &action, nullptr) != 0) {
      throw std::runtime_error("cannot install the watchdog's signal handler");
    }
  });
}

// Often enough that a call is stopped soon after its grace, seldom enough
// that an idle watchdog costs nothing measurable.
std::chrono::steady_clock::duration period_for(std::chrono::steady_clock::duration grace) {
  return std::clamp<std::chrono::steady_clock::duration>(grace / 2, std::chrono::milliseconds(1),
                                                         std::chrono::milliseconds(10));
}

}  // namespace

std::chrono::steady_clock::duration unhooked_grace(std::uint64_t max_instructions) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(static_cast<double>(max_instructions) / k_fastest_instructions_per_second));
}

Watchdog::Watchdog(std::chrono::steady_clock::duration grace)
    : m_grace(grace), m_period(period_for(grace)), m_target(pthread_self()) {
  install_signal_handler();
  m_thread = std::thread([this] { watch(); });
}

Watchdog::~Watchdog() {
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_stop = true;
  }
  m_wake.notify_one();
  m_thread.join();
  disarm();
}

void Watchdog::arm(lua_State* L, lua_Hook hook, std::uint64_t serial, std::chrono::steady_clock::time_point due) {
  m_target.store(pthread_self());
  t_unhooked.hook.store(hook, std::memory_order_relaxed);
  t_unhooked.L.store(L, std::memory_order_relaxed);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  // The watchdog reads serial, due, serial: the same serial twice means
  // `due` is that call's (serials are never reused, and 0 comes between).
  m_serial.store(0);
  m_due.store(due.time_since_epoch().count());
  m_serial.store(serial);
}

void Watchdog::disarm() {
  m_serial.store(0);
  // Once this returns no signal is on its way to a thread that may end:
  // fire_if_due checks the serial again after raising m_signalling.
  while (m_signalling.load()) {
    std::this_thread::yield();
  }
  t_unhooked.L.store(nullptr, std::memory_order_relaxed);
  std::atomic_signal_fence(std::memory_order_seq_cst);
}

void Watchdog::fire_if_due(std::chrono::steady_clock::time_point now) {
  std::uint64_t serial = m_serial.load();
  auto due = m_due.load();
  if (serial == 0 || serial != m_serial.load() || m_fired.load() == serial || now.time_since_epoch().count() < due) {
    return;
  }
  m_fired.store(serial, std::memory_order_release);
  m_signalling.store(true);
  if (m_serial.load() == serial) {
    // The call may still end before the signal lands: the handler then
    // finds nothing to hook, or hooks the next call, whose hook sees that
    // the watchdog did not fire for it and takes itself off.
    pthread_kill(m_target.load(), k_signal);
  }
  m_signalling.store(false);
}

void Watchdog::watch() {
  std::unique_lock<std::mutex> lock(m_mutex);
  while (!m_stop) {
    m_wake.wait_for(lock, m_period);
    if (!m_stop) {
      fire_if_due(std::chrono::steady_clock::now());
    }
  }
}

}  // namespace kumo::lua
