// Times as kumod's kumo.time module keeps them: chrono 0.4.45's
// DateTime<Utc> and TimeDelta, chrono's output formats and strftime syntax,
// and its RFC 3339 and RFC 2822 parsers (the latter behind mailparsing's
// fallback for alphabetic zones). Pure arithmetic: nothing here reads a clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/util/expected.hpp"
#include "core/values/duration.hpp"

namespace kumo::values {

// chrono::TimeDelta: a signed span kept as whole seconds, rounded down, and
// nanoseconds in [0, 1e9). Its magnitude never exceeds i64::MAX milliseconds.
struct TimeDelta {
  std::int64_t secs = 0;
  std::int32_t nanos = 0;

  // TimeDelta::new: nullopt past the bounds or for nanos >= 1e9.
  static std::optional<TimeDelta> make(std::int64_t secs, std::uint32_t nanos);
  // TimeDelta::try_seconds.
  static std::optional<TimeDelta> from_seconds(std::int64_t seconds);
  // TimeDelta::from_std: nullopt when `d` is past the bound.
  static std::optional<TimeDelta> from_duration(const Duration& d);
  // to_std: nullopt when negative.
  std::optional<Duration> to_duration() const;

  double as_seconds() const;                         // as_seconds_f64
  std::int64_t milliseconds() const;                 // num_milliseconds
  std::optional<std::int64_t> microseconds() const;  // num_microseconds (nullopt: overflow)
  std::optional<std::int64_t> nanoseconds() const;   // num_nanoseconds (nullopt: overflow)

  friend bool operator==(const TimeDelta&, const TimeDelta&) = default;
};

// checked_add / checked_sub: nullopt past the bounds.
std::optional<TimeDelta> checked_add(const TimeDelta& a, const TimeDelta& b);
std::optional<TimeDelta> checked_sub(const TimeDelta& a, const TimeDelta& b);

// chrono's OutOfRangeError text (from_std, to_std).
inline constexpr std::string_view k_delta_out_of_range = "Source duration value is out of range for the target type";

// chrono::DateTime<Utc>: a day, the second of that day and its nanoseconds.
// Inside a leap second chrono stays on second :59 with `frac` >= 1e9.
struct UtcTime {
  std::int64_t days = 0;   // since 1970-01-01; chrono's range is years -262143..=262142
  std::uint32_t secs = 0;  // 0..=86399
  std::uint32_t frac = 0;  // 0..=1'999'999'999

  friend bool operator==(const UtcTime&, const UtcTime&) = default;
};

// DateTime::from_timestamp: nullopt out of range (or nanos >= 1e9 outside
// a :59 second).
std::optional<UtcTime> from_timestamp(std::int64_t seconds, std::uint32_t nanos);
// Utc.with_ymd_and_hms: nullopt for a date or time that does not exist.
std::optional<UtcTime> from_ymd_hms(std::int32_t year, std::uint32_t month, std::uint32_t day, std::uint32_t hour,
                                    std::uint32_t minute, std::uint32_t second);

// The calendar fields chrono's Datelike/Timelike answer (second is 59
// inside a leap second).
struct CivilTime {
  std::int32_t year = 0;
  std::uint32_t month = 0, day = 0, hour = 0, minute = 0, second = 0;
};
CivilTime civil(const UtcTime& t);

std::int64_t unix_timestamp(const UtcTime& t);         // timestamp()
std::int64_t unix_timestamp_millis(const UtcTime& t);  // timestamp_millis()

// Display: "2026-01-01 00:00:00 UTC", fractions as .500, .500123 or
// .500123456; years outside 0..=9999 signed ("+10000-01-01 ...").
std::string display_utc(const UtcTime& t);
// to_rfc3339: "2026-01-01T00:00:00+00:00".
std::string to_rfc3339(const UtcTime& t);
// to_rfc2822: "Thu, 1 Jan 2026 00:00:00 +0000"; nullopt for a year
// outside 0..=9999, on which chrono panics.
std::optional<std::string> to_rfc2822(const UtcTime& t);

// signed_duration_since: `later - earlier`, exact (never out of range).
TimeDelta time_since(const UtcTime& later, const UtcTime& earlier);
// checked_add_signed / checked_sub_signed: nullopt past chrono's range.
std::optional<UtcTime> checked_add(const UtcTime& t, const TimeDelta& d);
std::optional<UtcTime> checked_sub(const UtcTime& t, const TimeDelta& d);

// DateTime::parse_from_rfc3339, as UTC. The error is chrono's ParseError
// text, e.g. "input contains invalid characters".
util::Expected<UtcTime, std::string> parse_rfc3339(std::string_view text);
// mailparsing's parse_rfc2822_date, as UTC: chrono's parse_from_rfc2822,
// retried once with a trailing alphabetic zone replaced by its offset (or
// -0000 when unknown); the error is the first attempt's.
util::Expected<UtcTime, std::string> parse_rfc2822(std::string_view text);

// Where formatted text goes (the Lua side builds it in Lua's own memory).
class FormatSink {
 public:
  virtual void append(std::string_view text) = 0;

 protected:
  ~FormatSink() = default;
};

// Formats `t` with chrono's lenient strftime (StrftimeItems::new_lenient):
// every specifier chrono formats, with its padding modifiers; a malformed
// specifier is copied as it is. Returns nullopt, or the specifier chrono
// parses but cannot format ("%#z", on which kumod panics); `out` then holds
// the text before it.
std::optional<std::string> format_strftime(const UtcTime& t, std::string_view format, FormatSink& out);

}  // namespace kumo::values
