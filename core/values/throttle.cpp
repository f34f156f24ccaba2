// Throttle specs, reference §3. The parser mirrors ThrottleSpec::try_from in
// KumoMTA's crates/throttle/src/lib.rs step for step, because the order of
// the checks decides which error a user sees.
#include "core/values/throttle.hpp"

#include "core/values/duration.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>

#include "core/util/text.hpp"

namespace kumo::values {
namespace {

constexpr std::string_view k_local_prefix = "local:";
constexpr std::string_view k_burst_marker = ",max_burst=";
// Exact nanosecond arithmetic on u64 seconds needs more than 64 bits.
__extension__ typedef unsigned __int128 U128;

constexpr std::uint64_t k_u64_max = std::numeric_limits<std::uint64_t>::max();

struct PeriodUnit {
  std::string_view name;
  std::uint64_t seconds;
};

// Exactly the spellings KumoMTA matches, in its order.
constexpr std::array<PeriodUnit, 11> k_units{{
    {"h", 3600},
    {"hr", 3600},
    {"hour", 3600},
    {"m", 60},
    {"min", 60},
    {"minute", 60},
    {"s", 1},
    {"sec", 1},
    {"second", 1},
    {"d", 86400},
    {"day", 86400},
}};

std::optional<std::uint64_t> unit_seconds(std::string_view name) {
  for (const auto& unit : k_units) {
    if (unit.name == name) {
      return unit.seconds;
    }
  }
  return std::nullopt;
}

std::vector<std::string_view> unit_names() {
  std::vector<std::string_view> names;
  for (const auto& unit : k_units) {
    names.push_back(unit.name);
  }
  return names;
}

// The spellings that mean the same span as `seconds`, e.g. "s, sec, second".
std::string unit_group(std::uint64_t seconds) {
  std::vector<std::string_view> names;
  for (const auto& unit : k_units) {
    if (unit.seconds == seconds) {
      names.push_back(unit.name);
    }
  }
  return util::join(names, ", ");
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

bool has_space(std::string_view text) { return std::any_of(text.begin(), text.end(), is_space); }

std::string without_spaces(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (!is_space(c)) {
      out += c;
    }
  }
  return out;
}

// --- Rust's integer parsing -------------------------------------------------

constexpr std::string_view k_empty_integer = "cannot parse integer from empty string";
constexpr std::string_view k_invalid_digit = "invalid digit found in string";
constexpr std::string_view k_too_large = "number too large to fit in target type";

// The outcome of Rust's `str::parse::<u64>()`: a value, or its error text.
struct RustU64 {
  std::uint64_t value = 0;
  std::string_view error;  // empty on success
};

// Rust reads left to right and stops at the first bad digit or overflow,
// so "99999999999999999999x" overflows while "1x9999…" has a bad digit.
RustU64 parse_rust_u64(std::string_view text) {
  if (text.empty()) {
    return {0, k_empty_integer};
  }
  std::string_view digits = text;
  if (digits.front() == '+') {
    digits.remove_prefix(1);
    if (digits.empty()) {
      return {0, k_invalid_digit};
    }
  }
  std::uint64_t value = 0;
  for (char c : digits) {
    if (!is_ascii_digit(c)) {
      return {0, k_invalid_digit};
    }
    auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (k_u64_max - digit) / 10) {
      return {0, k_too_large};
    }
    value = value * 10 + digit;
  }
  return {value, {}};
}

// KumoMTA's parse_separated_number: "1_000" and "1,000" read as 1000.
RustU64 parse_separated_number(std::string_view text) {
  std::string kept;
  for (char c : text) {
    if (c != '_' && c != ',') {
      kept += c;
    }
  }
  return parse_rust_u64(kept);
}

// --- Errors -----------------------------------------------------------------

ValueError make_error(std::string_view whole, const std::string& explanation, std::string kumo_message,
                      std::size_t position) {
  return ValueError{util::quoted(whole) + ": " + explanation, std::move(kumo_message), position, false};
}

// `whole` with the byte range [at, at+length) replaced by `replacement`.
std::string splice(std::string_view whole, std::size_t at, std::size_t length, std::string_view replacement) {
  std::string out(whole.substr(0, at));
  out += replacement;
  out += whole.substr(at + length);
  return out;
}

// A suggested rewrite is only offered when KumoMTA would accept it.
bool parses(std::string_view candidate) { return parse_throttle(candidate).has_value(); }

std::string write_hint(const std::string& candidate) { return "; write " + util::quoted(candidate); }

// Explains a limit or max_burst text that Rust's u64 parser refused.
std::string explain_bad_number(std::string_view whole, std::string_view what, std::string_view number,
                               std::size_t position, std::string_view rust_error) {
  if (has_space(number)) {
    std::string fix = without_spaces(whole);
    std::string hint = parses(fix) ? write_hint(fix) : std::string();
    return "no spaces allowed in the " + std::string(what) + hint;
  }
  if (rust_error == k_empty_integer) {
    return "missing " + std::string(what) + " value";
  }
  if (rust_error == k_too_large) {
    return std::string(what) + " " + util::quoted(number) + " is too large; the maximum is 18446744073709551615";
  }
  if (number.starts_with('-')) {
    return "the " + std::string(what) + " cannot be negative";
  }
  if (number.find('.') != std::string_view::npos) {
    return "the " + std::string(what) + " must be a whole number, not " + util::quoted(number);
  }
  if (number.starts_with(k_local_prefix)) {
    // "local:local:10/s": only one prefix is stripped. Offering the same
    // text back as a fix would recurse forever (found by fuzz_throttle).
    return "the \"local:\" prefix may appear only once";
  }
  if (to_lower(number).starts_with(k_local_prefix)) {
    std::string fix = splice(whole, position, k_local_prefix.size(), k_local_prefix);
    std::string hint = parses(fix) ? write_hint(fix) : std::string();
    return "the \"local:\" prefix must be lowercase" + hint;
  }
  return std::string(what) + " " + util::quoted(number) + " is not a whole number";
}

ValueError number_error(std::string_view whole, std::string_view what, std::string_view number, std::size_t position,
                        std::string_view rust_error) {
  std::string kumo = "invalid limit '" + std::string(number) + "': " + std::string(rust_error);
  if (what == "limit" && rust_error == k_empty_integer && !has_space(number)) {
    return make_error(whole, "missing limit before \"/\", e.g. \"100/h\"", kumo, position);
  }
  if (what == "max_burst" && rust_error == k_empty_integer && !has_space(number)) {
    return make_error(whole, "max_burst has no value, e.g. \",max_burst=1\"", kumo, position);
  }
  return make_error(whole, explain_bad_number(whole, what, number, position, rust_error), kumo, position);
}

// Words people write for spans KumoMTA has no unit for.
bool is_sub_second_unit(std::string_view lower) {
  for (std::string_view word : {"ms", "msec", "msecs", "millis", "millisecond", "milliseconds", "us", "usec", "micros",
                                "ns", "nsec", "nanos"}) {
    if (lower == word) {
      return true;
    }
  }
  return false;
}

bool is_week_unit(std::string_view lower) {
  return lower == "w" || lower == "wk" || lower == "wks" || lower == "week" || lower == "weeks";
}

std::string explain_unknown_unit(std::string_view whole, std::string_view unit, std::size_t unit_position) {
  const std::string unknown = "unknown period " + util::quoted(unit);
  if (unit.find("max_burst") != std::string_view::npos) {
    std::string fix = without_spaces(whole);
    if (has_space(whole) && parses(fix)) {
      return "no spaces allowed before max_burst" + write_hint(fix);
    }
    return "write the burst right after the period as \",max_burst=N\", e.g. \"6/m,max_burst=1\"";
  }
  if (has_space(unit)) {
    std::string fix = without_spaces(whole);
    std::string hint = parses(fix) ? write_hint(fix) : std::string();
    return "no spaces allowed in the period" + hint;
  }
  const std::string lower = to_lower(unit);
  if (unit_seconds(lower)) {
    std::string fix = splice(whole, unit_position, unit.size(), lower);
    std::string hint = parses(fix) ? write_hint(fix) : std::string();
    return "units are lowercase" + hint;
  }
  if (is_sub_second_unit(lower)) {
    return unknown + "; the shortest unit KumoMTA accepts is s (s, sec, second)";
  }
  if (is_week_unit(lower)) {
    return unknown + "; KumoMTA has no week unit; use \"7d\"";
  }
  if (lower.size() > 1 && lower.back() == 's') {
    if (auto seconds = unit_seconds(std::string_view(lower).substr(0, lower.size() - 1))) {
      return unknown + "; KumoMTA accepts " + unit_group(*seconds) + " (no plurals)";
    }
  }
  if (auto match = util::closest_match(unit, unit_names())) {
    return unknown + "; did you mean " + util::quoted(*match) + "?";
  }
  return unknown + "; KumoMTA accepts " + util::join(unit_names(), ", ");
}

ValueError period_quantity_error(std::string_view whole, std::string_view period, std::size_t position) {
  std::string kumo = "invalid period quantity " + std::string(period);
  if (period.empty()) {
    return make_error(whole, "missing period after \"/\", e.g. \"100/h\"", kumo, position);
  }
  std::string fix = splice(whole, position + period.size(), 0, "s");
  std::string hint = parses(fix) ? write_hint(fix) : std::string();
  return make_error(whole, "period " + util::quoted(period) + " has no unit" + hint, kumo, position);
}

// Step 4: optional ASCII digit scale, then an exact unit spelling.
util::Expected<std::uint64_t, ValueError> parse_period(std::string_view whole, std::string_view period,
                                                       std::size_t position) {
  std::size_t digits = 0;
  std::uint64_t scale = 0;
  for (; digits < period.size() && is_ascii_digit(period[digits]); ++digits) {
    auto digit = static_cast<std::uint64_t>(period[digits] - '0');
    if (scale > (k_u64_max - digit) / 10) {
      return util::unexpected(make_error(whole, "period multiplier is too big; the maximum is 18446744073709551615",
                                         "number too big", position));
    }
    scale = scale * 10 + digit;
  }
  if (digits == period.size()) {
    return util::unexpected(period_quantity_error(whole, period, position));
  }
  if (digits == 0) {
    scale = 1;
  }
  const std::string_view unit = period.substr(digits);
  const auto seconds = unit_seconds(unit);
  if (!seconds) {
    return util::unexpected(make_error(whole, explain_unknown_unit(whole, unit, position + digits),
                                       "unknown period quantity " + std::string(unit), position + digits));
  }
  // KumoMTA multiplies unchecked; release builds wrap, and so do we.
  return *seconds * scale;
}

// --- Explanation ------------------------------------------------------------

// Rust's std::time::Duration, as far as explain() needs it.
struct RustDuration {
  std::uint64_t secs = 0;
  std::uint32_t nanos = 0;
};

// Duration::from_secs_f64: the exact binary value rounded to the nearest
// nanosecond, ties to even. Values Rust would panic on saturate.
RustDuration duration_from_secs_f64(double seconds) {
  if (!(seconds > 0)) {
    return {};
  }
  if (seconds >= 18446744073709551616.0) {
    return {k_u64_max, 999'999'999};
  }
  const auto bits = std::bit_cast<std::uint64_t>(seconds);
  const int exponent = static_cast<int>((bits >> 52) & 0x7ff);
  if (exponent == 0) {
    return {};  // subnormal: far below half a nanosecond
  }
  const std::uint64_t mantissa = (bits & ((std::uint64_t{1} << 52) - 1)) | (std::uint64_t{1} << 52);
  const int shift = 1075 - exponent;  // value = mantissa / 2^shift
  if (shift <= 0) {
    return {mantissa << -shift, 0};
  }
  if (shift > 100) {
    return {};  // below 2^-47 s
  }
  const std::uint64_t secs = shift < 64 ? mantissa >> shift : 0;
  const U128 fraction = shift < 64 ? mantissa & ((std::uint64_t{1} << shift) - 1) : mantissa;
  const U128 scaled = fraction * 1'000'000'000u;
  auto nanos = static_cast<std::uint64_t>(scaled >> shift);
  const U128 remainder = scaled & ((static_cast<U128>(1) << shift) - 1);
  const U128 half = static_cast<U128>(1) << (shift - 1);
  if (remainder > half || (remainder == half && (nanos & 1) != 0)) {
    ++nanos;
  }
  if (nanos == 1'000'000'000) {
    return {secs + 1, 0};
  }
  return {secs, static_cast<std::uint32_t>(nanos)};
}

double as_secs_f64(RustDuration d) { return static_cast<double>(d.secs) + static_cast<double>(d.nanos) / 1e9; }

std::string format_humantime_local(RustDuration d) {
  return format_humantime(Duration{d.secs, static_cast<std::uint32_t>(d.nanos)});
}

// Rust's `f64 as usize`: saturating, NaN becomes 0.
std::uint64_t saturating_u64(double value) {
  if (!(value > 0)) {
    return 0;
  }
  if (value >= 18446744073709551616.0) {
    return k_u64_max;
  }
  return static_cast<std::uint64_t>(value);
}

// explain()'s number(): three decimals below 1, else rounded up and grouped.
std::string explain_number(double n) {
  if (n < 1.0) {
    // printf rounds the exact binary value half-to-even, as Rust's {:.3} does.
    std::array<char, 64> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "%.3f", n);
    return buffer.data();
  }
  return util::with_thousands(saturating_u64(std::ceil(n)));
}

std::string explain_rates(double per_second) {
  const double per_minute = per_second * 60.0;
  const double per_hour = per_minute * 60.0;
  const double per_day = per_hour * 24.0;
  return explain_number(per_second) + "/s, " + explain_number(per_minute) + "/m, " + explain_number(per_hour) + "/h, " +
         explain_number(per_day) + "/d";
}

std::uint64_t burst_of(const ThrottleSpec& spec) { return spec.max_burst.value_or(spec.limit); }

double nominal_interval_seconds(const ThrottleSpec& spec) {
  return static_cast<double>(spec.period) / static_cast<double>(std::max<std::uint64_t>(spec.limit, 1));
}

}  // namespace

util::Expected<ThrottleSpec, ValueError> parse_throttle(std::string_view text) {
  ThrottleSpec spec;
  std::string_view rest = text;
  std::size_t offset = 0;
  if (rest.starts_with(k_local_prefix)) {
    spec.force_local = true;
    rest.remove_prefix(k_local_prefix.size());
    offset = k_local_prefix.size();
  }

  // The burst is parsed before anything else is looked at.
  if (auto marker = rest.find(k_burst_marker); marker != std::string_view::npos) {
    const std::string_view burst_text = rest.substr(marker + k_burst_marker.size());
    const std::size_t burst_position = offset + marker + k_burst_marker.size();
    const RustU64 burst = parse_separated_number(burst_text);
    if (!burst.error.empty()) {
      return util::unexpected(number_error(text, "max_burst", burst_text, burst_position, burst.error));
    }
    spec.max_burst = burst.value;
    rest = rest.substr(0, marker);
  }

  const auto slash = rest.find('/');
  if (slash == std::string_view::npos) {
    const std::string explanation = rest.empty() && text.empty()
                                        ? "the throttle spec is empty; expected \"limit/period\", e.g. \"100/h\""
                                        : "expected \"limit/period\", e.g. \"100/h\"";
    return util::unexpected(make_error(text, explanation, "expected 'limit/period', got " + std::string(rest), offset));
  }
  const std::string_view limit_text = rest.substr(0, slash);

  // KumoMTA validates the period before the limit.
  auto period = parse_period(text, rest.substr(slash + 1), offset + slash + 1);
  if (!period) {
    return util::unexpected(period.error());
  }
  spec.period = *period;

  const RustU64 limit = parse_separated_number(limit_text);
  if (!limit.error.empty()) {
    return util::unexpected(number_error(text, "limit", limit_text, offset, limit.error));
  }
  if (limit.value == 0) {
    return util::unexpected(
        make_error(text, "the limit must be greater than 0",
                   "invalid ThrottleSpec `" + std::string(rest) + "`: limit must be greater than 0!", offset));
  }
  spec.limit = limit.value;
  return spec;
}

std::string format_throttle(const ThrottleSpec& spec) {
  std::string out = spec.force_local ? std::string(k_local_prefix) : std::string();
  out += std::to_string(spec.limit);
  out += '/';
  switch (spec.period) {
    case 86400: out += 'd'; break;
    case 3600: out += 'h'; break;
    case 60: out += 'm'; break;
    case 1: out += 's'; break;
    default: out += std::to_string(spec.period) + "s"; break;
  }
  if (spec.max_burst) {
    out += ",max_burst=" + std::to_string(*spec.max_burst);
  }
  return out;
}

ThrottleExplanation explain_throttle(const ThrottleSpec& spec) {
  ThrottleExplanation out;
  out.per_second = static_cast<double>(spec.limit) / static_cast<double>(spec.period);
  out.per_minute = out.per_second * 60.0;
  out.per_hour = out.per_minute * 60.0;
  out.per_day = out.per_hour * 24.0;
  out.interval_seconds = nominal_interval_seconds(spec);
  out.burst = burst_of(spec);
  out.explicit_burst = spec.max_burst.has_value();

  // 128 bits: period (u64 seconds) in nanoseconds does not fit in 64.
  if (spec.limit > 0) {
    const U128 period_ns = static_cast<U128>(spec.period) * 1'000'000'000u;
    const U128 interval = period_ns / spec.limit;
    out.emission_interval_ns = interval > k_u64_max ? k_u64_max : static_cast<std::uint64_t>(interval);
    out.local_immediate_events = std::min(out.burst, spec.limit - 1) + 1;
  }
  out.zero_rate = out.emission_interval_ns == 0;
  out.never_delays_locally = out.emission_interval_ns < 1'000'000;
  return out;
}

std::optional<std::string> explain_throttle_panic(const ThrottleSpec& spec) {
  // duration_from_float is that very conversion, panics included.
  auto interval = duration_from_float(nominal_interval_seconds(spec));
  if (!interval && interval.error().crashes_kumod) {
    return interval.error().kumo_message;
  }
  return std::nullopt;
}

std::vector<std::string> explain_throttle_lines(const ThrottleSpec& spec) {
  const std::uint64_t burst = burst_of(spec);
  const RustDuration interval = duration_from_secs_f64(nominal_interval_seconds(spec));
  const double spec_rate = static_cast<double>(spec.limit) / static_cast<double>(spec.period);
  const double burst_rate = static_cast<double>(burst) / as_secs_f64(interval);

  std::string burst_line = spec.max_burst ? "explicit burst rate " : "implied burst rate ";
  burst_line += std::to_string(burst) + " every " + format_humantime_local(interval) +
                ", or: " + explain_rates(burst_rate) + " in that period.";
  return {format_throttle(spec), burst_line, "overall rate " + explain_rates(spec_rate)};
}

}  // namespace kumo::values
