// chrono's DateTime<Utc> and TimeDelta arithmetic and output formats
// (chrono 0.4.45: time_delta.rs, naive/time, naive/datetime,
// format/formatting.rs), rewritten from their documented and observed
// behaviour. strftime is in datetime_strftime.cpp, the parsers in
// datetime_parse.cpp.
#include "core/values/datetime.hpp"

#include <array>
#include <limits>

#include "core/values/datetime_detail.hpp"

namespace kumo::values {

namespace {

constexpr std::int64_t k_nanos = 1'000'000'000;
constexpr std::int64_t k_i64_max = std::numeric_limits<std::int64_t>::max();
// TimeDelta's bounds: ±i64::MAX milliseconds.
constexpr std::int64_t k_max_delta_secs = k_i64_max / 1000;
constexpr std::int64_t k_max_delta_nanos = (k_i64_max % 1000) * 1'000'000;
constexpr std::int64_t k_min_delta_secs = -k_i64_max / 1000 - 1;
constexpr std::int64_t k_min_delta_nanos = k_nanos + (-k_i64_max % 1000) * 1'000'000;

constexpr std::int64_t k_seconds_per_day = 86'400;

}  // namespace

// --- TimeDelta ---------------------------------------------------------------

std::optional<TimeDelta> TimeDelta::make(std::int64_t secs, std::uint32_t nanos) {
  if (secs < k_min_delta_secs || secs > k_max_delta_secs || nanos >= k_nanos ||
      (secs == k_max_delta_secs && nanos > k_max_delta_nanos) ||
      (secs == k_min_delta_secs && nanos < k_min_delta_nanos)) {
    return std::nullopt;
  }
  return TimeDelta{secs, static_cast<std::int32_t>(nanos)};
}

std::optional<TimeDelta> TimeDelta::from_seconds(std::int64_t seconds) { return make(seconds, 0); }

std::optional<TimeDelta> TimeDelta::from_duration(const Duration& d) {
  if (d.seconds > static_cast<std::uint64_t>(k_max_delta_secs)) {
    return std::nullopt;
  }
  return make(static_cast<std::int64_t>(d.seconds), d.nanos);
}

std::optional<Duration> TimeDelta::to_duration() const {
  if (secs < 0) {
    return std::nullopt;
  }
  return Duration{static_cast<std::uint64_t>(secs), static_cast<std::uint32_t>(nanos)};
}

namespace {

// chrono's num_seconds and subsec_nanos: rounded toward zero, where the
// representation rounds the seconds down.
std::int64_t whole_seconds(const TimeDelta& d) { return d.secs < 0 && d.nanos > 0 ? d.secs + 1 : d.secs; }
std::int64_t subsec_nanos(const TimeDelta& d) { return d.secs < 0 && d.nanos > 0 ? d.nanos - k_nanos : d.nanos; }

std::optional<std::int64_t> scaled(const TimeDelta& d, std::int64_t per_second) {
  std::int64_t whole = 0;
  std::int64_t total = 0;
  if (__builtin_mul_overflow(whole_seconds(d), per_second, &whole) ||
      __builtin_add_overflow(whole, subsec_nanos(d) / (k_nanos / per_second), &total)) {
    return std::nullopt;
  }
  return total;
}

}  // namespace

double TimeDelta::as_seconds() const {
  return static_cast<double>(secs) + static_cast<double>(nanos) / static_cast<double>(k_nanos);
}

std::int64_t TimeDelta::milliseconds() const { return whole_seconds(*this) * 1000 + subsec_nanos(*this) / 1'000'000; }
std::optional<std::int64_t> TimeDelta::microseconds() const { return scaled(*this, 1'000'000); }
std::optional<std::int64_t> TimeDelta::nanoseconds() const { return scaled(*this, k_nanos); }

std::optional<TimeDelta> checked_add(const TimeDelta& a, const TimeDelta& b) {
  std::int64_t secs = a.secs + b.secs;  // both within ±2^53: no overflow
  std::int64_t nanos = std::int64_t{a.nanos} + b.nanos;
  if (nanos >= k_nanos) {
    nanos -= k_nanos;
    ++secs;
  }
  return TimeDelta::make(secs, static_cast<std::uint32_t>(nanos));
}

std::optional<TimeDelta> checked_sub(const TimeDelta& a, const TimeDelta& b) {
  std::int64_t secs = a.secs - b.secs;
  std::int64_t nanos = std::int64_t{a.nanos} - b.nanos;
  if (nanos < 0) {
    nanos += k_nanos;
    --secs;
  }
  return TimeDelta::make(secs, static_cast<std::uint32_t>(nanos));
}

// --- UtcTime -----------------------------------------------------------------

namespace detail {

Ymd civil_from_days(std::int64_t days) {
  // Days since 0000-03-01 in 400-year eras, so leap days end each year.
  const std::int64_t z = days + 719'468;
  const std::int64_t era = floor_div(z, 146'097);
  const std::int64_t doe = z - era * 146'097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36'524 - doe / 146'096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const auto day = static_cast<std::uint32_t>(doy - (153 * mp + 2) / 5 + 1);
  const auto month = static_cast<std::uint32_t>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

bool is_leap_year(std::int64_t year) { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

std::uint32_t days_in_month(std::int64_t year, std::uint32_t month) {
  static constexpr std::array<std::uint32_t, 12> k_days{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : k_days[month - 1];
}

bool valid_time_of_day(std::uint32_t secs, std::uint32_t frac) {
  return secs < k_seconds_per_day && frac < 2 * k_nanos && (frac < k_nanos || secs % 60 == 59);
}

}  // namespace detail

using namespace detail;

std::optional<UtcTime> from_timestamp(std::int64_t seconds, std::uint32_t nanos) {
  const std::int64_t days = floor_div(seconds, k_seconds_per_day);
  const auto secs = static_cast<std::uint32_t>(seconds - days * k_seconds_per_day);
  if (!days_in_range(days) || !valid_time_of_day(secs, nanos)) {
    return std::nullopt;
  }
  return UtcTime{days, secs, nanos};
}

std::optional<UtcTime> from_ymd_hms(std::int32_t year, std::uint32_t month, std::uint32_t day, std::uint32_t hour,
                                    std::uint32_t minute, std::uint32_t second) {
  if (year < k_min_year || year > k_max_year || month < 1 || month > 12 || day < 1 ||
      day > days_in_month(year, month) || hour >= 24 || minute >= 60 || second >= 60) {
    return std::nullopt;
  }
  return UtcTime{days_from_civil(year, month, day), hour * 3600 + minute * 60 + second, 0};
}

CivilTime civil(const UtcTime& t) {
  const Ymd date = civil_from_days(t.days);
  return {static_cast<std::int32_t>(date.year), date.month, date.day, t.secs / 3600, t.secs / 60 % 60, t.secs % 60};
}

std::int64_t unix_timestamp(const UtcTime& t) { return t.days * k_seconds_per_day + t.secs; }

std::int64_t unix_timestamp_millis(const UtcTime& t) { return unix_timestamp(t) * 1000 + t.frac / 1'000'000; }

namespace {

// NaiveTime::signed_duration_since, which counts a leap second either end
// spans.
TimeDelta time_of_day_since(const UtcTime& a, const UtcTime& b) {
  std::int64_t secs = std::int64_t{a.secs} - b.secs;
  const std::int64_t frac = std::int64_t{a.frac} - b.frac;
  if (a.secs > b.secs && b.frac >= k_nanos) {
    ++secs;
  } else if (a.secs < b.secs && a.frac >= k_nanos) {
    --secs;
  }
  const std::int64_t carry = floor_div(frac, k_nanos);
  return TimeDelta{secs + carry, static_cast<std::int32_t>(frac - carry * k_nanos)};
}

// NaiveTime::overflowing_add_signed followed by the date's shift: a leap
// second is left as soon as whole seconds are added (or the fraction
// overflows it).
std::optional<UtcTime> add_delta(const UtcTime& t, const TimeDelta& d) {
  std::int64_t secs = t.secs;
  std::int64_t frac = t.frac;
  const std::int64_t secs_to_add = whole_seconds(d);
  const std::int64_t frac_to_add = subsec_nanos(d);
  if (frac >= k_nanos) {
    if (secs_to_add > 0 || (frac_to_add > 0 && frac >= 2 * k_nanos - frac_to_add)) {
      frac -= k_nanos;
    } else if (secs_to_add < 0) {
      frac -= k_nanos;
      ++secs;
    } else {
      return UtcTime{t.days, t.secs, static_cast<std::uint32_t>(frac + frac_to_add)};
    }
  }
  secs += secs_to_add;
  frac += frac_to_add;
  if (frac < 0) {
    frac += k_nanos;
    --secs;
  } else if (frac >= k_nanos) {
    frac -= k_nanos;
    ++secs;
  }
  const std::int64_t day_shift = floor_div(secs, k_seconds_per_day);
  const std::int64_t days = t.days + day_shift;
  if (!days_in_range(days)) {
    return std::nullopt;
  }
  const auto second_of_day = static_cast<std::uint32_t>(secs - day_shift * k_seconds_per_day);
  return UtcTime{days, second_of_day, static_cast<std::uint32_t>(frac)};
}

TimeDelta negated(const TimeDelta& d) {
  if (d.nanos == 0) {
    return TimeDelta{-d.secs, 0};
  }
  return TimeDelta{-d.secs - 1, static_cast<std::int32_t>(k_nanos - d.nanos)};
}

}  // namespace

TimeDelta time_since(const UtcTime& later, const UtcTime& earlier) {
  const TimeDelta days{(later.days - earlier.days) * k_seconds_per_day, 0};
  return *checked_add(days, time_of_day_since(later, earlier));  // chrono: "always in range"
}

std::optional<UtcTime> checked_add(const UtcTime& t, const TimeDelta& d) { return add_delta(t, d); }
std::optional<UtcTime> checked_sub(const UtcTime& t, const TimeDelta& d) { return add_delta(t, negated(d)); }

// --- Output formats ----------------------------------------------------------

namespace detail {

void append_two_digits(std::string& out, std::uint32_t v) {
  out += static_cast<char>('0' + v / 10);
  out += static_cast<char>('0' + v % 10);
}

std::string rust_integer(std::int64_t v, std::size_t width, Pad pad, bool always_sign) {
  const std::uint64_t magnitude = v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  const std::string digits = std::to_string(magnitude);
  const std::string sign = v < 0 ? "-" : always_sign ? "+" : "";
  const std::size_t used = sign.size() + digits.size();
  const std::size_t fill = width > used ? width - used : 0;
  switch (pad) {
    case Pad::none: return sign + digits;
    case Pad::zero: return sign + std::string(fill, '0') + digits;
    case Pad::space: return std::string(fill, ' ') + sign + digits;
  }
  return sign + digits;
}

std::string date_text(std::int64_t days) {
  const Ymd date = civil_from_days(days);
  std::string out;
  if (date.year >= 0 && date.year <= 9999) {
    append_two_digits(out, static_cast<std::uint32_t>(date.year / 100));
    append_two_digits(out, static_cast<std::uint32_t>(date.year % 100));
  } else {
    out = rust_integer(date.year, 5, Pad::zero, true);  // {:+05}
  }
  out += '-';
  append_two_digits(out, date.month);
  out += '-';
  append_two_digits(out, date.day);
  return out;
}

std::string fraction_text(std::uint32_t nanos) {
  if (nanos == 0) {
    return "";
  }
  if (nanos % 1'000'000 == 0) {
    return "." + rust_integer(nanos / 1'000'000, 3, Pad::zero, false);
  }
  if (nanos % 1000 == 0) {
    return "." + rust_integer(nanos / 1000, 6, Pad::zero, false);
  }
  return "." + rust_integer(nanos, 9, Pad::zero, false);
}

std::string time_text(std::uint32_t secs, std::uint32_t frac) {
  // A leap second shows as :60.
  const bool leap = frac >= k_nanos;
  std::string out;
  append_two_digits(out, secs / 3600);
  out += ':';
  append_two_digits(out, secs / 60 % 60);
  out += ':';
  append_two_digits(out, secs % 60 + (leap ? 1 : 0));
  return out + fraction_text(leap ? frac - static_cast<std::uint32_t>(k_nanos) : frac);
}

}  // namespace detail

std::string display_utc(const UtcTime& t) { return date_text(t.days) + " " + time_text(t.secs, t.frac) + " UTC"; }

std::string to_rfc3339(const UtcTime& t) { return date_text(t.days) + "T" + time_text(t.secs, t.frac) + "+00:00"; }

std::optional<std::string> to_rfc2822(const UtcTime& t) {
  const CivilTime c = civil(t);
  if (c.year < 0 || c.year > 9999) {
    return std::nullopt;
  }
  std::string out = std::string(k_short_weekdays[weekday_from_sunday(t.days)]) + ", " + std::to_string(c.day) + " " +
                    std::string(k_short_months[c.month - 1]) + " ";
  append_two_digits(out, static_cast<std::uint32_t>(c.year / 100));
  append_two_digits(out, static_cast<std::uint32_t>(c.year % 100));
  out += ' ';
  append_two_digits(out, c.hour);
  out += ':';
  append_two_digits(out, c.minute);
  out += ':';
  append_two_digits(out, c.second + t.frac / static_cast<std::uint32_t>(k_nanos));
  return out + " +0000";
}

}  // namespace kumo::values
