#include "core/diag/diagnostic.hpp"

#include "core/util/text.hpp"

namespace kumo::diag {

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::info: return "info";
  }
  return "error";
}

namespace {

// Copies only the rare text that is too long: every finding passes here.
void cut(std::string& text, std::size_t max_bytes) {
  if (text.size() > max_bytes) {
    text = util::cut_text(text, max_bytes);
  }
}

void cut(std::optional<std::string>& text, std::size_t max_bytes) {
  if (text) {
    cut(*text, max_bytes);
  }
}

}  // namespace

void cut_policy_text(Location& l) { cut(l.file, k_max_name_bytes); }

void cut_policy_text(Diagnostic& d) {
  cut(d.message, k_max_message_bytes);
  cut(d.detail, k_max_message_bytes);
  cut_policy_text(d.location);
  cut(d.queue, k_max_name_bytes);
  cut(d.key, k_max_name_bytes);
}

bool diagnostic_less(const Diagnostic& a, const Diagnostic& b) {
  auto key = [](const Diagnostic& d) {
    return std::tie(d.location.file, d.location.line, d.location.column, d.code, d.message, d.queue, d.key);
  };
  return key(a) < key(b);
}

}  // namespace kumo::diag
