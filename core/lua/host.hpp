// The policy, loaded into a sandboxed Lua 5.4 state with kumo-lint's model
// of the `kumo` module. The only public face of core/lua: no Lua types leak.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/config/queue_config.hpp"
#include "core/diag/diagnostic.hpp"
#include "core/values/dns_fixture.hpp"
#include "core/values/queue_name.hpp"

namespace kumo::lua {

struct HostOptions {
  std::vector<std::string> lua_path;  // extra directories for require (and reading)
  // Where kumod's packages install policy-extras (queue.lua, sources.lua,
  // ...): searched by require after lua_path, when it exists, as kumod does.
  std::string kumomta_share = "/opt/kumomta/share";
  std::vector<std::string> allow_read;  // more files or directories io.open may read
  // --map-path: reads under an absolute directory FROM (a path the policy
  // names as installed, /opt/kumomta/etc/policy) come from TO instead.
  struct PathMap {
    std::string from;  // absolute, normalized
    std::string to;    // as given (relative to the working directory)
  };
  std::vector<PathMap> map_path;
  std::map<std::string, std::string> env;  // os.getenv answers from here first
  // --dns FILE: DNS answers for kumo.dns.lookup_* and `getent` through
  // io.popen; without it those calls degrade (KQ914).
  std::shared_ptr<const values::DnsZone> dns;
  std::uint64_t max_instructions = 100'000'000;  // per load and per handler call
  std::size_t max_memory = 512u << 20;           // bytes for the whole Lua state
  double timeout_seconds = 60;                   // wall clock per load and per handler call
  // --run-timeout: wall clock for the whole run (load and every queue);
  // none by default, so a run of a million queues is never cut off.
  std::optional<double> run_timeout_seconds;
  // Handler calls start without the per-instruction count and are run
  // again, counted, only when they outlive a grace too short to spend the
  // budget in (lua/watchdog.hpp): same reports, no per-instruction cost.
  // false counts every instruction of every call (tests compare the two).
  bool unhooked_calls = true;
  // kumo.make_queue_config keeps what each plain table converted to, by
  // the table's exact content (ConversionCache): same configs and findings,
  // no conversion per call. false converts every call (tests compare).
  bool cache_conversions = true;
};

// Something the policy printed (print, io.write, kumo.log_*).
struct LogLine {
  diag::Location location;
  std::string level;  // "print", "error", "warn", "info", "debug"
  std::string text;
};

// Which get_queue_config handler answered.
struct HandlerRef {
  int index = 0;            // 1-based registration order
  diag::Location location;  // where kumo.on was called
};

// A top-level key of the table the answering make_queue_config call got,
// with its value as text when it is a string, integer or boolean (what a
// literal in the policy or a data file would spell), for tracing where the
// value was written (pipeline/provenance).
struct ParamValue {
  std::string key;
  std::optional<std::string> scalar;

  friend bool operator==(const ParamValue&, const ParamValue&) = default;
};

// A make_queue_config call's keys, shared by every call with the same table
// (the conversion cache's); null for none.
using ParamList = std::shared_ptr<const std::vector<ParamValue>>;

struct Evaluation {
  config::SharedConfig config;                    // empty when KumoMTA would fail
  std::optional<HandlerRef> handler;              // empty for the built-in default
  std::optional<diag::Location> config_location;  // the make_queue_config call that built it
  std::vector<diag::Diagnostic> diagnostics;      // queue field not yet set
  std::vector<LogLine> logs;
  // The answering make_queue_config call's keys (or, when the handler
  // failed, those of its last make_queue_config call), sorted by key.
  ParamList params;
};

struct LoadResult {
  bool ok = false;  // false: the policy did not compile or raised at top level
  std::vector<diag::Diagnostic> diagnostics;
  std::vector<LogLine> logs;
};

// Where a value of a data file the policy loaded (kumo.toml_load) was
// written: its key path from the document root (array elements by their
// 1-based Lua index) and its 1-based line and column (in characters).
struct DataPosition {
  std::vector<std::string> key_path;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  bool is_table = false;  // the value is a table (a TOML section or inline table)
  std::string scalar;     // a string, integer or boolean value as text (at most 256 bytes), else empty
};

class PolicyHost {
 public:
  explicit PolicyHost(HostOptions options);
  ~PolicyHost();
  PolicyHost(const PolicyHost&) = delete;
  PolicyHost& operator=(const PolicyHost&) = delete;

  // Runs the policy file's top level (registering handlers). `display_path`
  // is how locations name it (the path as the user gave it).
  LoadResult load(const std::string& display_path, const std::string& source);

  // Runs the get_queue_config chain for one queue as kumod would (§7.3),
  // then resolves its egress pool (§6.4) and custom_lua constructor.
  Evaluation evaluate(const values::QueueName& queue);

  // Every event with a registered handler, sorted.
  std::vector<std::string> event_names() const;

  // The file a location's name refers to, when the policy's code there was
  // read from a file through the sandbox (the policy itself, require,
  // dofile, loadfile): its resolved path. Chunk names are the policy's to
  // choose (load(code, "@/dev/zero")), so nothing else may be opened by
  // the name a location carries.
  std::optional<std::string> source_file(const std::string& location_file) const;

  // Where the values of a data file the policy loaded were written (by its
  // resolved path; kumo.toml_load records them), or nullptr.
  const std::vector<DataPosition>* data_positions(const std::string& resolved_file) const;
  // Every data file the policy has loaded so far (resolved paths, sorted).
  std::vector<std::string> data_files() const;
  // The name findings in a loaded data file carry: the path as the policy
  // gave it (after --map-path), as its loader's own errors name it. The
  // resolved path itself for a file the policy never loaded.
  std::string data_file_name(const std::string& resolved_file) const;

  // Every file the policy's code or data came from so far: Lua files
  // compiled through the sandbox (the policy first, as its location name)
  // and data files read by kumo's loaders, each with the name findings in
  // it carry and the path to read it from. Sorted by name.
  struct FileRead {
    std::string name;
    std::string resolved;
    bool data = false;
  };
  std::vector<FileRead> files_read() const;
  // How many files_read() would return: it changes when the policy reads a
  // new file, so a caller can skip calling files_read() per queue.
  std::size_t files_read_count() const;

  // How many handler calls outlived their unhooked grace and ran again,
  // counted (HostOptions::unhooked_calls).
  std::size_t counted_reruns() const;
  // How many make_queue_config calls were answered from the conversion
  // cache (HostOptions::cache_conversions).
  std::size_t cached_conversions() const;
  // How many config objects the conversion cache made to be shared by every
  // object returned for the same table at the same line (one per site).
  std::size_t shared_config_objects() const;

  struct State;

 private:
  // §6.4: the findings of resolving `pool` (via get_egress_pool and then
  // get_egress_source for every entry), located at `where`.
  std::vector<diag::Diagnostic> resolve_pool(const std::string& pool, const diag::Location& where);
  // The error of resolving one source, if any.
  std::optional<std::string> resolve_source(const std::string& source);
  // Calls the single handler of `event` with one string argument; returns
  // the error text, or nullopt with the result left on the stack.
  std::optional<std::string> call_single(const std::string& event, const std::string& arg, int& base);
  // Adds reference findings (egress pool, custom_lua constructor) for a config.
  void check_references(Evaluation& ev);

 private:
  std::unique_ptr<State> m_state;
};

}  // namespace kumo::lua
