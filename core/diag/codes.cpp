#include "core/diag/codes.hpp"

namespace kumo::diag {

namespace {

using S = Severity;

constexpr std::array<CodeInfo, static_cast<std::size_t>(Code::count_)> k_codes = {{
    // --- KQ0xx keys and values ---
    // --- KQ1xx references ---
    // --- KQ2xx retry schedule ---
    // --- KQ3xx throttles ---
    // --- KQ9xx loading and running ---
}};

constexpr bool table_in_enum_order() {
  for (std::size_t i = 0; i < k_codes.size(); ++i) {
    if (static_cast<std::size_t>(k_codes[i].id) != i) {
      return false;
    }
  }
  return true;
}
static_assert(table_in_enum_order(), "k_codes rows must follow the Code enum order");

}  // namespace

const std::array<CodeInfo, static_cast<std::size_t>(Code::count_)>& code_table() { return k_codes; }

const CodeInfo& code_info(Code c) { return k_codes[static_cast<std::size_t>(c)]; }

Diagnostic make_diagnostic(Code c, std::string message, Location location) {
  Diagnostic d;
  d.code = std::string(code_info(c).code);
  d.severity = code_info(c).severity;
  d.message = std::move(message);
  d.location = std::move(location);
  return d;
}

}  // namespace kumo::diag
