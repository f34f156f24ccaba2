// libFuzzer target: throttle specs (reference §3). Any input must parse or
// fail without UB; a parsed spec's canonical display must re-parse to the
// same spec, and explaining it must not trip a sanitizer.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/values/throttle.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kumo::values;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = parse_throttle(text);
  if (!parsed) {
    return 0;
  }
  const std::string canonical = format_throttle(*parsed);
  const auto reparsed = parse_throttle(canonical);
  kumo::fuzz::require(reparsed.has_value() && *reparsed == *parsed, "parse_throttle(format_throttle(spec)) == spec",
                      text);
  (void)explain_throttle(*parsed);
  const auto lines = explain_throttle_lines(*parsed);
  kumo::fuzz::require(!lines.empty() && lines.front() == canonical, "explain's first line is the canonical spec", text);
  return 0;
}
