// What fuzz_policy.cpp offers beside LLVMFuzzerTestOneInput, for the
// standalone driver (replay_main.cpp): where whole-policy inputs are loaded
// from, and counts of what the inputs did.
#pragma once

#include <cstdint>
#include <string>

namespace kumo::fuzz {

// The first byte of a fuzz_policy input picks its mode.
inline constexpr std::uint8_t k_policy_mode = 0x80;        // 0x80..0xff: a whole policy file
inline constexpr std::uint8_t k_policy_two_queues = 0x01;  // ... evaluated for two queues, not one

// The path whole-policy inputs are loaded as: its directory is where
// require and io.open look. By default a file name in
// testdata/policies/hostile/, so the hostile cases' relative requires work
// whatever input they were mutated into; the driver sets a seed's real path.
void set_policy_path(std::string path);
const std::string& default_policy_path();

struct PolicyStats {
  std::uint64_t generated = 0, raw = 0, policy = 0;  // inputs per mode
  std::uint64_t loaded = 0;                          // loads that succeeded
  std::uint64_t configs = 0;                         // evaluations that produced a config
  std::uint64_t evaluations = 0;
};
const PolicyStats& policy_stats();

}  // namespace kumo::fuzz
