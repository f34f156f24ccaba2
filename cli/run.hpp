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

// One option of the command line, as the parser knows it.
struct OptionSpec {
  std::vector<std::string> names;    // "-f", "--format": the short names, then the long ones
  bool takes_value = false;          // false for a flag (--quiet)
  std::vector<std::string> choices;  // the only values it accepts (--format's), or empty: any
};

// The program itself (name empty) or one subcommand, with its options.
struct CommandSpec {
  std::string name;
  std::string description;
  std::vector<OptionSpec> options;
};

// kumo-lint's command line, read from the same parser run() builds: the
// program's own options (--help, --version) first, then each subcommand in
// the command table's order. The man page and the shell completions are
// tested against it, so they cannot name a flag that does not exist or miss
// one that does.
std::vector<CommandSpec> command_line();

// What --version prints: the version, and the KumoMTA commit whose
// behaviour kumo-lint models.
std::string version_text();

}  // namespace kumo::cli
