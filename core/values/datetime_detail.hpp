// Internal to core/values/datetime*.cpp: the proleptic Gregorian calendar
// chrono uses, its range, its English names, and Rust's integer padding.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace kumo::values::detail {

// Rounds toward negative infinity (Rust's div_euclid for b > 0).
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Days since 1970-01-01 of a proleptic Gregorian date (any year).
constexpr std::int64_t days_from_civil(std::int64_t year, std::uint32_t month, std::uint32_t day) {
  // Years counted from March, so the leap day ends each year.
  const std::int64_t y = year - (month <= 2 ? 1 : 0);
  const std::int64_t era = floor_div(y, 400);
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146'097 + doe - 719'468;
}

struct Ymd {
  std::int64_t year = 0;
  std::uint32_t month = 0, day = 0;
};
Ymd civil_from_days(std::int64_t days);

// chrono's NaiveDate range: 262144 BCE (year -262143) to 262142 CE.
inline constexpr std::int32_t k_min_year = -262'143;
inline constexpr std::int32_t k_max_year = 262'142;
inline constexpr std::int64_t k_min_days = days_from_civil(k_min_year, 1, 1);
inline constexpr std::int64_t k_max_days = days_from_civil(k_max_year, 12, 31);
constexpr bool days_in_range(std::int64_t days) { return days >= k_min_days && days <= k_max_days; }

bool is_leap_year(std::int64_t year);
std::uint32_t days_in_month(std::int64_t year, std::uint32_t month);
// NaiveTime's invariant: nanoseconds past 1e9 only on a :59 second.
bool valid_time_of_day(std::uint32_t secs, std::uint32_t frac);

// 1970-01-01 was a Thursday.
constexpr std::uint32_t weekday_from_sunday(std::int64_t days) {
  return static_cast<std::uint32_t>(days + 4 - floor_div(days + 4, 7) * 7);
}
constexpr std::uint32_t weekday_from_monday(std::int64_t days) { return (weekday_from_sunday(days) + 6) % 7; }

inline constexpr std::array<std::string_view, 12> k_short_months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
inline constexpr std::array<std::string_view, 12> k_long_months{"January",   "February", "March",    "April",
                                                                "May",       "June",     "July",     "August",
                                                                "September", "October",  "November", "December"};
inline constexpr std::array<std::string_view, 7> k_short_weekdays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
inline constexpr std::array<std::string_view, 7> k_long_weekdays{"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                                 "Thursday", "Friday", "Saturday"};

// Rust's integer formatting: {v} (none), {v:0w$} (zero: sign first, then
// zeros to `width` characters), {v:w$} (space: right-aligned); with
// `always_sign`, {v:+...}.
enum class Pad { none, zero, space };
std::string rust_integer(std::int64_t v, std::size_t width, Pad pad, bool always_sign);

// Two digits of v < 100.
void append_two_digits(std::string& out, std::uint32_t v);
// NaiveDate's Display: "2026-01-01", or "+10000-01-01" / "-0001-12-31".
std::string date_text(std::int64_t days);
// NaiveTime's Display: "00:00:00", a leap second as :60, then the
// fraction's significant groups of three digits (".5" is ".500").
std::string time_text(std::uint32_t secs, std::uint32_t frac);
std::string fraction_text(std::uint32_t nanos);

}  // namespace kumo::values::detail
