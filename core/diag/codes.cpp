#include "core/diag/codes.hpp"

namespace kumo::diag {

namespace {

using S = Severity;

constexpr std::array<CodeInfo, static_cast<std::size_t>(Code::count_)> k_codes = {{
    // --- KQ0xx keys and values ---
    // --- KQ1xx references ---
    // --- KQ2xx retry schedule ---
    {Code::retry_never_retried, "KQ201", S::warning,
     "the first retry would exceed max_age: a failed message is never retried"},
    {Code::retry_fixed_interval, "KQ202", S::info,
     "max_retry_interval is below retry_interval: every retry waits max_retry_interval"},
    {Code::retry_lifetime_unused, "KQ203", S::warning,
     "retry doubling expires messages long before max_age: most of max_age is unused"},
    {Code::retry_cap_within_jitter, "KQ204", S::warning,
     "max_retry_interval is within the retry jitter: some retries are immediate"},
    {Code::retry_too_many_attempts, "KQ205", S::warning,
     "more than 10000 delivery attempts per message before expiry"},
    {Code::retry_zero_delay, "KQ206", S::error,
     "retry delay truncates to 0s: kumod retries without pause and hangs at spool-in"},
    {Code::retry_zero_max_age, "KQ207", S::warning,
     "max_age is 0s: every message expires at its first transient failure"},
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
