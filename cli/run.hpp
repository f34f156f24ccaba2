// The whole program behind main(): parse the command line, run a command,
// map every failure to an exit code. The one catch site.
#pragma once

#include <istream>
#include <ostream>
#include <string>
#include <vector>

namespace kumo::cli {

// Runs kumo-lint with `args` (args[0] is the program name); reads standard
// input from `in`, writes the report to `out` and messages to `err`;
// returns the process exit code.
int run(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace kumo::cli
