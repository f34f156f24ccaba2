// Durations exactly as KumoMTA reads and writes them (reference §2):
// duration-serde over humantime 2.4.0.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/util/expected.hpp"
#include "core/values/value_error.hpp"

namespace kumo::values {

// A non-negative span, like Rust's std::time::Duration.
struct Duration {
  std::uint64_t seconds = 0;
  std::uint32_t nanos = 0;  // always < 1'000'000'000

  friend bool operator==(const Duration&, const Duration&) = default;
  friend auto operator<=>(const Duration&, const Duration&) = default;
};

// --- Interface ---

// Parses `text` with humantime's exact grammar (§2.2): unit spellings and
// case, juxtaposed spans, whitespace rules, exact fractions, overflow, the
// bare "0". On failure `kumo_message` holds humantime's own error text and
// `position` the byte offset of the culprit (which can differ from the
// offset humantime prints: for "1..s" humantime says 1, the culprit is at 2).
// The few inputs on which humantime panics instead, e.g.
// "18446744073709551615s 1000ms", set crashes_kumod, with the panic text as
// kumo_message.
util::Expected<Duration, ValueError> parse_humantime(std::string_view text);

// Formats like humantime's format_duration (§2.4): "0s", "7days", "1h 30m",
// "11months 30days 3h 50m 24s", "4s 200ms". Always re-parses to `d`.
std::string format_humantime(Duration d);

// Config-field conversions (duration-serde, §2.1). Each error's
// `kumo_message` is the serde message kumod reports for that input.
// A Lua integer: seconds; negative is an error.
util::Expected<Duration, ValueError> duration_from_integer(std::int64_t seconds);
// A Lua float: seconds to the nanosecond, converted like Rust's
// Duration::from_secs_f64 (current Rust: nearest nanosecond, ties to even;
// -0.0 gives 0). Negative, NaN, infinite or >= 2^64 floats make kumod
// panic: the error has crashes_kumod = true and Rust's panic text as
// kumo_message.
util::Expected<Duration, ValueError> duration_from_float(double seconds);
// A Lua string: humantime; the kumo_message is
// `invalid value: string "<text>", expected a duration` (quoted as Rust's
// Debug quotes), or `invalid type: byte array, expected a duration` when the
// text is not UTF-8 (mlua then passes bytes). `message` is parse_humantime's;
// a humantime panic keeps its panic text.
util::Expected<Duration, ValueError> duration_from_string(std::string_view text);

// humantime's error variants, split the way its Display text splits them
// (UnknownUnit with an empty unit prints "time unit needed"), plus `panics`
// for the inputs on which humantime itself panics inside Duration::new
// (a total of exactly 2^64 seconds reached by a nanosecond carry).
enum class HumantimeErrorKind {
  empty,
  number_expected,
  unit_needed,
  unknown_unit,
  invalid_character,
  number_overflow,
  panics,
};

// Which humantime error `text` produces; nullopt when it parses.
std::optional<HumantimeErrorKind> humantime_error_kind(std::string_view text);

// `text` as Rust's `{:?}` prints a str, quotes included: how serde and
// thiserror messages show a string value.
std::string rust_debug_str(std::string_view text);

}  // namespace kumo::values
