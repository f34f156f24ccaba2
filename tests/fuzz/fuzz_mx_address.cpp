// libFuzzer target: mx_list entries (reference §5.1). Both classify_mx_name
// and parse_mx_addr must handle any bytes without UB, and the canonical addr
// parse_mx_addr returns must re-parse to itself.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/values/mx_address.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kumo::values;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const MxName name = classify_mx_name(text);
  kumo::fuzz::require(name.kind != MxNameKind::bad_literal || !name.problem.empty(), "a bad literal says what is wrong",
                      text);
  const auto addr = parse_mx_addr(text);
  if (!addr) {
    return 0;
  }
  const auto reparsed = parse_mx_addr(*addr);
  kumo::fuzz::require(reparsed.has_value() && *reparsed == *addr, "parse_mx_addr(canonical) == canonical", text);
  return 0;
}
