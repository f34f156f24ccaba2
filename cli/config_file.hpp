// .kumo-lint.toml: a project's check settings in one file, so that CI and
// every developer run the same check. docs/usage.md, "Config file".
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kumo::cli {

inline constexpr const char* k_config_file_name = ".kumo-lint.toml";

// What the file sets; unset keys are empty. Paths are already relative to
// the working directory (the file writes them relative to itself).
struct ConfigFile {
  std::string path;
  std::optional<std::vector<std::string>> select, ignore, queues, lua_path, allow_read, map_path, env;
  std::optional<std::string> fail_level, queues_file, dns;
  std::optional<std::uint64_t> max_instructions, max_memory, max_samples, jobs;
  std::optional<double> timeout;
  std::optional<double> run_timeout;
  std::map<std::string, std::string> severity;  // "KQ203" → "error" | "warning" | "info" | "off"
};

// The .kumo-lint.toml that applies to a policy: in its directory or the
// nearest parent, stopping after the first directory that holds `.git`
// (the repository root) or at the filesystem root.
std::optional<std::string> find_config_file(const std::string& policy_path);

// Reads and checks a config file; throws UsageError "FILE:LINE: ..." for a
// TOML error, an unknown key (with a did-you-mean) or a bad value.
ConfigFile read_config_file(const std::string& path);

}  // namespace kumo::cli
