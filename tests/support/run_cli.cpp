#include "tests/support/run_cli.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/run.hpp"

namespace kumo::test {

CliResult run_cli(const std::vector<std::string>& args, const std::string& input) {
  std::filesystem::current_path(KUMO_LINT_SOURCE_DIR);
  std::vector<std::string> argv = {"kumo-lint"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::istringstream in(input);
  std::ostringstream out;
  std::ostringstream err;
  CliResult r;
  r.exit_code = cli::run(argv, in, out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

std::string read_source_file(const std::string& relative_path) {
  std::ifstream in(std::filesystem::path(KUMO_LINT_SOURCE_DIR) / relative_path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace kumo::test
