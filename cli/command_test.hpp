// `kumo-lint test FILE...`: expectation files, like `promtool test rules`:
// each names a policy and says what it must do for some queues; the run
// reports every expectation that does not hold.
#pragma once

#include <CLI/CLI.hpp>

#include <ostream>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/exit_code.hpp"

namespace kumo::cli {

struct TestOptions {
  std::vector<std::string> files;
  std::string format = "text";
};

// Registers the subcommand and binds its arguments to `options`.
CLI::App* add_test_command(CLI::App& app, TestOptions& options);

// Runs it: ok when every expectation holds, findings when one does not,
// usage for a bad expectation file (before any output), policy_error when a
// policy does not load.
ExitCode run_test_command(const TestOptions& options, std::ostream& out);

// The `test` row of the command table.
Command make_test_command();

}  // namespace kumo::cli
