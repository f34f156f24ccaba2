// libFuzzer target: queue names (reference §7.1). parse_queue_name never
// fails, so every input is valid: formatting the parts must give the input
// back, and parsing that again must give the same parts.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/values/queue_name.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kumo::values;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const QueueName parsed = parse_queue_name(text);
  const std::string formatted = format_queue_name(parsed);
  kumo::fuzz::require(formatted == text, "format_queue_name(parse_queue_name(s)) == s", text);
  kumo::fuzz::require(parse_queue_name(formatted) == parsed, "parse_queue_name(format_queue_name(q)) == q", text);
  return 0;
}
