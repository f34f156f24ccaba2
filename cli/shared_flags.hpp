// Flags shared by several commands, each group declared once: output
// format and color, how a policy runs (module paths, sandbox, limits), and
// how a retry timeline is simulated.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/lua/host.hpp"
#include "core/simulate/retry_timeline.hpp"

namespace kumo::cli {

struct PolicyRunFlags {
  std::vector<std::string> lua_path;
  std::vector<std::string> allow_read;
  std::vector<std::string> env;  // KEY=VALUE
  std::uint64_t max_instructions = 100'000'000;
  std::size_t max_memory_mib = 512;
  double timeout_seconds = 60;
};

// --format text|json (the names come from report::formats()).
void add_format_option(CLI::App* cmd, std::string& format);

// --color auto|always|never.
void add_color_option(CLI::App* cmd, std::string& color);

struct SimulationFlags {
  std::uint64_t attempt_duration = 0;
  std::optional<std::uint64_t> seed;
  std::size_t max_attempts_shown = 50;
  std::uint64_t burst = simulate::k_default_burst;

  // The simulator's options they mean.
  simulate::TimelineOptions timeline_options() const;
};

// Adds --attempt-duration, --seed, --max-attempts-shown and --burst.
void add_simulation_options(CLI::App* cmd, SimulationFlags& flags);

// Adds --lua-path, --allow-read, --env, --max-instructions, --max-memory
// and --timeout to `cmd`.
void add_policy_run_flags(CLI::App* cmd, PolicyRunFlags& flags);

// The host options they mean; throws UsageError for an --env without '='.
lua::HostOptions host_options(const PolicyRunFlags& flags);

}  // namespace kumo::cli
