// What every fuzz target does when a property fails: print the input and the
// broken property, then abort so libFuzzer saves the crashing input.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace kumo::fuzz {

inline void require(bool ok, const char* property, std::string_view input) {
  if (ok) {
    return;
  }
  std::fprintf(stderr, "property failed: %s\ninput: \"%.*s\"\n", property, static_cast<int>(input.size()),
               input.data());
  std::abort();
}

}  // namespace kumo::fuzz
