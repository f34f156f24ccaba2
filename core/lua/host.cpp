#include "core/lua/host.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <tuple>

#include "core/config/egress.hpp"
#include "core/lua/bridge.hpp"
#include "core/lua/watchdog.hpp"
#include "core/util/text.hpp"

namespace kumo::lua {

using diag::Code;

namespace {

// How many VM instructions pass between budget checks, while the heap is
// small. One instruction can cost time in proportion to the heap (comparing
// two 200 MB strings): past k_small_heap the step shrinks in proportion, so
// the time between two checks stays bounded (about 3 s at 512 MiB of
// strings, worst case) without taxing ordinary policies.
constexpr int k_hook_step = 1000;
constexpr std::size_t k_small_heap = 16u << 20;

int hook_step_for(std::size_t heap) {
  if (heap <= k_small_heap) {
    return k_hook_step;
  }
  return std::max(1, static_cast<int>(k_hook_step * k_small_heap / heap));
}

// Allocations this large are work no instruction accounts for (s .. t,
// string.format, table growth): they count as steps, and the clock is read.
constexpr std::size_t k_large_allocation = 64 * 1024;

// Counts a large allocation as work; false when the budget or the timeout
// is now reached (or was, in this call): the allocation is then refused.
bool large_allocation_allowed(PolicyHost::State& st, std::size_t grown);

void* limited_alloc(void* ud, void* ptr, std::size_t old_size, std::size_t new_size) {
  auto* st = static_cast<PolicyHost::State*>(ud);
  if (ptr == nullptr) {
    old_size = 0;  // Lua passes the object type here, not a size
  }
  if (new_size == 0) {
    std::free(ptr);
    st->memory_used -= old_size;
    return nullptr;
  }
  if (st->memory_limited && new_size >= k_large_allocation && new_size > old_size &&
      !large_allocation_allowed(*st, new_size - old_size)) {
    return nullptr;  // a limit was reached: Lua raises a memory error, reported as that limit (State::fatal)
  }
  if (st->memory_limited && new_size > old_size &&
      st->memory_used + st->host_memory + (new_size - old_size) > st->options.max_memory) {
    // Lua collects garbage and asks once more for the same block; a second
    // refusal is final, and the call must end (State::fatal).
    PolicyHost::State::Refusal here{ptr, old_size, new_size};
    if (st->last_refusal && st->last_refusal->ptr == ptr && st->last_refusal->old_size == old_size &&
        st->last_refusal->new_size == new_size && !st->fatal) {
      st->fatal = memory_limit_error(*st);
    }
    st->last_refusal = here;
    return nullptr;  // Lua turns this into a memory error for the running code
  }
  void* grown = std::realloc(ptr, new_size);
  if (grown != nullptr) {
    st->memory_used = st->memory_used - old_size + new_size;
    if (new_size > old_size) {
      st->last_refusal.reset();
    }
  }
  return grown;
}

std::string format_seconds(double seconds) {
  std::string text = std::to_string(seconds);
  text.erase(text.find_last_not_of('0') + 1);
  if (!text.empty() && text.back() == '.') {
    text.pop_back();
  }
  return text + "s";
}

int throwing_panic(lua_State* L) {
  const char* message = lua_tostring(L, -1);
  throw std::runtime_error(std::string("Lua panic: ") + (message ? message : "unknown error"));
}

// Installed for the state's whole life: it also bounds finalizers (__gc),
// which Lua may run at any allocation and at close, always in protected
// mode, so raising from here is safe wherever it fires.
void budget_hook(lua_State* L, lua_Debug*) {
  auto& running = state_of(L);
  if (running.unhooked && L == running.L && !running.watchdog->fired(running.call_serial)) {
    lua_sethook(L, nullptr, 0, 0);  // set by a late signal, meant for an earlier call
    return;
  }
  int step = lua_gethookcount(L);
  charge_steps(L, static_cast<std::uint64_t>(step));
  const auto& st = state_of(L);
  int next = hook_step_for(st.memory_used + st.host_memory);
  if (next != step) {
    lua_sethook(L, budget_hook, LUA_MASKCOUNT, next);  // this thread's; others adapt at their next tick
  }
}

// [-1, +1, -] Records where the error was raised and turns any error object
// into a string, even one whose __tostring itself fails.
// The "FILE:LINE:" an error message starts with, when FILE is one the
// sandbox compiled: error(msg, level) and typing.lua name the caller that
// is to blame there, not the innermost frame.
std::optional<diag::Location> location_named_by(const PolicyHost::State& st, std::string_view message) {
  for (std::size_t colon = message.find(':'); colon != std::string_view::npos && colon < 4096;
       colon = message.find(':', colon + 1)) {
    std::size_t digits = colon + 1;
    while (digits < message.size() && message[digits] >= '0' && message[digits] <= '9') {
      ++digits;
    }
    if (digits == colon + 1 || digits - colon > 10 || digits >= message.size() || message[digits] != ':') {
      continue;
    }
    std::string file(message.substr(0, colon));
    if (st.source_files.count(file) != 0) {
      return diag::Location{file, std::stoi(std::string(message.substr(colon + 1, digits - colon - 1))), std::nullopt};
    }
  }
  return std::nullopt;
}

int message_handler(lua_State* L) {
  auto& st = state_of(L);
  st.error_location = current_location(L);
  if (lua_type(L, 1) == LUA_TSTRING) {
    std::size_t len = 0;
    const char* text = lua_tolstring(L, 1, &len);
    if (auto named = location_named_by(st, std::string_view(text, len))) {
      st.error_location = named;
    }
    return 1;
  }
  if (luaL_getmetafield(L, 1, "__tostring") != LUA_TNIL) {
    lua_pushvalue(L, 1);
    if (lua_pcall(L, 1, 1, 0) == LUA_OK && lua_type(L, -1) == LUA_TSTRING) {
      return 1;
    }
    lua_pop(L, 1);
  }
  lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  return 1;
}

// "policy.lua:12: boom" → "boom" when the prefix names `where`.
std::string strip_location(const std::string& message, const diag::Location& where) {
  std::string prefix = where.file + ":" + std::to_string(where.line) + ": ";
  if (message.rfind(prefix, 0) == 0) {
    return message.substr(prefix.size());
  }
  return message;
}

// "path:12: message" as Lua's compiler reports it.
diag::Location location_in_message(const std::string& message, const std::string& file) {
  std::string prefix = file + ":";
  if (message.rfind(prefix, 0) == 0) {
    std::size_t digits_end = message.find(':', prefix.size());
    if (digits_end != std::string::npos) {
      try {
        return {file, std::stoi(message.substr(prefix.size(), digits_end - prefix.size())), std::nullopt};
      } catch (const std::exception&) {
      }
    }
  }
  return {file, 0, std::nullopt};
}

// The logs so far, with a last line counting any that were dropped.
std::vector<LogLine> take_logs(PolicyHost::State& st) {
  std::vector<LogLine> out = std::move(st.logs);
  st.logs.clear();
  if (st.dropped_logs > 0) {
    out.push_back({diag::Location{st.policy_path, 0, std::nullopt}, "print",
                   "... " + std::to_string(st.dropped_logs) + " more lines not kept (at most " +
                       std::to_string(k_max_log_lines) + " per load or queue)"});
    st.dropped_logs = 0;
  }
  return out;
}

struct CallResult {
  int status = LUA_OK;
  int base = 0;  // stack top before the call; results start at base + 2
  int nresults = 0;
  std::string error;
};

// Error messages are policy-controlled (error(string.rep('x', 1e8))): only
// what a finding keeps is copied out of Lua; the note counts the rest.
std::string current_error_text(lua_State* L) {
  std::size_t len = 0;
  const char* s = lua_tolstring(L, -1, &len);
  if (s == nullptr) {
    return "(error object is not a string)";
  }
  // Cut here, with the true size in the note, and short enough that the
  // finding's own words around it ("... handler raised an error: ") stay
  // within diag::k_max_message_bytes, so the note is not cut again.
  constexpr std::size_t k_kept = diag::k_max_message_bytes - 1024;
  if (len <= k_kept) {
    return std::string(s, len);
  }
  return util::cut_text(std::string_view(s, k_kept), k_kept, len);
}

}  // namespace

PendingError memory_limit_error(const PolicyHost::State& st) {
  return {Code::memory_limit, "ran out of memory: the Lua state reached the --max-memory limit of " +
                                  std::to_string(st.options.max_memory >> 20) + " MiB"};
}

PendingError timeout_error(const PolicyHost::State& st) {
  return {Code::timeout, "execution stopped: the call ran for its whole --timeout of " +
                             format_seconds(st.options.timeout_seconds) +
                             " (wall clock, for loading and for each handler call)"};
}

namespace {

PendingError run_timeout_error(const PolicyHost::State& st) {
  return {Code::timeout, "execution stopped: the run reached its --run-timeout of " +
                             format_seconds(st.options.run_timeout_seconds.value_or(0)) +
                             " (wall clock, for the whole run); every queue after it is reported so too"};
}

std::chrono::steady_clock::time_point seconds_from(std::chrono::steady_clock::time_point start, double seconds) {
  return start +
         std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds));
}

}  // namespace

void count_steps(lua_State* L, std::uint64_t steps) { state_of(L).instructions += steps; }

PendingError budget_error(const PolicyHost::State& st) {
  return {Code::instruction_budget, "execution stopped after " + std::to_string(st.options.max_instructions) +
                                        " Lua instructions (the --max-instructions budget); the code may loop forever"};
}

namespace {

// Sets State::fatal when the timeout or the budget is reached.
void check_limits(PolicyHost::State& st) {
  if (st.fatal) {
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  if (st.timed_out || now > st.run_deadline) {
    st.timed_out = true;
    st.fatal = run_timeout_error(st);
  } else if (now > st.call_deadline) {
    st.fatal = timeout_error(st);
  } else if (st.unhooked && (st.instructions > st.options.max_instructions || st.watchdog->fired(st.call_serial))) {
    // Unhooked, the count misses the Lua instructions: only a counted run
    // can say where (and whether) the budget ran out.
    st.run_again_counted = true;
    st.fatal = PendingError{Code::instruction_budget, "the call outlived its unhooked grace; it runs again, counted"};
  } else if (st.instructions > st.options.max_instructions) {
    st.fatal = budget_error(st);
  }
}

}  // namespace

bool limit_reached(PolicyHost::State& st) {
  check_limits(st);
  return st.fatal.has_value();
}

void hook_coroutine(lua_State* co) {
  const auto& st = state_of(co);
  lua_sethook(co, budget_hook, LUA_MASKCOUNT, hook_step_for(st.memory_used + st.host_memory));
}

namespace {

bool large_allocation_allowed(PolicyHost::State& st, std::size_t grown) {
  st.instructions += grown / 64;
  check_limits(st);
  return !st.fatal || st.fatal->code == Code::memory_limit;
}

}  // namespace

void charge_steps(lua_State* L, std::uint64_t steps) {
  count_steps(L, steps);
  auto& st = state_of(L);
  check_limits(st);
  if (st.fatal) {
    raise_pending(L, st.fatal->code, st.fatal->message);
  }
}

// Host memory is counted in the same budget as the Lua state; charging
// also counts as work (one step per 64 bytes), so building a large copy
// stays under --max-instructions and --timeout too.
void HostMemory::charge(std::size_t bytes) {
  auto& st = state_of(m_L);
  if (st.memory_limited && st.memory_used + st.host_memory + bytes > st.options.max_memory) {
    // Not charged: raising the error needs a little memory of its own.
    if (!st.fatal) {
      st.fatal = memory_limit_error(st);
    }
    raise_pending(m_L, st.fatal->code, st.fatal->message);
  }
  st.host_memory += bytes;
  m_charged += bytes;
  m_steps += bytes;
  if (m_steps >= k_charge_step_bytes) {
    charge_steps(m_L, m_steps / 64);
    m_steps = 0;
  }
}

std::size_t HostMemory::keep() {
  std::size_t kept = m_charged;
  m_charged = 0;
  return kept;
}

HostMemory::~HostMemory() { release_host_memory(m_L, m_charged); }

void release_host_memory(lua_State* L, std::size_t bytes) {
  auto& st = state_of(L);
  st.host_memory -= std::min(bytes, st.host_memory);
}

PolicyHost::State::State() = default;
PolicyHost::State::~State() = default;

PolicyHost::PolicyHost(HostOptions options) : m_state(std::make_unique<State>()) {
  m_state->options = std::move(options);
  lua_State* L = lua_newstate(limited_alloc, m_state.get());
  if (L == nullptr) {
    throw std::runtime_error("cannot create a Lua state");
  }
  m_state->L = L;
  *static_cast<State**>(lua_getextraspace(L)) = m_state.get();
  lua_atpanic(L, throwing_panic);
  const auto now = std::chrono::steady_clock::now();
  m_state->call_deadline = seconds_from(now, m_state->options.timeout_seconds);
  if (m_state->options.run_timeout_seconds) {
    m_state->run_deadline = seconds_from(now, *m_state->options.run_timeout_seconds);
  }
  lua_sethook(L, budget_hook, LUA_MASKCOUNT, k_hook_step);
}

// Finalizers still run at close: give them a small budget of their own, so
// one that loops cannot hang kumo-lint's exit.
constexpr std::uint64_t k_close_instructions = 10'000'000;

PolicyHost::~PolicyHost() {
  if (m_state->L != nullptr) {
    m_state->memory_limited = false;
    m_state->instructions = 0;
    m_state->options.max_instructions = std::min(m_state->options.max_instructions, k_close_instructions);
    lua_close(m_state->L);
  }
}

namespace {

// Whether a call may start unhooked: a handler call (a load runs once and
// registers handlers, so it is never run twice) whose budget gives a grace
// long enough to time.
enum class Hooking { counted, unhooked_while_short };

// What a handler call changes in the host that a second run would change
// again: taken before an unhooked attempt, put back before the counted one.
struct HostMark {
  std::size_t logs = 0;
  std::size_t dropped_logs = 0;
  std::size_t failures = 0;
  std::size_t side_diagnostics = 0;
  std::uint64_t next_object_id = 0;
};

HostMark mark_host(const PolicyHost::State& st) {
  return {st.logs.size(), st.dropped_logs, st.failures.size(), st.side_diagnostics.size(), st.next_object_id};
}

// KQ913 (a handler keeps state) stays: the stopped attempt did write that
// state, and the run again may not (it finds the state already there).
void rewind_host(PolicyHost::State& st, const HostMark& mark) {
  st.logs.resize(mark.logs);
  st.dropped_logs = mark.dropped_logs;
  st.failures.resize(mark.failures);
  auto first_new = st.side_diagnostics.begin() + static_cast<std::ptrdiff_t>(mark.side_diagnostics);
  auto kept = std::stable_partition(first_new, st.side_diagnostics.end(), [](const diag::Diagnostic& d) {
    return d.code == diag::code_info(Code::shared_state).code;
  });
  st.side_diagnostics.erase(kept, st.side_diagnostics.end());
  st.next_object_id = mark.next_object_id;
  st.last_params.reset();
}

// One attempt at the call below the message handler at base + 1: a fresh
// instruction budget, the call's deadline kept.
void forget_last_attempt(PolicyHost::State& st) {
  st.instructions = 0;
  st.pending.reset();
  st.degraded_if_caught.reset();
  st.fatal.reset();
  st.last_refusal.reset();
  st.error_location.reset();
}

int attempt_call(PolicyHost::State& st, int nargs, int base) {
  forget_last_attempt(st);
  st.memory_limited = true;
  int status = lua_pcall(st.L, nargs, LUA_MULTRET, base + 1);
  st.memory_limited = false;
  return status;
}

// While it lives, the state runs without its count hook and the watchdog
// watches the call; then the hook is back, as every other path expects.
class UnhookedAttempt {
 public:
  UnhookedAttempt(PolicyHost::State& st, std::chrono::steady_clock::time_point due) : m_st(st) {
    lua_sethook(st.L, nullptr, 0, 0);
    st.unhooked = true;
    st.run_again_counted = false;
    st.watchdog->arm(st.L, budget_hook, ++st.call_serial, due);
  }
  ~UnhookedAttempt() {
    m_st.watchdog->disarm();
    m_st.unhooked = false;
    lua_sethook(m_st.L, budget_hook, LUA_MASKCOUNT, hook_step_for(m_st.memory_used + m_st.host_memory));
  }
  UnhookedAttempt(const UnhookedAttempt&) = delete;
  UnhookedAttempt& operator=(const UnhookedAttempt&) = delete;

 private:
  PolicyHost::State& m_st;
};

// The unhooked attempt of the call at base + 2 (below `nargs` arguments);
// true when it ran to its end, with its results above base + 1 as a
// counted call leaves them. False when it was stopped: the call and its
// arguments are back at base + 2, and the host as it was before.
bool try_unhooked(PolicyHost::State& st, int nargs, int base, std::chrono::steady_clock::time_point now, int& status) {
  lua_State* L = st.L;
  if (!st.watchdog) {
    st.watchdog = std::make_unique<Watchdog>(unhooked_grace(st.options.max_instructions));
  }
  const auto due = std::min({now + st.watchdog->grace(), st.call_deadline, st.run_deadline});
  for (int i = 0; i <= nargs; ++i) {
    lua_pushvalue(L, base + 2 + i);  // a copy to call, the original kept for a counted run
  }
  HostMark mark = mark_host(st);
  {
    UnhookedAttempt unhooked(st, due);
    status = attempt_call(st, nargs, base);
  }
  if (!st.run_again_counted) {
    lua_rotate(L, base + 2, -(nargs + 1));  // the kept call and arguments to the top, then gone
    lua_pop(L, nargs + 1);
    return true;
  }
  lua_settop(L, base + 2 + nargs);
  rewind_host(st, mark);
  ++st.counted_reruns;
  lua_gc(L, LUA_GCCOLLECT);  // what the stopped attempt left, finalized, so both runs start alike
  return false;
}

// Calls the function on top of the stack (below its `nargs` arguments)
// protected, with the traceback handler and a fresh instruction budget.
CallResult protected_call(PolicyHost::State& st, int nargs, Hooking hooking) {
  lua_State* L = st.L;
  CallResult r;
  r.base = lua_gettop(L) - nargs - 1;
  lua_pushcfunction(L, message_handler);
  lua_insert(L, r.base + 1);
  forget_last_attempt(st);
  const auto now = std::chrono::steady_clock::now();
  st.call_deadline = seconds_from(now, st.options.timeout_seconds);
  if (st.timed_out || now > st.run_deadline) {
    // Past --run-timeout nothing more runs: the call fails as it would have
    // at its first instruction, and a long queue list ends promptly.
    st.timed_out = true;
    st.fatal = run_timeout_error(st);
    lua_settop(L, r.base);
    r.status = LUA_ERRRUN;
    r.error = st.fatal->message;
    return r;
  }
  bool may_run_unhooked = hooking == Hooking::unhooked_while_short && st.options.unhooked_calls &&
                          unhooked_grace(st.options.max_instructions) >= k_min_grace;
  if (!may_run_unhooked || !try_unhooked(st, nargs, r.base, now, r.status)) {
    r.status = attempt_call(st, nargs, r.base);
  }
  if (r.status != LUA_OK) {
    r.error = current_error_text(L);
    lua_settop(L, r.base);
    if (r.status == LUA_ERRMEM || (st.fatal && st.fatal->code == Code::memory_limit)) {
      lua_gc(L, LUA_GCCOLLECT);  // the state recovers for the next queue
    }
  } else {
    r.nresults = lua_gettop(L) - r.base - 1;
  }
  return r;
}

// The findings of the kumo.make_* conversion whose rejection `error` quotes,
// if one does: they say which key is wrong where kumod's text only says
// that the table is.
const std::vector<diag::Diagnostic>* conversion_findings(const PolicyHost::State& st, const std::string& error) {
  for (auto it = st.failures.rbegin(); it != st.failures.rend(); ++it) {
    if (error.find(it->kumo_message) != std::string::npos) {
      return &it->findings;
    }
  }
  return nullptr;
}

// The diagnostics for a failed call of `what` (registered at `fallback`).
std::vector<diag::Diagnostic> diagnose_failure(PolicyHost::State& st, const CallResult& r, Code generic,
                                               const std::string& what, const diag::Location& fallback) {
  diag::Location where = st.error_location.value_or(fallback);
  if (st.fatal && st.fatal->code != Code::memory_limit) {
    return {diag::make_diagnostic(st.fatal->code, st.fatal->message, where)};
  }
  if (st.fatal || r.status == LUA_ERRMEM) {
    // At the handler, never at a line inside it: where the limit is reached
    // depends on when Lua's collector last ran, which varies between runs
    // (with the process's addresses: a policy near the limit both in Lua's
    // allocations and in the host's charges reached it at either, run to
    // run); and Lua's own memory error, raised by its allocator, runs no
    // message handler to say where.
    return {diag::make_diagnostic(Code::memory_limit, what + " " + memory_limit_error(st).message, fallback)};
  }
  if (st.pending) {
    return {diag::make_diagnostic(st.pending->code, st.pending->message, where)};
  }
  if (const auto* findings = conversion_findings(st, r.error)) {
    return *findings;
  }
  auto d = diag::make_diagnostic(generic, what + " raised an error: " + strip_location(r.error, where), where);
  return {d};
}

}  // namespace

namespace {

// Why a policy that the `lua` command runs does not compile in kumod:
// kumod hands the file's text to Lua's load(), which, unlike the lua
// command's file loader, skips neither a UTF-8 byte-order mark nor a first
// line starting with '#' (as in "#!/usr/bin/env lua").
std::string first_line_hint(const std::string& source) {
  if (source.rfind("\xEF\xBB\xBF", 0) == 0) {
    return "; the file starts with a UTF-8 byte-order mark, which kumod's Lua load() does not skip (the lua "
           "command's does), so kumod cannot load this policy either: save the file without the BOM";
  }
  if (source.rfind('#', 0) == 0) {
    return "; its first line starts with '#' (a \"#!\" line), which kumod's Lua load() does not skip (the lua "
           "command's does), so kumod cannot load this policy either: delete that line";
  }
  return "";
}

}  // namespace

LoadResult PolicyHost::load(const std::string& display_path, const std::string& source) {
  State& st = *m_state;
  lua_State* L = st.L;
  st.policy_path = display_path;
  std::filesystem::path dir = std::filesystem::path(display_path).parent_path();
  st.policy_dir = dir.empty() ? "." : dir.string();
  set_readable_roots(st);
  st.source_files[display_path] = display_path;
  open_sandbox(L);
  open_kumo(L);

  LoadResult result;
  std::string chunk_name = "@" + display_path;
  // Compiling counts against --max-memory too: a 16 MiB source can make
  // the parser allocate far more than its size.
  st.memory_limited = true;
  int compiled = luaL_loadbufferx(L, source.data(), source.size(), chunk_name.c_str(), "t");
  st.memory_limited = false;
  if (compiled != LUA_OK) {
    std::string message = current_error_text(L);
    lua_pop(L, 1);
    lua_gc(L, LUA_GCCOLLECT);
    diag::Location where = location_in_message(message, display_path);
    result.diagnostics.push_back(
        compiled == LUA_ERRMEM
            ? diag::make_diagnostic(Code::memory_limit, "compiling the policy " + memory_limit_error(st).message, where)
            : diag::make_diagnostic(
                  Code::policy_syntax,
                  "the policy does not compile: " + strip_location(message, where) + first_line_hint(source), where));
    return result;
  }
  CallResult r = protected_call(st, 0, Hooking::counted);
  if (r.status != LUA_OK) {
    result.diagnostics = diagnose_failure(st, r, Code::policy_top_level, "the policy's top level",
                                          diag::Location{display_path, 0, std::nullopt});
  } else {
    lua_settop(L, r.base);
    watch_shared_state(L);
    result.ok = true;
  }
  for (auto& d : st.side_diagnostics) {
    result.diagnostics.push_back(std::move(d));
  }
  st.side_diagnostics.clear();
  st.failures.clear();
  result.logs = take_logs(st);
  return result;
}

std::vector<std::string> PolicyHost::data_files() const {
  std::vector<std::string> out;
  for (const auto& [file, positions] : m_state->data_positions) {
    out.push_back(file);
  }
  return out;
}

std::string PolicyHost::data_file_name(const std::string& resolved_file) const {
  auto it = m_state->data_file_names.find(resolved_file);
  return it == m_state->data_file_names.end() ? resolved_file : it->second;
}

const std::vector<DataPosition>* PolicyHost::data_positions(const std::string& resolved_file) const {
  auto it = m_state->data_positions.find(resolved_file);
  return it == m_state->data_positions.end() ? nullptr : &it->second;
}

std::optional<std::string> PolicyHost::source_file(const std::string& location_file) const {
  auto it = m_state->source_files.find(location_file);
  if (it == m_state->source_files.end()) {
    return std::nullopt;
  }
  return it->second;
}

std::vector<PolicyHost::FileRead> PolicyHost::files_read() const {
  std::vector<FileRead> out;
  for (const auto& [name, resolved] : m_state->source_files) {
    out.push_back({name, resolved, false});
  }
  for (const auto& [resolved, name] : m_state->data_file_names) {
    out.push_back({name, resolved, true});
  }
  std::sort(out.begin(), out.end(), [](const FileRead& a, const FileRead& b) {
    return std::tie(a.name, a.resolved) < std::tie(b.name, b.resolved);
  });
  return out;
}

std::size_t PolicyHost::files_read_count() const {
  return m_state->source_files.size() + m_state->data_file_names.size();
}

std::size_t PolicyHost::counted_reruns() const { return m_state->counted_reruns; }

std::size_t PolicyHost::cached_conversions() const { return m_state->conversions.hits; }

std::size_t PolicyHost::shared_config_objects() const { return m_state->conversions.shared_sites; }

std::vector<std::string> PolicyHost::event_names() const {
  std::vector<std::string> out;
  for (const auto& [name, list] : m_state->handlers) {
    out.push_back(name);
  }
  return out;
}

namespace {

void push_optional(lua_State* L, const std::optional<std::string>& s) {
  if (s) {
    lua_pushlstring(L, s->data(), s->size());
  } else {
    lua_pushnil(L);
  }
}

// A handler's first return value was not a config object.
diag::Diagnostic bad_return(lua_State* L, int index, const diag::Location& where) {
  std::string got;
  switch (lua_type(L, index)) {
    case LUA_TNIL:
      got =
          "returned nil; KumoMTA fails with \"error converting Lua nil to QueueConfig\" instead of trying the "
          "next handler. Return nothing (a bare return) to pass the queue on, or return kumo.make_queue_config{...}";
      break;
    case LUA_TTABLE:
      got =
          "returned a plain table; KumoMTA fails with \"error converting Lua table to QueueConfig\". Wrap it: "
          "return kumo.make_queue_config { ... }";
      break;
    case LUA_TUSERDATA:
      got =
          "returned a different kind of object (\"userdata is not expected type\"); return "
          "kumo.make_queue_config { ... }";
      break;
    default:
      got = std::string("returned a ") + luaL_typename(L, index) +
            "; return kumo.make_queue_config { ... }, or nothing to pass the queue on";
  }
  return diag::make_diagnostic(Code::handler_bad_return, "get_queue_config handler " + got, where);
}

}  // namespace

Evaluation PolicyHost::evaluate(const values::QueueName& queue) {
  State& st = *m_state;
  lua_State* L = st.L;
  st.failures.clear();
  st.side_diagnostics.clear();
  Evaluation ev;
  static const std::vector<Handler> k_no_handlers;
  auto registered = st.handlers.find(std::string_view("get_queue_config"));
  const auto& chain = registered == st.handlers.end() ? k_no_handlers : registered->second;
  bool answered = false;
  for (std::size_t i = 0; i < chain.size() && !answered; ++i) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, chain[i].ref);
    lua_pushlstring(L, queue.domain.data(), queue.domain.size());
    push_optional(L, queue.tenant);
    push_optional(L, queue.campaign);
    push_optional(L, queue.routing_domain);
    static const std::string k_event = "get_queue_config";
    st.current_event = &k_event;
    st.last_params.reset();
    CallResult r = protected_call(st, 4, Hooking::unhooked_while_short);
    st.current_event = nullptr;
    if (r.status != LUA_OK) {
      ev.diagnostics = diagnose_failure(st, r, Code::handler_raised, "get_queue_config handler", chain[i].location);
      ev.params = std::move(st.last_params);
      answered = true;
      break;
    }
    if (r.nresults > 0) {
      answered = true;
      int first = r.base + 2;
      if (auto* obj = to_config_object(L, first)) {
        ev.config = obj->config;
        ev.handler = HandlerRef{static_cast<int>(i + 1), chain[i].location};
        ev.config_location = obj->location;
        ev.diagnostics = obj->findings;
        ev.params = obj->params;
      } else {
        ev.diagnostics.push_back(bad_return(L, first, st.error_location.value_or(chain[i].location)));
      }
    }
    lua_settop(L, r.base);
  }
  if (!answered) {
    static const config::SharedConfig k_default_config{config::QueueConfig{}};
    ev.config = k_default_config;
    diag::Location where = chain.empty() ? diag::Location{st.policy_path, 0, std::nullopt} : chain.back().location;
    ev.diagnostics.push_back(diag::make_diagnostic(
        Code::default_config,
        chain.empty() ? "no get_queue_config handler is registered: KumoMTA uses the built-in default config"
                      : "every get_queue_config handler passed this queue on: KumoMTA uses the built-in default config",
        where));
  }
  if (ev.config) {
    check_references(ev);
  }
  for (auto& d : st.side_diagnostics) {
    ev.diagnostics.push_back(std::move(d));
  }
  st.side_diagnostics.clear();
  ev.logs = take_logs(st);
  return ev;
}

std::optional<std::string> PolicyHost::call_single(const std::string& event, const std::string& arg, int& base) {
  State& st = *m_state;
  lua_State* L = st.L;
  auto it = st.handlers.find(event);
  if (it == st.handlers.end() || it->second.empty()) {
    return "Event " + event + " has not been registered";
  }
  const Handler& h = it->second.front();
  lua_rawgeti(L, LUA_REGISTRYINDEX, h.ref);
  lua_pushlstring(L, arg.data(), arg.size());
  st.current_event = &event;
  CallResult r = protected_call(st, 1, Hooking::unhooked_while_short);
  st.current_event = nullptr;
  base = r.base;
  if (r.status != LUA_OK) {
    diag::Location where = st.error_location.value_or(h.location);
    std::string cause = st.pending ? st.pending->message : strip_location(r.error, where);
    return "the " + event + " handler raised an error at " + where.file + ":" + std::to_string(where.line) + ": " +
           cause;
  }
  if (r.nresults == 0) {
    lua_pushnil(L);
  }
  lua_settop(L, r.base + 2);  // keep the first result only
  return std::nullopt;
}

namespace {

// What a get_egress_* handler returned instead of the expected object.
std::string wrong_object(lua_State* L, int index, const char* type_name) {
  switch (lua_type(L, index)) {
    case LUA_TNIL: return std::string("the handler returned nil (\"error converting Lua nil to ") + type_name + "\")";
    case LUA_TTABLE:
      return std::string("the handler returned a plain table (\"error converting Lua table to ") + type_name +
             "\"); wrap it in kumo.make_" + (std::string(type_name) == "EgressPool" ? "egress_pool" : "egress_source");
    default: return std::string("the handler returned a ") + luaL_typename(L, index) + ", not an " + type_name;
  }
}

}  // namespace

// Resolutions are cached for the whole run, by name: names longer than
// any real pool or source name (the policy's to choose) are not kept.
constexpr std::size_t k_max_cached_name = 1024;

std::optional<std::string> PolicyHost::resolve_source(const std::string& source) {
  State& st = *m_state;
  if (source == "unspecified") {
    return std::nullopt;
  }
  Resolutions& known = st.resolutions;
  known.make_room();
  auto cached = known.source_errors.find(source);
  if (cached != known.source_errors.end()) {
    return cached->second;
  }
  int base = 0;
  std::optional<std::string> error = call_single("get_egress_source", source, base);
  if (!error && luaL_testudata(st.L, base + 2, k_egress_source_mt) == nullptr) {
    error = wrong_object(st.L, base + 2, "EgressSource");
  }
  lua_settop(st.L, base);
  if (source.size() <= k_max_cached_name) {
    known.source_errors.emplace(source, error);
    known.bytes += Resolutions::cost(source, {}) + (error ? error->size() : 0);
    const auto* findings = error ? conversion_findings(st, *error) : nullptr;
    if (findings) {
      known.source_findings.emplace(source, *findings);
      known.bytes += Resolutions::cost(source, *findings);
    }
  }
  return error;
}

std::vector<diag::Diagnostic> PolicyHost::resolve_pool(const std::string& pool, const diag::Location& where) {
  State& st = *m_state;
  Resolutions& known = st.resolutions;
  known.make_room();
  auto cached = known.pools.find(pool);
  if (cached != known.pools.end()) {
    auto out = cached->second;
    for (auto& d : out) {
      if (d.key == "egress_pool") {
        d.location = where;  // the rest point into the source handler
      }
    }
    return out;
  }
  std::vector<diag::Diagnostic> out;
  auto fail = [&](Code code, const std::string& message) {
    out.push_back(diag::make_diagnostic(code, message, where));
    out.back().key = "egress_pool";
  };
  const std::string subject = "egress_pool \"" + pool + "\": ";
  int base = 0;
  std::optional<std::string> error = call_single("get_egress_pool", pool, base);
  if (error) {
    fail(Code::egress_pool_unresolved,
         subject + *error + "; kumod cannot create this queue (messages are refused with a 421)");
  } else if (auto* p = static_cast<config::EgressPool*>(luaL_testudata(st.L, base + 2, k_egress_pool_mt))) {
    config::EgressPool resolved = *p;
    lua_settop(st.L, base);
    bool usable = false;
    for (const auto& entry : resolved.entries) {
      usable = usable || entry.weight > 0;
      if (auto source_error = resolve_source(entry.name)) {
        fail(Code::egress_source_unresolved,
             subject + "source \"" + entry.name + "\": " + *source_error + "; kumod cannot create this queue");
        auto findings = known.source_findings.find(entry.name);
        if (findings != known.source_findings.end()) {
          out.insert(out.end(), findings->second.begin(), findings->second.end());
        }
      }
    }
    if (!usable) {
      fail(Code::empty_pool, subject +
                                 "the pool has no entry with a weight above 0; every message fails with "
                                 "\"no sources available\" and is retried until it expires");
    }
  } else {
    fail(Code::egress_pool_unresolved,
         subject + wrong_object(st.L, base + 2, "EgressPool") + "; kumod cannot create this queue");
  }
  lua_settop(st.L, base);
  if (pool.size() <= k_max_cached_name) {
    known.pools.emplace(pool, out);
    known.bytes += Resolutions::cost(pool, out);
  }
  return out;
}

void PolicyHost::check_references(Evaluation& ev) {
  State& st = *m_state;
  std::optional<diag::Location> fallback;  // built only when needed: a copy of a path per queue otherwise
  const diag::Location& where =
      ev.config_location ? *ev.config_location : fallback.emplace(diag::Location{st.policy_path, 0, std::nullopt});
  const auto& pool = ev.config->egress_pool;
  if (pool && *pool != "unspecified") {
    for (auto& d : resolve_pool(*pool, where)) {
      ev.diagnostics.push_back(std::move(d));
    }
  }
  if (const auto* lua = std::get_if<config::LuaProtocol>(&ev.config->protocol)) {
    auto it = st.handlers.find(lua->constructor);
    if (it == st.handlers.end() || it->second.empty()) {
      auto d = diag::make_diagnostic(Code::constructor_missing,
                                     "protocol.custom_lua.constructor \"" + lua->constructor + "\" has no kumo.on('" +
                                         lua->constructor + "', ...) handler; every delivery attempt would fail",
                                     where);
      d.key = "protocol.custom_lua.constructor";
      ev.diagnostics.push_back(std::move(d));
    }
  }
}

}  // namespace kumo::lua
