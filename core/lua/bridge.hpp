// Internal to core/lua: the Lua-facing side of PolicyHost. Every function
// here touches a lua_State; stack effects use the manual's notation.
#pragma once

#include <lua.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config/queue_config.hpp"
#include "core/diag/codes.hpp"
#include "core/lua/host.hpp"
#include "core/values/lua_value.hpp"

namespace kumo::lua {

class HostMemory;

struct Handler {
  int ref = LUA_NOREF;  // registry reference to the function
  diag::Location location;
};

// A make_queue_config call KumoMTA would have rejected: kept until the
// handler's error is seen, so the error can be reported key by key.
struct ConversionFailure {
  std::string kumo_message;  // the text raised to Lua
  std::vector<diag::Diagnostic> findings;
};

// A special reason for the error being raised (not-modeled call, sandbox
// block, budget), consumed by whoever reports the error.
struct PendingError {
  diag::Code code;
  std::string message;
};

// Objects returned by kumo.make_* and held as full userdata.
struct ConfigObject {
  config::SharedConfig config;
  std::vector<diag::Diagnostic> findings;  // warnings; location filled
  diag::Location location;                 // the make_queue_config call
  ParamList params;                        // its table's top-level keys
};

class Watchdog;

// The bytes encode_plain_value writes: a buffer of fixed size, kept from
// call to call, written through a pointer (no per-piece append).
class PlainBuffer {
 public:
  static constexpr std::size_t k_max_bytes = 8192;
  PlainBuffer() : m_bytes(new char[k_max_bytes]) {}
  std::string_view view() const { return {m_bytes.get(), m_size}; }
  void clear() { m_size = 0; }
  bool empty() const { return m_size == 0; }
  std::size_t size() const { return m_size; }
  // Room for `n` more bytes, or null (nothing is written then).
  char* reserve(std::size_t n) { return n <= k_max_bytes - m_size ? m_bytes.get() + m_size : nullptr; }
  void commit(std::size_t n) { m_size += n; }

 private:
  std::unique_ptr<char[]> m_bytes;
  std::size_t m_size = 0;
};

// What kumo.make_queue_config made of a table, by the table's exact content
// (encode_plain_value): converting is a pure function of the table, and a
// policy builds the same few tables for many queues. Only accepted tables
// are kept; the cache stops growing at k_max_bytes (a rough count), so a
// policy whose every table differs costs one lookup per call, never more.
struct ConversionCache {
  struct Entry {
    config::SharedConfig config;
    std::vector<diag::Diagnostic> findings;  // located per call
    ParamList params;
    std::size_t charge = 0;  // what reading the table charges to --max-memory
    // The config object made of this table at each call site (findings
    // located there), shared by every object returned there: such an object
    // is a pointer with no __gc, which the collector frees as it frees a
    // string. At most k_max_sites per entry; other sites get their own.
    std::vector<std::unique_ptr<const ConfigObject>> sites;
  };
  static constexpr std::size_t k_max_bytes = std::size_t{16} << 20;
  static constexpr std::size_t k_entry_overhead = 2048;  // the config and its findings, roughly
  static constexpr std::size_t k_max_sites = 8;

  // Keys found by the bytes of the table being looked up, not a copy.
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view bytes) const { return std::hash<std::string_view>{}(bytes); }
  };
  std::unordered_map<std::string, Entry, KeyHash, std::equal_to<>> entries;
  std::size_t bytes = 0;
  std::size_t hits = 0;
  std::size_t shared_sites = 0;  // config objects made to be shared (Entry::sites)
  PlainBuffer key;               // the table being looked up
};

// Roughly the memory `findings` hold (what the caches below count).
inline std::size_t held_bytes(const std::vector<diag::Diagnostic>& findings) {
  std::size_t total = 0;
  for (const auto& d : findings) {
    total += sizeof(diag::Diagnostic) + d.message.size() + d.detail.size() + d.location.file.size();
  }
  return total;
}

// Egress pool and source resolutions, by name: kumod caches them too, and
// a deterministic policy answers the same for every queue. Bounded by the
// bytes they hold, not by a count: a policy that names a new pool for every
// queue starts them over (and calls its handlers again) instead of growing.
struct Resolutions {
  static constexpr std::size_t k_max_bytes = std::size_t{4} << 20;
  static constexpr std::size_t k_entry_overhead = 256;  // map node and name

  std::map<std::string, std::vector<diag::Diagnostic>> pools;
  std::map<std::string, std::optional<std::string>> source_errors;
  // For a source whose make_egress_source call kumod rejects: that call's
  // findings, located at the call.
  std::map<std::string, std::vector<diag::Diagnostic>> source_findings;
  std::size_t bytes = 0;

  // Called before a lookup, so an entry found stays valid while in use.
  void make_room() {
    if (bytes > k_max_bytes) {
      pools.clear();
      source_errors.clear();
      source_findings.clear();
      bytes = 0;
    }
  }
  // What an entry named `name` holding `findings` adds to `bytes`.
  static std::size_t cost(const std::string& name, const std::vector<diag::Diagnostic>& findings) {
    return k_entry_overhead + name.size() + held_bytes(findings);
  }
};

struct PolicyHost::State {
  State();  // in host.cpp, where Watchdog is complete
  ~State();
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  HostOptions options;
  lua_State* L = nullptr;
  std::string policy_path;  // as displayed
  std::string policy_dir;   // for require and io.open
  std::map<std::string, std::vector<Handler>, std::less<>> handlers;
  std::size_t handler_count = 0;
  const std::string* current_event = nullptr;  // set while a handler runs (to a string that outlives the call)
  // The queue config metatable by registry reference and by address: it is
  // set and tested on every queue, where luaL_setmetatable/luaL_testudata
  // would intern its name and look it up in the registry each time.
  int queue_config_mt_ref = LUA_NOREF;
  const void* queue_config_mt = nullptr;
  // The same for objects that point at a config object the conversion
  // cache owns (ConversionCache::Entry::sites): no __gc.
  int shared_config_mt_ref = LUA_NOREF;
  const void* shared_config_mt = nullptr;
  std::vector<LogLine> logs;
  std::size_t dropped_logs = 0;  // beyond k_max_log_lines, since logs was last taken
  std::vector<ConversionFailure> failures;
  std::optional<PendingError> pending;
  std::optional<diag::Location> error_location;    // innermost Lua frame of the last error
  ParamList last_params;                           // of the last make_queue_config call (for a failed handler)
  std::vector<diag::Diagnostic> side_diagnostics;  // found outside any error path (e.g. duplicate kumo.on)
  Resolutions resolutions;
  std::vector<std::string> readable_roots;  // canonical directories/files the policy may read
  std::vector<std::string> lexical_roots;   // the same, absolute but unresolved (checked first)
  std::vector<std::string> module_dirs;     // require's search directories, fixed at start
  std::map<std::string, std::string, std::less<>>
      source_files;                          // chunk name (as shown) → resolved file, for files compiled
  const std::string* last_source = nullptr;  // the key of source_files current_line found last
  std::uint64_t instructions = 0;
  std::chrono::steady_clock::time_point call_deadline;  // --timeout, from the start of the current call
  std::chrono::steady_clock::time_point run_deadline =  // --run-timeout, from the start of the run
      std::chrono::steady_clock::time_point::max();
  bool timed_out = false;  // the run reached --run-timeout: nothing more runs
  std::size_t memory_used = 0;
  bool memory_limited = false;  // the cap applies (off while the host itself sets up)
  // A limit (budget, timeout, memory) reached during the current call: from
  // then on every hook tick and every catching function (pcall, xpcall,
  // coroutine.resume, load) raises it again, so no Lua code can catch it.
  std::optional<PendingError> fatal;

  // Whether the current call (or the run) is past its wall-clock limit.
  bool past_deadline(std::chrono::steady_clock::time_point now) const {
    return now > call_deadline || now > run_deadline;
  }
  struct Refusal {
    void* ptr;
    std::size_t old_size, new_size;
  };
  std::optional<Refusal> last_refusal;  // Lua retries a refused allocation once, after a full collection
  std::size_t host_memory = 0;          // C++ memory held for the policy (copies of its values), under --max-memory
  std::set<std::pair<std::string, int>> shared_state_reported;  // KQ913, once per file:line
  // KQ914: a call kumo-lint cannot make, raised inside a handler; reported
  // as a warning if the policy catches the error (pcall), since the config
  // it then builds may differ from kumod's.
  std::optional<diag::Diagnostic> degraded_if_caught;
  std::uint64_t next_object_id = 0;  // tostring names objects by first-seen number, never by address
  std::set<std::pair<std::string, int>> degraded_reported;  // KQ914 at the top level, once per file:line
  // Per data file loaded (resolved path), where each of its values was
  // written, so findings can point at a TOML line. At most
  // k_max_data_positions in all, charged to --max-memory (data_positions_bytes).
  std::map<std::string, std::vector<DataPosition>> data_positions;
  std::size_t data_positions_count = 0;
  std::size_t data_positions_bytes = 0;
  // Every data file read through kumo's loaders (resolved path → the name
  // findings in it carry), so the pipeline can read its suppression comments.
  std::map<std::string, std::string> data_file_names;

  // Handler calls run without the count hook while they are short
  // (watchdog.hpp); a call that outlives its grace runs again, counted.
  std::unique_ptr<Watchdog> watchdog;  // started by the first such call
  bool unhooked = false;               // the current attempt runs without the count hook
  std::uint64_t call_serial = 0;       // of the last unhooked attempt, for the watchdog
  bool run_again_counted = false;      // the unhooked attempt was stopped: run it again, counted
  std::size_t counted_reruns = 0;      // how many calls ran again, counted

  ConversionCache conversions;
};

// Beyond this many recorded positions (all files together) a load records no
// more: real configuration files hold a few thousand values.
inline constexpr std::size_t k_max_data_positions = 200'000;

// --- Interface ---

// The State a lua_State belongs to (stored in its extra space).
PolicyHost::State& state_of(lua_State* L);

// A line of a file the sandbox compiled; `file` is the host's own copy of
// its name (State::source_files), valid as long as the host.
struct SourceLine {
  const std::string* file;
  int line;
};

// The innermost Lua-code line on the call stack of L, if any.
std::optional<SourceLine> current_line(lua_State* L);
// The same as a location.
std::optional<diag::Location> current_location(lua_State* L);
// A source line as a location (no column).
inline diag::Location location_of(const SourceLine& line) {
  return diag::Location{*line.file, line.line, std::nullopt};
}

// [-0, +0, e] Copies the value at `index` into plain C++. Tables are
// classified once here; recursion and functions are kept as kinds for the
// converter to reject. Our own config objects come back materialized as
// their serialized tables (as mlua does through __pairs).
Value read_value(lua_State* L, int index);
// The same, charging the copy's size to `memory`.
Value read_value(lua_State* L, int index, HostMemory& memory);

// [-0, +0, -] Writes the exact content of a plain value (booleans, numbers,
// strings, and tables of them without metatables, nested a few levels) to
// `out` and returns what read_value would charge for copying it; nullopt
// when the value is not plain (or its bytes would pass
// PlainBuffer::k_max_bytes). Equal bytes mean equal values, so the bytes
// key caches of what a value converts to.
std::optional<std::size_t> encode_plain_value(lua_State* L, int index, PlainBuffer& out);

// [-0, +1, m] Pushes JSON as Lua: null → kumo's null sentinel, arrays →
// tables carrying the array mark.
void push_json(lua_State* L, const nlohmann::json& value);

// [-0, +0, -] The JSON form of a Value (tables as objects or arrays); with
// `memory`, the tree is charged to --max-memory as it grows.
nlohmann::json value_to_json(const Value& v, HostMemory* memory = nullptr);

// Keeps what the policy printed, within bounds: at most k_max_log_lines per
// load or queue (then one line saying how many were dropped), each cut at
// k_max_log_bytes, so a print loop cannot exhaust kumo-lint's own memory.
inline constexpr std::size_t k_max_log_lines = 1000;
inline constexpr std::size_t k_max_log_bytes = diag::k_max_message_bytes;
// `full_size` is the text's real length when the caller already cut it.
void record_log(lua_State* L, const char* level, std::string text, std::size_t full_size = 0);
// [-0, +0, e] Records the arguments from `first` on, joined with `separator`
// (through tostring, or strings and numbers only), without copying more of
// them out of Lua than a log line keeps.
void record_arguments(lua_State* L, const char* level, int first, std::string_view separator, bool strings_only);

// Raises a Lua error for a call the sandbox or model refuses, recording
// why so the report can use the right code. Never returns.
[[noreturn]] void raise_pending(lua_State* L, diag::Code code, const std::string& message);

// A call kumo-lint cannot make: it needs the outside world (DNS, HTTP, a
// command) or is not modeled. Degrade, don't die: at the top level of the
// policy it is a KQ914 warning (once per line) and the caller returns
// `neutral`, a value in the shape kumod returns; inside a handler, where
// the value decides the result, it raises `code_in_handler` (and leaves a
// KQ914 warning in case the policy catches that error).
struct OutsideCall {
  std::string name;     // "kumo.dns.lookup_mx"
  std::string needs;    // "needs DNS"
  std::string neutral;  // "an empty answer"
  diag::Code code_in_handler = diag::Code::not_modeled;
  std::string hint;  // "; pass --dns FILE to answer it", or empty
};
// True at the top level (the caller pushes the neutral value); raises otherwise.
bool degrade_at_top_level(lua_State* L, const OutsideCall& call);

// [-0, +0, v] Counts `steps` units of work done inside a C function (a
// pattern-matching step, a comparison, an element moved) against the
// --max-instructions budget, as the instruction hook counts Lua
// instructions, and checks the --timeout. Raises KQ908 or KQ912 (a Lua
// error, thrown as a C++ exception in the C++ build of Lua: callers hold
// only RAII state) when either is exceeded. Call it at least every few
// thousand steps from any loop whose length the policy controls.
void charge_steps(lua_State* L, std::uint64_t steps);

// Whether the budget, a timeout or the unhooked grace (watchdog.hpp) is
// now reached; sets State::fatal, which the next charge_steps raises. For
// loops that must stop before they can raise (a PCRE2 callout).
bool limit_reached(PolicyHost::State& st);

// Gives a coroutine just created the count hook: a Lua thread starts with
// its creator's hooks, and a handler call may run unhooked (watchdog.hpp),
// but a coroutine is always counted (the watchdog's signal reaches only the
// main thread).
void hook_coroutine(lua_State* co);

// [-0, +0, v] The path argument at `index`, refused (KQ910) past
// k_max_path_bytes (Linux's PATH_MAX) before any copy of it is made.
inline constexpr std::size_t k_max_path_bytes = 4096;
std::string checked_path(lua_State* L, int index, const char* what);

// Where a path the policy names leads, once resolved and confined.
struct ConfinedPath {
  enum class Status { ok, missing, outside, not_regular } status = Status::missing;
  std::string resolved;  // for ok: the canonical path, the one to open
};

// The one path check every file reader shares (require, loadfile, dofile,
// io.open, io.lines, kumo.json_load): outside the readable roots as written
// → outside (the file system is not consulted); then resolved (.., symbolic
// links) and confined again; then it must be a regular file.
// A path under a --map-path FROM is first rewritten under its TO.
ConfinedPath confine(const PolicyHost::State& st, const std::string& path);

// [-0, +0, -] Counts `steps` against the --max-instructions budget without
// checking it: for the remainder of a batch too small to be worth a clock
// read. The next charge_steps or instruction hook sees it.
void count_steps(lua_State* L, std::uint64_t steps);

// Computes the readable roots from the policy directory and the options.
void set_readable_roots(PolicyHost::State& st);

// The resolved path to open; raises KQ910 (or a "no such file" error) when
// `path` may not be read. `what` names the function.
std::string require_readable(lua_State* L, const std::string& path, const char* what);

// The name findings give a file the policy named `path`: under a
// --map-path FROM, the file it maps to, written as the user wrote TO
// (so a finding points at the file that gets edited); else `path`.
std::string shown_path(lua_State* L, const std::string& path);

// [-0, +1, e] The contents of a resolved, confined file as a Lua string:
// read into Lua's own memory, so --max-memory bounds it.
void push_file_contents(lua_State* L, const std::string& resolved, const char* what);

// Charges C++ memory made on the policy's behalf (copies of its values,
// JSON trees) against --max-memory for the lifetime of this object; raises
// KQ909 (a limit no Lua code can catch) when the state and the host
// together would pass it.
// Copying this many bytes of the policy's values also counts as
// instructions (HostMemory::charge), so a huge copy spends the budget.
inline constexpr std::size_t k_charge_step_bytes = 65536;

class HostMemory {
 public:
  explicit HostMemory(lua_State* L) : m_L(L) {}
  ~HostMemory();
  HostMemory(const HostMemory&) = delete;
  HostMemory& operator=(const HostMemory&) = delete;
  void charge(std::size_t bytes);
  std::size_t charged() const { return m_charged; }
  // Keeps the charge past this object's life (for an object the policy
  // holds); the caller gives it back with release_host_memory.
  std::size_t keep();

 private:
  lua_State* m_L;
  std::size_t m_charged = 0;
  std::size_t m_steps = 0;
};
void release_host_memory(lua_State* L, std::size_t bytes);

// The error raised when memory runs out, as recorded in State::fatal.
PendingError memory_limit_error(const PolicyHost::State& st);
// The error raised once the current call's --timeout has passed.
PendingError timeout_error(const PolicyHost::State& st);

// Registry names of the metatables.
inline constexpr char k_queue_config_mt[] = "kumo-lint.QueueConfig";

// [-0, +0, -] The ConfigObject at `index`, or nullptr when it is anything
// else (luaL_testudata for the queue config metatable, compared by address).
const ConfigObject* to_config_object(lua_State* L, int index);
inline constexpr char k_egress_pool_mt[] = "kumo-lint.EgressPool";
inline constexpr char k_egress_source_mt[] = "kumo-lint.EgressSource";
inline constexpr char k_array_mt[] = "kumo-lint.array";
// Registry field holding the kumo module table as kumo-lint built it.
inline constexpr char k_kumo_module[] = "kumo-lint.kumo";

// Keeps a finding made outside any error path, up to k_max_side_findings
// per load or call (a loop around a warning-making call would otherwise
// grow the host's memory without bound).
inline constexpr std::size_t k_max_side_findings = 1000;
void add_side_diagnostic(PolicyHost::State& st, diag::Diagnostic d);

// After the policy's top level: a write to a global (or a field of the kumo
// module) from a handler is reported (KQ913), since in kumod such state
// depends on which pooled Lua context serves the queue.
void watch_shared_state(lua_State* L);

// [-0, +1, e] luaL_tolstring, except that a table, function, userdata or
// thread without __tostring reads "table: 0x00000001", numbered in the
// order first seen, where Lua prints its address (which changes from run
// to run: output must be byte-identical).
const char* stable_tolstring(lua_State* L, int index, std::size_t* len);
// [-0, +1, m] "<kind>: 0x0000000N" for the object at `index`.
void push_stable_name(lua_State* L, int index, const char* kind);

// kumo-lint's clock, fixed so that output never depends on when it runs:
// 2026-01-01T00:00:00Z. os.time, os.date and kumo.time.now all read it.
inline constexpr lua_Integer k_fixed_now = 1767225600;

// Installs the sandboxed standard library (print/io capture, blocked
// functions, text-only loading, require from the policy directory).
void open_sandbox(lua_State* L);

// Installs the `kumo` module as a global and in package.loaded.
void open_kumo(lua_State* L);

// Debug builds: a body that claims more results than it left on the stack
// would hand Lua values below its frame (lua_call takes the top `results`
// values); say so instead, naming the count, so the bug is a test failure,
// not a corrupted stack.
inline int checked_result_count([[maybe_unused]] lua_State* L, int results) {
#ifndef NDEBUG
  if (results < 0 || results > lua_gettop(L)) {
    return luaL_error(L, "kumo-lint internal error: a C function returned %d results with %d values on its stack",
                      results, lua_gettop(L));
  }
#endif
  return results;
}

// Calls a C++ body, turning escaping C++ exceptions into Lua errors
// (Lua's own C++ build would otherwise swallow them in its catch(...)).
template <int (*Body)(lua_State*)>
int guarded(lua_State* L) {
  std::string error;
  try {
    return checked_result_count(L, Body(L));
  } catch (const std::exception& e) {
    error = e.what();
  }
  return luaL_error(L, "kumo-lint internal error: %s", error.c_str());
}

}  // namespace kumo::lua
