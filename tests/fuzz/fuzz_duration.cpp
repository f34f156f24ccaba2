// libFuzzer target: humantime durations (reference §2). Any input must parse
// or fail without UB, agree with humantime_error_kind, and a parsed duration
// must survive format_humantime -> parse_humantime unchanged.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/values/duration.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kumo::values;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = parse_humantime(text);
  kumo::fuzz::require(parsed.has_value() == !humantime_error_kind(text).has_value(),
                      "parse_humantime and humantime_error_kind agree", text);
  (void)duration_from_string(text);
  if (!parsed) {
    return 0;
  }
  const std::string formatted = format_humantime(*parsed);
  const auto reparsed = parse_humantime(formatted);
  kumo::fuzz::require(reparsed.has_value() && *reparsed == *parsed, "parse_humantime(format_humantime(d)) == d", text);
  return 0;
}
