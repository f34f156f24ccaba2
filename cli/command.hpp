// One subcommand: how it registers its flags and how it runs. run.cpp holds
// the table of all of them.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <istream>
#include <ostream>

#include "cli/exit_code.hpp"

namespace kumo::cli {

struct Command {
  // Adds the subcommand (and binds its options) to the app.
  std::function<CLI::App*(CLI::App&)> add;
  // Runs it after a successful parse.
  std::function<ExitCode(std::istream& in, std::ostream& out, std::ostream& err)> run;
};

}  // namespace kumo::cli
