// Durations as kumod's config fields read them (duration-serde, §2.1): a Lua
// integer or float is seconds, a string is humantime (duration_parse.cpp).
// Each error carries the serde message or the panic kumod gives for it.
#include "core/values/duration.hpp"

#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <limits>

#include "core/util/text.hpp"
#include "core/values/duration_detail.hpp"

namespace kumo::values::duration_detail {

namespace {

// Lua-like rendering of a float for messages: shortest round-trip digits.
std::string describe_float(double value) {
  if (std::isnan(value)) {
    return "nan (e.g. 0/0)";
  }
  if (std::isinf(value)) {
    return value > 0 ? "inf (math.huge)" : "-inf (-math.huge)";
  }
  std::array<char, 64> buffer{};
  auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  (void)ec;
  return std::string(buffer.data(), end);
}

// Rust's Duration::try_from_secs_f64 for a finite, non-negative value below
// 2^64: the exact binary value, rounded to the nearest nanosecond with ties
// to even (the behaviour of Rust's std since the float conversions were
// rewritten; earlier releases truncated).
Duration round_float_seconds(double value) {
  const auto bits = std::bit_cast<std::uint64_t>(value);
  const int biased_exponent = static_cast<int>((bits >> 52) & 0x7FF);
  if (biased_exponent == 0) {
    return Duration{};  // zero or subnormal: far below half a nanosecond
  }
  const std::uint64_t mantissa = (bits & ((std::uint64_t{1} << 52) - 1)) | (std::uint64_t{1} << 52);
  const int exponent = biased_exponent - 1075;  // value = mantissa * 2^exponent
  if (exponent >= 0) {
    return Duration{mantissa << exponent, 0};
  }
  const int shift = -exponent;
  if (shift > 52 + 32) {
    return Duration{};  // below 2^-32 s, less than half a nanosecond
  }
  const u128 full = mantissa;
  const auto seconds = static_cast<std::uint64_t>(full >> shift);
  const u128 fraction_mask = (u128{1} << shift) - 1;
  const u128 scaled = (full & fraction_mask) * k_nanos_per_second;
  auto nanos = static_cast<std::uint64_t>(scaled >> shift);
  const u128 remainder = scaled & fraction_mask;
  const u128 half = u128{1} << (shift - 1);
  if (remainder > half || (remainder == half && (nanos & 1) == 1)) {
    ++nanos;
  }
  if (nanos == k_nanos_per_second) {
    return Duration{seconds + 1, 0};
  }
  return Duration{seconds, static_cast<std::uint32_t>(nanos)};
}

ValueError float_panic(std::string message, std::string kumo_message) {
  ValueError error;
  error.message = std::move(message);
  error.kumo_message = std::move(kumo_message);
  error.crashes_kumod = true;
  return error;
}

constexpr std::string_view k_panic_negative = "cannot convert float seconds to Duration: value is negative";
constexpr std::string_view k_panic_too_big = "cannot convert float seconds to Duration: value is either too big or NaN";

}  // namespace

}  // namespace kumo::values::duration_detail

namespace kumo::values {

util::Expected<Duration, ValueError> duration_from_integer(std::int64_t seconds) {
  if (seconds < 0) {
    ValueError error;
    error.message = std::to_string(seconds) + " is a negative duration; use a non-negative number of seconds, e.g. " +
                    (seconds == std::numeric_limits<std::int64_t>::min() ? std::string("0") : std::to_string(-seconds));
    error.kumo_message =
        "duration must either be a string or a positive integer specifying the number of "
        "seconds. (error: out of range integral type conversion attempted)";
    return util::unexpected(std::move(error));
  }
  return Duration{static_cast<std::uint64_t>(seconds), 0};
}

util::Expected<Duration, ValueError> duration_from_float(double seconds) {
  // Same order of checks as Rust: `secs < 0.0` first (so -0.0 is accepted
  // and -inf is "negative"), then anything at or past 2^64, NaN included.
  if (seconds < 0.0) {
    return util::unexpected(duration_detail::float_panic(
        duration_detail::describe_float(seconds) +
            " is a negative duration: kumod panics on negative float durations (the process dies); "
            "use a non-negative number of seconds",
        std::string(duration_detail::k_panic_negative)));
  }
  if (std::isnan(seconds)) {
    return util::unexpected(
        duration_detail::float_panic(duration_detail::describe_float(seconds) +
                                         " is not a number: kumod panics on NaN float durations (the process dies); "
                                         "use a non-negative number of seconds",
                                     std::string(duration_detail::k_panic_too_big)));
  }
  constexpr double k_two_to_64 = 18446744073709551616.0;
  if (seconds >= k_two_to_64) {
    return util::unexpected(duration_detail::float_panic(
        duration_detail::describe_float(seconds) +
            " is too large: kumod panics on float durations of 2^64 seconds (about 1.8e19) or more "
            "(the process dies); use a smaller number of seconds",
        std::string(duration_detail::k_panic_too_big)));
  }
  return duration_detail::round_float_seconds(seconds);
}

util::Expected<Duration, ValueError> duration_from_string(std::string_view text) {
  if (!util::is_valid_utf8(text)) {
    // mlua hands serde a byte array, which the duration visitor rejects.
    auto parsed = duration_detail::parse_exact(text);
    ValueError error;
    error.message = parsed ? duration_detail::quote(text) + ": not valid UTF-8, so KumoMTA reads it as bytes"
                           : duration_detail::to_value_error(text, parsed.error()).message;
    error.kumo_message = "invalid type: byte array, expected a duration";
    for (std::size_t offset = 0; offset < text.size();) {
      const util::Utf8Char c = util::decode_char(text, offset);
      if (!c.valid) {
        error.position = offset;
        break;
      }
      offset += c.length;
    }
    return util::unexpected(std::move(error));
  }
  auto parsed = parse_humantime(text);
  if (!parsed) {
    ValueError error = std::move(parsed.error());
    if (!error.crashes_kumod) {
      // serde discards humantime's detail; a panic is logged as is.
      error.kumo_message = "invalid value: string " + util::rust_debug_quote(text) + ", expected a duration";
    }
    return util::unexpected(std::move(error));
  }
  return parsed.value();
}

}  // namespace kumo::values
