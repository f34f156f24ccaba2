// The [check] keys of .kumo-lint.toml, for another TOML file that takes
// them too (an expectation file's policy settings). Includes toml++: only
// for files compiled with kumo_lint_use_tomlpp (cli/CMakeLists.txt).
#pragma once

#include <toml++/toml.h>

#include <filesystem>
#include <string_view>
#include <vector>

#include "cli/config_file.hpp"

namespace kumo::cli {

struct CheckKeyFilter {
  std::vector<std::string_view> only;  // the [check] keys taken; empty: every one
  std::vector<std::string_view> also;  // keys of the table read by the caller, skipped here
  std::string_view where;              // "in [check]": ends the unknown-key error
};

// Reads the [check] keys of `t` into `c` (paths relative to `dir`); throws
// UsageError "FILE:LINE: ..." (FILE is c.path) for an unknown key, with a
// did-you-mean, or a bad value.
void read_check_keys(ConfigFile& c, const toml::table& t, const std::filesystem::path& dir,
                     const CheckKeyFilter& filter);

}  // namespace kumo::cli
