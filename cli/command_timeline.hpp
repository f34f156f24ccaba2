// `kumo-lint timeline`: one queue's retry schedule as a table and a chart,
// from a policy (POLICY -q NAME), from inline settings (--config KEY=VALUE)
// or, with neither, from kumod's defaults.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/exit_code.hpp"
#include "cli/shared_flags.hpp"
#include "core/report/render.hpp"
#include "core/simulate/rate_preview.hpp"

namespace kumo::cli {

struct TimelineCommandOptions {
  std::string policy;                 // empty: --config settings or the defaults
  std::string queue;                  // required with a policy
  std::vector<std::string> settings;  // --config KEY=VALUE, in order
  std::string format = "text";
  std::string color = "auto";
  PolicyRunFlags run;
  SimulationFlags simulation;
  int chart_width = report::k_default_chart_width;
  std::string spool_in;  // --spool-in AGE; empty: not asked
};

// Registers the subcommand and binds its flags to `options`.
CLI::App* add_timeline_command(CLI::App& app, TimelineCommandOptions& options);

// Runs it. Throws UsageError for a bad combination of flags, a --config
// without '=', a repeated or unknown --config key (with a did-you-mean).
ExitCode run_timeline_command(const TimelineCommandOptions& options, std::ostream& out, std::ostream& err);

// The `timeline` row of the command table.
Command make_timeline_command();

}  // namespace kumo::cli
