// The flags that say how a policy runs (module paths, sandbox, limits),
// shared by every command that loads a policy.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "core/lua/host.hpp"

namespace kumo::cli {

struct PolicyRunFlags {
  std::vector<std::string> lua_path;
  std::vector<std::string> allow_read;
  std::vector<std::string> env;  // KEY=VALUE
  std::uint64_t max_instructions = 100'000'000;
  std::size_t max_memory_mib = 512;
  double timeout_seconds = 60;
};

// Adds --lua-path, --allow-read, --env, --max-instructions, --max-memory
// and --timeout to `cmd`.
void add_policy_run_flags(CLI::App* cmd, PolicyRunFlags& flags);

// The host options they mean; throws UsageError for an --env without '='.
lua::HostOptions host_options(const PolicyRunFlags& flags);

}  // namespace kumo::cli
