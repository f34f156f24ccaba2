#include "cli/policy_flags.hpp"

#include "cli/errors.hpp"

namespace kumo::cli {

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
