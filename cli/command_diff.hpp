// `kumo-lint diff OLD NEW`: what changes for each queue between two
// policies, or between a policy and a saved `check --format json` output.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/exit_code.hpp"
#include "cli/shared_flags.hpp"
#include "core/pipeline/check.hpp"

namespace kumo::cli {

struct DiffOptions {
  std::string old_input;  // a policy or a check document, told apart by content
  std::string new_input;
  std::vector<std::string> queues;
  std::string queues_file;
  std::string format = "text";
  PolicyRunFlags run;  // applies to both sides
  SimulationFlags simulation;
  std::uint64_t max_samples = pipeline::k_default_max_samples;
};

// Registers the subcommand and binds its flags to `options`.
CLI::App* add_diff_command(CLI::App& app, DiffOptions& options);

// Runs it: exit 0 when nothing differs, 1 when something does, 2 for an
// unreadable input or a JSON document that is no check output, 3 when a
// policy could not be loaded (its findings on `err`).
ExitCode run_diff_command(const DiffOptions& options, std::istream& in, std::ostream& out, std::ostream& err);

// The `diff` row of the command table.
Command make_diff_command();

}  // namespace kumo::cli
