#include "cli/shared_flags.hpp"

#include <limits>

#include "cli/errors.hpp"
#include "core/report/render.hpp"

namespace kumo::cli {

void add_format_option(CLI::App* cmd, std::string& format) {
  std::vector<std::string> names;
  for (const auto& f : report::formats()) {
    names.emplace_back(f.name);
  }
  cmd->add_option("-f,--format", format, "Output format")->check(CLI::IsMember(names))->capture_default_str();
}

void add_color_option(CLI::App* cmd, std::string& color) {
  cmd->add_option("--color", color, "Color severities: auto (a terminal without NO_COLOR), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
}

simulate::TimelineOptions SimulationFlags::timeline_options() const {
  simulate::TimelineOptions t;
  t.attempt_duration_seconds = attempt_duration;
  t.seed = seed;
  t.max_attempts_shown = max_attempts_shown;
  t.burst = burst;
  return t;
}

void add_simulation_options(CLI::App* cmd, SimulationFlags& f) {
  cmd->add_option("--attempt-duration", f.attempt_duration, "Seconds each delivery attempt takes before failing");
  cmd->add_option("--seed", f.seed, "Draw one reproducible jitter realization instead of the envelope");
  cmd->add_option("--max-attempts-shown", f.max_attempts_shown,
                  "Attempts listed before the periodic tail is summarized")
      ->capture_default_str();
  cmd->add_option("--burst", f.burst, "Messages due together for the max_message_rate preview")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, std::numeric_limits<std::uint64_t>::max()));
}

void add_policy_run_flags(CLI::App* cmd, PolicyRunFlags& f) {
  cmd->add_option("--lua-path", f.lua_path, "Another directory for require, also readable (repeatable)");
  cmd->add_option("--allow-read", f.allow_read,
                  "A file or directory the policy may read besides its own directory (repeatable)");
  cmd->add_option("--env", f.env, "KEY=VALUE for os.getenv, before the real environment (repeatable)");
  cmd->add_option("--max-instructions", f.max_instructions,
                  "Lua instruction budget for loading and for each handler call")
      ->capture_default_str();
  cmd->add_option("--max-memory", f.max_memory_mib, "Memory limit of the Lua state, in MiB")->capture_default_str();
  cmd->add_option("--timeout", f.timeout_seconds, "Wall-clock limit in seconds for running the policy, all queues")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
}

lua::HostOptions host_options(const PolicyRunFlags& f) {
  lua::HostOptions o;
  o.lua_path = f.lua_path;
  o.allow_read = f.allow_read;
  for (const auto& kv : f.env) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw UsageError("--env " + kv + ": expected KEY=VALUE");
    }
    o.env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  o.max_instructions = f.max_instructions;
  o.max_memory = f.max_memory_mib << 20;
  o.timeout_seconds = f.timeout_seconds;
  return o;
}

}  // namespace kumo::cli
