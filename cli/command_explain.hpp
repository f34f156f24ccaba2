// `kumo-lint explain VALUE...`: say what each value (a duration, a throttle
// spec or a queue name) is and what KumoMTA makes of it.
#pragma once

#include <CLI/CLI.hpp>

#include <ostream>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/exit_code.hpp"

namespace kumo::cli {

struct ExplainOptions {
  std::vector<std::string> values;
  std::string format = "text";
};

// Registers the subcommand and binds its arguments to `options`.
CLI::App* add_explain_command(CLI::App& app, ExplainOptions& options);

// Runs it: ok when every value is valid, findings when any is not.
ExitCode run_explain_command(const ExplainOptions& options, std::ostream& out);

// The `explain` row of the command table.
Command make_explain_command();

}  // namespace kumo::cli
