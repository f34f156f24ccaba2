// Everything an evaluation or a load reports, as one comparable text, for
// the tests that run the same policy two ways (counted and unhooked,
// converted and cached) and require the same report.
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "core/lua/host.hpp"

namespace kumo::test {

inline std::string describe(const std::vector<diag::Diagnostic>& diagnostics) {
  std::ostringstream out;
  for (const auto& d : diagnostics) {
    out << d.code << ' ' << d.location.file << ':' << d.location.line << ' ' << d.message << '\n';
  }
  return out.str();
}

inline std::string describe(const lua::Evaluation& ev) {
  std::ostringstream out;
  out << (ev.config ? "config" : "no config")
      << (ev.handler ? " from handler " + std::to_string(ev.handler->index) : "") << '\n'
      << describe(ev.diagnostics);
  for (const auto& line : ev.logs) {
    out << line.level << ' ' << line.location.line << ' ' << line.text << '\n';
  }
  return out.str();
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace kumo::test
