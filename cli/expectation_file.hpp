// An expectation file for `kumo-lint test`: a TOML file naming a policy,
// the settings it runs with, and [[expect]] blocks that say what it must do
// for a queue (docs/usage.md, "test").
#pragma once

#include <string>
#include <vector>

#include "cli/config_file.hpp"
#include "core/pipeline/expectations.hpp"

namespace kumo::cli {

struct ExpectationFile {
  std::string path;
  std::string policy;  // as the working directory names it (the file writes it relative to itself)
  int policy_line = 0;
  ConfigFile settings;                      // the [check] settings it gives (lua-path, env, ...)
  std::vector<std::string> settings_given;  // their flags: "--lua-path"
  std::vector<pipeline::Expectation> expectations;
};

// Reads and checks an expectation file; throws UsageError "FILE:LINE: ..."
// for a TOML error, an unknown key (with a did-you-mean), a bad value or a
// malformed queue name.
ExpectationFile read_expectation_file(const std::string& path);

}  // namespace kumo::cli
