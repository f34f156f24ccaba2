// Golden files: compare an output with a committed file, or (UPDATE_GOLDENS=1)
// write it. A missing required golden fails; an optional one is compared
// only when the file exists (add an empty file to opt a case in).
#pragma once

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/run_cli.hpp"

namespace kumo::test {

// Whether this run writes goldens instead of comparing them.
inline bool updating_goldens() {
  const char* value = std::getenv("UPDATE_GOLDENS");
  return value != nullptr && std::string(value) == "1";
}

enum class Golden { required, optional };

// Compares `actual` with the golden at `expected_relative` (to the source
// directory), or in update mode writes it when it is missing (required ones
// only) or different.
inline void check_golden(const std::filesystem::path& expected_relative, const std::string& actual, Golden kind) {
  const std::filesystem::path expected = std::filesystem::path(KUMO_LINT_SOURCE_DIR) / expected_relative;
  const bool exists = std::filesystem::exists(expected);
  if (!exists && kind == Golden::optional) {
    return;
  }
  if (updating_goldens()) {
    if (!exists || read_source_file(expected_relative.string()) != actual) {
      std::ofstream(expected, std::ios::binary) << actual;
    }
    return;
  }
  if (!exists) {
    FAIL_CHECK("missing golden " << expected_relative.string()
                                 << "; create it with UPDATE_GOLDENS=1 ctest -R golden, then review it");
    return;
  }
  INFO("golden " << expected_relative.string() << " differs; UPDATE_GOLDENS=1 rewrites it");
  CHECK(read_source_file(expected_relative.string()) == actual);
}

// A run as a golden holds it: the command, stdout, stderr and exit code.
inline std::string transcript(const std::vector<std::string>& args, const CliResult& r) {
  std::string command = "$ kumo-lint";
  for (const auto& a : args) {
    command += " " + a;
  }
  return command + "\n" + r.out + "--- stderr\n" + r.err + "--- exit " + std::to_string(r.exit_code) + "\n";
}

// The arguments in a file of one per line (blank lines skipped).
inline std::vector<std::string> args_in_file(const std::filesystem::path& relative) {
  std::vector<std::string> args;
  std::ifstream in(std::filesystem::path(KUMO_LINT_SOURCE_DIR) / relative);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) {
      args.push_back(line);
    }
  }
  return args;
}

}  // namespace kumo::test
