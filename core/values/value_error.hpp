// Why a value written in one of KumoMTA's small languages (durations,
// throttle specs, mx_list addresses) was rejected.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace kumo::values {

struct ValueError {
  // kumo-lint's explanation: names the offending text and position, and the
  // fix where one is known. Lowercase, no trailing period.
  // e.g. `unknown unit "minuts" at 3; did you mean "minutes"?`
  std::string message;
  // The text KumoMTA itself produces for the same input (what kumod logs), so
  // users can match our diagnostic to theirs. Empty when KumoMTA accepts it.
  std::string kumo_message;
  // Byte offset into the input where the problem starts, when meaningful.
  std::optional<std::size_t> position;
  // True when KumoMTA would not reject the value but panic on it (kumod dies).
  bool crashes_kumod = false;
};

}  // namespace kumo::values
