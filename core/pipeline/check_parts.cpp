#include "core/pipeline/check_parts.hpp"

#include <algorithm>
#include <fstream>

namespace kumo::pipeline {

std::string read_source_text(const std::string& resolved) {
  std::string text;
  std::ifstream in(resolved, std::ios::binary);
  char buffer[65536];
  while (text.size() <= k_max_source_bytes && (in.read(buffer, sizeof buffer) || in.gcount() > 0)) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
  }
  return text;
}

void count_findings(report::Summary& s, const std::vector<diag::Diagnostic>& diagnostics) {
  for (const auto& d : diagnostics) {
    if (d.suppressed) {
      ++s.suppressed;
      continue;
    }
    if (d.baselined) {
      ++s.baselined;
      continue;
    }
    switch (d.severity) {
      case diag::Severity::error: ++s.errors; break;
      case diag::Severity::warning: ++s.warnings; break;
      case diag::Severity::info: ++s.infos; break;
    }
  }
}

void sort_unique(std::vector<diag::Diagnostic>& diagnostics) {
  std::sort(diagnostics.begin(), diagnostics.end(), diag::diagnostic_less);
  diagnostics.erase(std::unique(diagnostics.begin(), diagnostics.end()), diagnostics.end());
}

}  // namespace kumo::pipeline
