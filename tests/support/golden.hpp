// Golden files for end-to-end tests: a command's transcript compared with a
// committed file, rewritten instead under UPDATE_GOLDENS=1.
#pragma once

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/run_cli.hpp"

namespace kumo::test {

// "$ kumo-lint ARGS", standard output, "--- stderr", standard error, "--- exit N".
inline std::string golden_transcript(const std::vector<std::string>& args, const CliResult& r) {
  std::string command = "$ kumo-lint";
  for (const auto& a : args) {
    command += " " + a;
  }
  return command + "\n" + r.out + "--- stderr\n" + r.err + "--- exit " + std::to_string(r.exit_code) + "\n";
}

inline bool update_goldens_requested() {
  const char* value = std::getenv("UPDATE_GOLDENS");
  return value != nullptr && std::string(value) == "1";
}

// Compares `actual` with the golden at `relative` (under the source
// directory); a missing golden fails. Update mode writes it instead when it
// is missing or different.
inline void compare_with_golden(const std::filesystem::path& relative, const std::string& actual) {
  const std::filesystem::path expected = std::filesystem::path(KUMO_LINT_SOURCE_DIR) / relative;
  const bool exists = std::filesystem::exists(expected);
  if (update_goldens_requested()) {
    if (!exists || read_source_file(relative.string()) != actual) {
      std::ofstream(expected, std::ios::binary) << actual;
    }
    return;
  }
  if (!exists) {
    FAIL_CHECK("missing golden " << relative.string() << "; create it with UPDATE_GOLDENS=1, then review it");
    return;
  }
  INFO("golden " << relative.string() << " differs; UPDATE_GOLDENS=1 rewrites it");
  CHECK(read_source_file(relative.string()) == actual);
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
