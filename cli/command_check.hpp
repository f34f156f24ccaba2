// `kumo-lint check POLICY`: evaluate get_queue_config for sample queues,
// validate, and print each normalized config.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/exit_code.hpp"
#include "cli/shared_flags.hpp"
#include "core/pipeline/check.hpp"
#include "core/simulate/rate_preview.hpp"

namespace kumo::cli {

struct CheckOptions {
  // One or more policy files, each checked in its own Lua state against
  // the same queues; "-" is standard input.
  std::vector<std::string> policies;
  std::vector<std::string> queues;
  std::string queues_file;
  std::string format = "text";
  std::string fail_level = "error";
  std::string color = "auto";
  PolicyRunFlags run;
  bool timeline = false;
  bool hide_config = false;
  bool explain_keys = false;
  std::uint64_t max_samples = pipeline::k_default_max_samples;
  std::optional<std::uint64_t> jobs;  // --jobs; unset: default_jobs()
  bool quiet = false;
  bool progress = false;  // --progress: also when stderr is not a terminal
  std::vector<std::string> select;
  std::vector<std::string> ignore;
  bool show_suppressed = false;
  std::string baseline;
  std::string config_file;  // --config-file; empty: look for .kumo-lint.toml
  bool no_config_file = false;
  std::map<std::string, std::string> severity;  // from the config file's [severity]
  // Whether a flag was given on the command line (the config file only
  // fills the others); set when the command is added.
  std::function<bool(const std::string& flag)> given;
  SimulationFlags simulation;
};

// --jobs without a value: the number of cores, at least 1.
std::size_t default_jobs();

// Registers the subcommand and binds its flags to `options`.
CLI::App* add_check_command(CLI::App& app, CheckOptions& options);

// Runs it; `in` is standard input (for --queues-file -).
ExitCode run_check_command(const CheckOptions& given, std::istream& in, std::ostream& out, std::ostream& err);

// The options with what config file `c` sets for every flag not given
// (options.given), its queues only when the options name none.
struct ConfigFile;
CheckOptions apply_config_file(const CheckOptions& options, const ConfigFile& c);
// The same with the .kumo-lint.toml that applies to `policy` (--config-file,
// or the nearest one upward), unless --no-config-file.
CheckOptions with_config_file(const CheckOptions& options, const std::string& policy);
// --select, --ignore and [severity] as the pipeline takes them; an entry
// that matches no code is a UsageError.
pipeline::CodeSelection code_selection(const CheckOptions& options);

// The `check` row of the command table.
Command make_check_command();

}  // namespace kumo::cli
