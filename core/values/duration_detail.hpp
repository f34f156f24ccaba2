// Internal to core/values/duration*.cpp: humantime's units and the record of
// a failed parse, which the parser (duration_parse.cpp) fills in and the
// explanations (duration_explain.cpp) read. Its own namespace, not
// datetime's `detail`: these names must not meet datetime's in a unity build.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "core/util/expected.hpp"
#include "core/util/utf8.hpp"
#include "core/values/duration.hpp"

namespace kumo::values::duration_detail {

// 128-bit products keep exact arithmetic for messages and float rounding.
__extension__ typedef unsigned __int128 u128;

inline constexpr std::uint64_t k_u64_max = std::numeric_limits<std::uint64_t>::max();
inline constexpr std::uint64_t k_nanos_per_second = 1'000'000'000;
inline constexpr std::uint64_t k_seconds_per_year = 31'557'600;  // 365.25 days
inline constexpr std::uint64_t k_seconds_per_month = 2'630'016;  // 30.44 days

// ---------------------------------------------------------------------------
// Characters

// Bytes that are not UTF-8 decode one at a time, invalid: never whitespace,
// digits or letters, and each is shown as one \xNN.
using CodePoint = util::Utf8Char;

inline bool is_digit(const CodePoint& c) { return c.valid && c.value >= U'0' && c.value <= U'9'; }

// The characters humantime treats as unit letters: ASCII letters and the
// micro sign U+00B5 (not the Greek mu U+03BC).
inline bool is_unit_letter(const CodePoint& c) {
  if (!c.valid) {
    return false;
  }
  const char32_t v = c.value;
  return (v >= U'a' && v <= U'z') || (v >= U'A' && v <= U'Z') || v == 0xB5;
}

inline std::string_view trim_ascii(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

// `text` quoted for our messages: util::quoted, with bytes that are not
// UTF-8 shown as \xNN so the message itself stays valid UTF-8.
std::string quote(std::string_view text);

// ---------------------------------------------------------------------------
// Units

enum class Unit { nanosecond, microsecond, millisecond, second, minute, hour, day, week, month, year };

struct UnitSpelling {
  std::string_view spelling;
  Unit unit;
};

// Every spelling humantime accepts, case-sensitive. Within a unit the longer
// forms come first, so that "did you mean" ties (closest_match keeps the
// earlier candidate) favour the word people usually meant: "minuts" ->
// "minutes", not "minute".
inline constexpr std::array<UnitSpelling, 40> k_unit_spellings{{
    {"seconds", Unit::second},
    {"second", Unit::second},
    {"secs", Unit::second},
    {"sec", Unit::second},
    {"s", Unit::second},
    {"minutes", Unit::minute},
    {"minute", Unit::minute},
    {"mins", Unit::minute},
    {"min", Unit::minute},
    {"m", Unit::minute},
    {"hours", Unit::hour},
    {"hour", Unit::hour},
    {"hrs", Unit::hour},
    {"hr", Unit::hour},
    {"h", Unit::hour},
    {"days", Unit::day},
    {"day", Unit::day},
    {"d", Unit::day},
    {"weeks", Unit::week},
    {"week", Unit::week},
    {"wks", Unit::week},
    {"wk", Unit::week},
    {"w", Unit::week},
    {"months", Unit::month},
    {"month", Unit::month},
    {"M", Unit::month},
    {"years", Unit::year},
    {"year", Unit::year},
    {"yrs", Unit::year},
    {"yr", Unit::year},
    {"y", Unit::year},
    {"millis", Unit::millisecond},
    {"msec", Unit::millisecond},
    {"ms", Unit::millisecond},
    {"usec", Unit::microsecond},
    {"us", Unit::microsecond},
    {"\xC2\xB5s", Unit::microsecond},
    {"nanos", Unit::nanosecond},
    {"nsec", Unit::nanosecond},
    {"ns", Unit::nanosecond},
}};

// Nanoseconds per unit for the units whose fractions humantime keeps to the
// nanosecond (us, ms, s, min); 0 for the others.
std::uint64_t nanos_per_unit(Unit unit);
// Seconds per unit for the units whose fractions humantime keeps to the
// second (h, d, w, M, y); also the integer multiplier for s and min; 0 for
// the others.
std::uint64_t seconds_per_unit(Unit unit);

// ---------------------------------------------------------------------------
// Parse failures: humantime's error plus what we learned about the cause.

enum class OverflowCause {
  integer_too_large,       // the digits exceed u64
  too_many_decimals,       // more than 19 fractional digits
  fraction_of_nanosecond,  // any fraction on ns
  inexact_nanoseconds,     // us/ms/s/min fraction is not whole nanoseconds
  inexact_seconds,         // h/d/w/M/y fraction is not whole seconds
  fraction_too_precise,    // numerator x unit overflows before the division
  span_too_large,          // number x unit overflows u64 (seconds or nanos)
  total_too_large,         // the running sum overflows u64 seconds
};

struct Failure {
  HumantimeErrorKind kind = HumantimeErrorKind::empty;
  // The offset humantime reports (InvalidCharacter, NumberExpected) or the
  // unit's start (UnknownUnit).
  std::size_t humantime_offset = 0;
  // The character that is actually at fault (may differ from humantime's
  // offset, e.g. "1..s" is reported at 1 but the second "." is at 2).
  std::size_t culprit_offset = 0;
  // InvalidCharacter because a "." (at culprit_offset) has no digits after it.
  bool dangling_point = false;
  // UnknownUnit / unit needed: the unit text and humantime's `value` (the
  // integer part only).
  std::string unit;
  std::uint64_t value = 0;
  // The span being parsed: its number starts at span_start, its unit ends
  // at span_end; number_text is the number as written.
  std::size_t span_start = 0;
  std::size_t span_end = 0;
  std::string_view number_text;
  OverflowCause overflow = OverflowCause::integer_too_large;
  std::optional<Unit> span_unit;
  std::uint64_t integer_part = 0;
  std::uint64_t numerator = 0;
  std::uint64_t denominator = 1;
};

// humantime's parse_duration, step for step; the failure says why.
util::Expected<Duration, Failure> parse_exact(std::string_view text);

// The ValueError of a failed parse of `text`: our explanation as `message`,
// humantime's Display text as `kumo_message`, the culprit's position.
ValueError to_value_error(std::string_view text, const Failure& f);

}  // namespace kumo::values::duration_detail
