// What an inline policy printed while loading (each print's fields joined
// by tabs), then its load findings as "CODE: message": the compact view the
// tests of kumo's functions compare against.
#pragma once

#include <string>
#include <vector>

#include "core/lua/host.hpp"

namespace kumo::test {

inline std::vector<std::string> printed(const std::string& body, lua::HostOptions options = {}) {
  lua::PolicyHost host{std::move(options)};
  auto result = host.load(KUMO_LINT_SOURCE_DIR "/testdata/inline.lua", "local kumo = require 'kumo'\n" + body);
  std::vector<std::string> lines;
  for (const auto& l : result.logs) {
    lines.push_back(l.text);
  }
  for (const auto& d : result.diagnostics) {
    lines.push_back(d.code + ": " + d.message);
  }
  return lines;
}

}  // namespace kumo::test
