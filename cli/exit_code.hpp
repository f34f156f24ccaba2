// The exit-code contract, the same for every output format (docs/usage.md).
#pragma once

namespace kumo::cli {

enum class ExitCode : int {
  ok = 0,            // ran; no finding at or above the fail level
  findings = 1,      // ran; findings at or above the fail level
  usage = 2,         // bad command line, or an input file that cannot be read
  policy_error = 3,  // the policy could not be loaded (syntax error, error at top level)
  internal = 4,      // a bug in kumo-lint
};

inline int to_int(ExitCode c) { return static_cast<int>(c); }

}  // namespace kumo::cli
