// `kumo-lint explain`: what a value written in one of KumoMTA's small
// languages is, and what it means. Computation only; render_explain.hpp
// turns the result into text or JSON.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/values/duration.hpp"
#include "core/values/queue_name.hpp"
#include "core/values/throttle.hpp"
#include "core/values/value_error.hpp"

namespace kumo::explain {

enum class ValueKind { duration, throttle, queue_name };

struct KindInfo {
  ValueKind id;
  std::string_view name;   // as JSON spells it: "duration", "throttle", "queue_name"
  std::string_view label;  // as text spells it: "duration", "throttle spec", "queue name"
};

struct DurationFacts {
  values::Duration duration;
  std::string canonical;         // format_humantime
  bool integer_seconds = false;  // written as a bare number of seconds, not humantime
};

struct ThrottleFacts {
  values::ThrottleSpec spec;
  std::string canonical;  // format_throttle
  values::ThrottleExplanation explanation;
  std::vector<std::string> kumo_explain;          // explain_throttle_lines, byte for byte; empty if it panics
  std::optional<std::string> kumo_explain_panic;  // Rust's panic message where kumod's explain panics
};

// One argument, explained. Exactly one of the facts is set when the value
// is valid; none when `error` is set.
struct Explanation {
  std::string input;
  ValueKind kind = ValueKind::duration;
  std::optional<DurationFacts> duration;
  std::optional<ThrottleFacts> throttle;
  std::optional<values::QueueName> queue_name;
  std::optional<values::ValueError> error;

  bool valid() const { return !error.has_value(); }
};

// --- Interface ---

// Every kind, declared once (names for JSON and text).
const std::vector<KindInfo>& kinds();
const KindInfo& kind_info(ValueKind kind);

// What `input` most likely is. The first rule that matches wins:
//   1. contains '/'                                   -> throttle
//   2. contains '@', '!' or ':'                       -> queue_name
//   3. one or more ASCII digits only                  -> duration (seconds)
//   4. looks like a domain: dot-separated labels of
//      letters, digits and '-', the last all letters  -> queue_name
//   5. parses as humantime                            -> duration
//   6. empty, contains whitespace, or starts with a
//      digit, '.', '+' or '-'                         -> duration
//   7. anything else (e.g. "localhost")               -> queue_name
ValueKind classify(std::string_view input);

// Classifies `input` and computes what it means in that kind. An invalid
// value carries the parser's error (message, kumod's text, position).
Explanation explain_value(std::string_view input);

// explain_value for each input, in order.
std::vector<Explanation> explain_values(const std::vector<std::string>& inputs);

}  // namespace kumo::explain
