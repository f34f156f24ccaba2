// Running the helpers' data-file checkers on hand-built tables, for the
// queue and sources helper tests.
#pragma once

#include <string>
#include <vector>

#include "core/config/helper_data.hpp"

namespace kumo::test {

// Each finding of config::check_helper_data as "CODE key line: message",
// the line being the key path's depth (so a test shows which path it is at).
inline std::vector<std::string> helper_data_findings(const lua::Value& root, const std::string& file) {
  auto where = [&file](const std::vector<std::string>& path) {
    return diag::Location{file, static_cast<int>(path.size()), 1};
  };
  std::vector<std::string> out;
  for (const auto& d : config::check_helper_data(root, where)) {
    out.push_back(d.code + " " + d.key.value_or("") + " " + std::to_string(d.location.line) + ": " + d.message);
  }
  return out;
}

}  // namespace kumo::test
