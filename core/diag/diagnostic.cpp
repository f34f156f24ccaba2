#include "core/diag/diagnostic.hpp"

namespace kumo::diag {

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::error:
      return "error";
    case Severity::warning:
      return "warning";
    case Severity::info:
      return "info";
  }
  return "error";
}

bool diagnostic_less(const Diagnostic& a, const Diagnostic& b) {
  auto key = [](const Diagnostic& d) {
    return std::tie(d.location.file, d.location.line, d.location.column, d.code, d.message,
                    d.queue, d.key);
  };
  return key(a) < key(b);
}

}  // namespace kumo::diag
