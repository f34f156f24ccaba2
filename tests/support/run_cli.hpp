// Running kumo-lint in-process, as a user would type it.
#pragma once

#include <string>
#include <vector>

namespace kumo::test {

struct CliResult {
  int exit_code = 0;
  std::string out;
  std::string err;
};

// The README's example policy, the usual subject of CLI tests.
inline const std::string k_example_policy = "testdata/examples/policy.lua";

// Runs `kumo-lint <args...>` with `input` as standard input, from the
// source directory (so testdata/ paths are relative, as in the goldens).
CliResult run_cli(const std::vector<std::string>& args, const std::string& input = "");

// The text of a file under the source directory.
std::string read_source_file(const std::string& relative_path);

// The last line of `text`, without its newline.
inline std::string last_line(const std::string& text) {
  auto end = text.find_last_not_of('\n');
  if (end == std::string::npos) {
    return "";
  }
  auto start = text.rfind('\n', end);
  start = start == std::string::npos ? 0 : start + 1;
  return text.substr(start, end - start + 1);
}

}  // namespace kumo::test
