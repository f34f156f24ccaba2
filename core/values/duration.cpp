// Durations exactly as KumoMTA reads and writes them (reference §2).
//
// The parser below reproduces humantime 2.4.0's `parse_duration` step for
// step, including where it reports byte offsets, because kumod's behaviour
// (and the text it logs) depends on those details. Alongside the humantime
// error it records what actually went wrong (which character, which span,
// which arithmetic limit), so that `ValueError::message` can explain it.
#include "core/values/duration.hpp"

#include <array>
#include <bit>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "core/util/text.hpp"
#include "core/util/utf8.hpp"

namespace kumo::values {

namespace {

// 128-bit products keep exact arithmetic for messages and float rounding.
__extension__ typedef unsigned __int128 u128;

constexpr std::uint64_t k_u64_max = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint64_t k_nanos_per_second = 1'000'000'000;
constexpr std::uint64_t k_seconds_per_year = 31'557'600;   // 365.25 days
constexpr std::uint64_t k_seconds_per_month = 2'630'016;   // 30.44 days

// ---------------------------------------------------------------------------
// Text helpers

std::string to_decimal(u128 value) {
  if (value == 0) {
    return "0";
  }
  std::string digits;
  while (value > 0) {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(value % 10)));
    value /= 10;
  }
  return digits;
}

// Bytes that are not UTF-8 decode one at a time, invalid: never whitespace,
// digits or letters, and each is shown as one \xNN.
using CodePoint = util::Utf8Char;

// A code point and where it starts: the parser reports positions.
struct PlacedCodePoint : CodePoint {
  std::size_t offset = 0;
};

// Rust's char::is_whitespace: the Unicode White_Space property.
bool is_rust_whitespace(const CodePoint& c) { return c.valid && util::is_white_space(c.value); }

bool is_digit(const CodePoint& c) { return c.valid && c.value >= U'0' && c.value <= U'9'; }

std::uint64_t digit_value(const CodePoint& c) { return c.value - U'0'; }

// The characters humantime treats as unit letters: ASCII letters and the
// micro sign U+00B5 (not the Greek mu U+03BC).
bool is_unit_letter(const CodePoint& c) {
  if (!c.valid) {
    return false;
  }
  const char32_t v = c.value;
  return (v >= U'a' && v <= U'z') || (v >= U'A' && v <= U'Z') || v == 0xB5;
}

// A byte as two lowercase hex digits, as in "byte 0x0a" and "\x0a".
std::string byte_hex(std::uint32_t byte) {
  static constexpr std::string_view k_hex = "0123456789abcdef";
  return {k_hex[(byte >> 4) & 15], k_hex[byte & 15]};
}

// `text` quoted for our messages: util::quoted, with bytes that are not
// UTF-8 shown as \xNN so the message itself stays valid UTF-8.
std::string quote(std::string_view text) {
  std::string out = "\"";
  std::size_t run_start = 0;
  auto flush_run = [&](std::size_t end) {
    const std::string run = util::quoted(text.substr(run_start, end - run_start));
    out.append(run, 1, run.size() - 2);
  };
  for (std::size_t offset = 0; offset < text.size();) {
    const CodePoint c = util::decode_char(text, offset);
    if (!c.valid) {
      flush_run(offset);
      out += "\\x" + byte_hex(c.value);
      run_start = offset + 1;
    }
    offset += c.length;
  }
  flush_run(text.size());
  out += '"';
  return out;
}

std::string_view trim_ascii(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

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
constexpr std::array<UnitSpelling, 40> k_unit_spellings{{
    {"seconds", Unit::second},   {"second", Unit::second},  {"secs", Unit::second},
    {"sec", Unit::second},       {"s", Unit::second},       {"minutes", Unit::minute},
    {"minute", Unit::minute},    {"mins", Unit::minute},    {"min", Unit::minute},
    {"m", Unit::minute},         {"hours", Unit::hour},     {"hour", Unit::hour},
    {"hrs", Unit::hour},         {"hr", Unit::hour},        {"h", Unit::hour},
    {"days", Unit::day},         {"day", Unit::day},        {"d", Unit::day},
    {"weeks", Unit::week},       {"week", Unit::week},      {"wks", Unit::week},
    {"wk", Unit::week},          {"w", Unit::week},         {"months", Unit::month},
    {"month", Unit::month},      {"M", Unit::month},        {"years", Unit::year},
    {"year", Unit::year},        {"yrs", Unit::year},       {"yr", Unit::year},
    {"y", Unit::year},           {"millis", Unit::millisecond}, {"msec", Unit::millisecond},
    {"ms", Unit::millisecond},   {"usec", Unit::microsecond}, {"us", Unit::microsecond},
    {"\xC2\xB5s", Unit::microsecond}, {"nanos", Unit::nanosecond}, {"nsec", Unit::nanosecond},
    {"ns", Unit::nanosecond},
}};

std::optional<Unit> unit_from_spelling(std::string_view spelling) {
  for (const auto& entry : k_unit_spellings) {
    if (entry.spelling == spelling) {
      return entry.unit;
    }
  }
  return std::nullopt;
}

// Spellings people try that edit distance does not map well ("mon" is
// closer to "min" than to "months").
std::optional<std::string_view> known_misspelling(std::string_view unit) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 10> k_aliases{{
      {"mo", "months"},  {"mon", "months"},  {"mons", "months"}, {"mos", "months"},
      {"mth", "months"}, {"mths", "months"}, {"sek", "sec"},     {"hs", "hrs"},
      {"yer", "year"},   {"\xCE\xBCs", "\xC2\xB5s"},
  }};
  for (const auto& [wrong, right] : k_aliases) {
    if (wrong == unit) {
      return right;
    }
  }
  return std::nullopt;
}

std::optional<std::string> suggest_unit(std::string_view unit) {
  if (auto alias = known_misspelling(unit)) {
    return std::string(*alias);
  }
  std::vector<std::string_view> candidates;
  for (const auto& entry : k_unit_spellings) {
    candidates.push_back(entry.spelling);
  }
  std::optional<std::string> match = util::closest_match(unit, candidates);
  // One letter is one edit from every one-letter unit ("x" -> "s"): only a
  // case slip ("S" -> "s") is a real hint there.
  if (match && unit.size() == 1 && match->size() == 1 &&
      std::tolower(static_cast<unsigned char>(unit[0])) != std::tolower(static_cast<unsigned char>((*match)[0]))) {
    return std::nullopt;
  }
  return match;
}

bool unit_is_subsecond_or_minute(Unit unit) {
  return unit == Unit::microsecond || unit == Unit::millisecond || unit == Unit::second ||
         unit == Unit::minute;
}

// Nanoseconds per unit for the units whose fractions humantime keeps to the
// nanosecond (us, ms, s, min).
std::uint64_t nanos_per_unit(Unit unit) {
  switch (unit) {
    case Unit::microsecond: return 1'000;
    case Unit::millisecond: return 1'000'000;
    case Unit::second: return 1'000'000'000;
    case Unit::minute: return 60'000'000'000;
    default: return 0;
  }
}

// Seconds per unit for the units whose fractions humantime keeps to the
// second (h, d, w, M, y); also the integer multiplier for s and min.
std::uint64_t seconds_per_unit(Unit unit) {
  switch (unit) {
    case Unit::second: return 1;
    case Unit::minute: return 60;
    case Unit::hour: return 3'600;
    case Unit::day: return 86'400;
    case Unit::week: return 604'800;
    case Unit::month: return k_seconds_per_month;
    case Unit::year: return k_seconds_per_year;
    default: return 0;
  }
}

// ---------------------------------------------------------------------------
// Parse failures: humantime's error plus what we learned about the cause.

enum class OverflowCause {
  integer_too_large,        // the digits exceed u64
  too_many_decimals,        // more than 19 fractional digits
  fraction_of_nanosecond,   // any fraction on ns
  inexact_nanoseconds,      // us/ms/s/min fraction is not whole nanoseconds
  inexact_seconds,          // h/d/w/M/y fraction is not whole seconds
  fraction_too_precise,     // numerator x unit overflows before the division
  span_too_large,           // number x unit overflows u64 (seconds or nanos)
  total_too_large,          // the running sum overflows u64 seconds
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

struct Fraction {
  std::uint64_t numerator = 0;
  std::uint64_t denominator = 1;  // 10^digits
};

template <class T>
using Result = util::Expected<T, Failure>;

bool checked_mul(std::uint64_t a, std::uint64_t b, std::uint64_t& out) {
  return !__builtin_mul_overflow(a, b, &out);
}

bool checked_add(std::uint64_t a, std::uint64_t b, std::uint64_t& out) {
  return !__builtin_add_overflow(a, b, &out);
}

// Mirrors humantime's Parser: a cursor over code points, with `mark` playing
// the role of humantime's `off` bookkeeping so offsets match exactly.
class HumantimeParser {
 public:
  explicit HumantimeParser(std::string_view text) : m_text(text) {}

  util::Expected<Duration, Failure> parse() {
    auto first = next_span_digit();
    if (!first) {
      return util::unexpected(std::move(first.error()));
    }
    if (!first.value()) {
      return util::unexpected(failure(HumantimeErrorKind::empty, 0));
    }
    std::uint64_t n = *first.value();
    for (;;) {
      auto span = parse_span(n);
      if (!span) {
        return util::unexpected(std::move(span.error()));
      }
      if (span.value()) {
        n = *span.value();  // a digit right after the unit starts the next span
        continue;
      }
      auto following = next_span_digit();
      if (!following) {
        return util::unexpected(std::move(following.error()));
      }
      if (!following.value()) {
        return m_total;
      }
      n = *following.value();
    }
  }

 private:
  std::optional<PlacedCodePoint> next() {
    if (m_pos >= m_text.size()) {
      return std::nullopt;
    }
    PlacedCodePoint c{util::decode_char(m_text, m_pos), m_pos};
    m_pos += c.length;
    return c;
  }

  Failure failure(HumantimeErrorKind kind, std::size_t humantime_offset) const {
    Failure f;
    f.kind = kind;
    f.humantime_offset = humantime_offset;
    f.culprit_offset = humantime_offset;
    f.span_start = m_span_start;
    return f;
  }

  Failure invalid_character(std::size_t humantime_offset, std::size_t culprit) const {
    Failure f = failure(HumantimeErrorKind::invalid_character, humantime_offset);
    f.culprit_offset = culprit;
    return f;
  }

  Failure overflow(OverflowCause cause) const {
    Failure f = failure(HumantimeErrorKind::number_overflow, m_span_start);
    f.overflow = cause;
    return f;
  }

  // humantime's parse_first_char: skips whitespace; the first digit of a
  // span, nothing at the end of the input, or NumberExpected reported at the
  // offset where the skipping began.
  Result<std::optional<std::uint64_t>> next_span_digit() {
    const std::size_t start = m_pos;
    while (auto c = next()) {
      if (is_digit(*c)) {
        m_span_start = c->offset;
        return std::optional<std::uint64_t>(digit_value(*c));
      }
      if (!is_rust_whitespace(*c)) {
        Failure f = failure(HumantimeErrorKind::number_expected, start);
        f.culprit_offset = c->offset;
        return util::unexpected(std::move(f));
      }
    }
    return std::optional<std::uint64_t>();
  }

  // One span after its first digit `n`. Returns the first digit of a
  // juxtaposed next span ("1h30m"), or nullopt when the span ended at
  // whitespace or the end of input.
  Result<std::optional<std::uint64_t>> parse_span(std::uint64_t n) {
    std::optional<Fraction> fraction;
    std::size_t mark = m_pos;
    while (auto c = next()) {
      if (is_digit(*c)) {
        if (!checked_mul(n, 10, n) || !checked_add(n, digit_value(*c), n)) {
          return util::unexpected(overflow(OverflowCause::integer_too_large));
        }
      } else if (is_rust_whitespace(*c)) {
        // whitespace inside the digits is skipped: "1 5s" is 15s
      } else if (is_unit_letter(*c)) {
        break;
      } else if (c->valid && c->value == U'.') {
        auto parsed = parse_fraction(mark);
        if (!parsed) {
          return util::unexpected(std::move(parsed.error()));
        }
        fraction = parsed.value();
        break;
      } else {
        return util::unexpected(invalid_character(mark, c->offset));
      }
      mark = m_pos;
    }
    const std::size_t unit_start = mark;
    mark = m_pos;
    while (auto c = next()) {
      if (is_digit(*c)) {
        if (auto added = add_span(n, fraction, unit_start, mark); !added) {
          return util::unexpected(std::move(added.error()));
        }
        m_span_start = c->offset;
        return std::optional<std::uint64_t>(digit_value(*c));
      }
      if (is_rust_whitespace(*c)) {
        break;
      }
      if (!is_unit_letter(*c)) {
        return util::unexpected(invalid_character(mark, c->offset));
      }
      mark = m_pos;
    }
    if (auto added = add_span(n, fraction, unit_start, mark); !added) {
      return util::unexpected(std::move(added.error()));
    }
    return std::optional<std::uint64_t>();
  }

  // humantime's parse_fractional_part; `mark` starts at the "." and, as in
  // humantime, an error on the first character after it is reported there.
  Result<Fraction> parse_fraction(std::size_t& mark) {
    const std::size_t point = mark;
    Fraction f;
    bool only_zeros = true;
    while (auto c = next()) {
      if (is_digit(*c)) {
        if (!checked_mul(f.denominator, 10, f.denominator)) {
          return util::unexpected(overflow(OverflowCause::too_many_decimals));
        }
        const std::uint64_t digit = digit_value(*c);
        only_zeros = only_zeros && digit == 0;
        if (!only_zeros &&
            (!checked_mul(f.numerator, 10, f.numerator) || !checked_add(f.numerator, digit, f.numerator))) {
          return util::unexpected(overflow(OverflowCause::too_many_decimals));
        }
      } else if (is_rust_whitespace(*c)) {
        // skipped, as in the integer part
      } else if (is_unit_letter(*c)) {
        break;
      } else {
        return util::unexpected(invalid_character(mark, c->offset));
      }
      mark = m_pos;
    }
    if (f.denominator == 1) {
      // "1." or "1.s": a decimal point with no digits after it
      Failure failed = invalid_character(mark, point);
      failed.dangling_point = true;
      return util::unexpected(std::move(failed));
    }
    return f;
  }

  // humantime's parse_unit: looks the unit up and adds integer part, then
  // fraction, to the running total.
  Result<bool> add_span(std::uint64_t n, std::optional<Fraction> fraction, std::size_t unit_start,
                        std::size_t unit_end) {
    const std::string_view spelling = m_text.substr(unit_start, unit_end - unit_start);
    const std::optional<Unit> unit = unit_from_spelling(spelling);
    if (!unit) {
      Failure f = failure(spelling.empty() ? HumantimeErrorKind::unit_needed : HumantimeErrorKind::unknown_unit,
                          unit_start);
      f.unit = std::string(spelling);
      f.value = n;
      f.span_end = unit_end;
      f.number_text = trim_ascii(m_text.substr(m_span_start, unit_start - m_span_start));
      return util::unexpected(std::move(f));
    }
    auto annotate = [&](Failure f) {
      f.span_end = unit_end;
      f.number_text = trim_ascii(m_text.substr(m_span_start, unit_start - m_span_start));
      f.span_unit = unit;
      f.integer_part = n;
      if (fraction) {
        f.numerator = fraction->numerator;
        f.denominator = fraction->denominator;
      }
      return f;
    };
    if (auto added = add_integer_part(n, *unit); !added) {
      return util::unexpected(annotate(std::move(added.error())));
    }
    if (fraction) {
      if (auto added = add_fraction(*fraction, *unit); !added) {
        return util::unexpected(annotate(std::move(added.error())));
      }
    }
    return true;
  }

  Result<bool> add_integer_part(std::uint64_t n, Unit unit) {
    std::uint64_t seconds = 0;
    std::uint64_t nanos = 0;
    bool fits = true;
    switch (unit) {
      case Unit::nanosecond: nanos = n; break;
      case Unit::microsecond: fits = checked_mul(n, 1'000, nanos); break;
      case Unit::millisecond: fits = checked_mul(n, 1'000'000, nanos); break;
      default: fits = checked_mul(n, seconds_per_unit(unit), seconds); break;
    }
    if (!fits) {
      return util::unexpected(overflow(OverflowCause::span_too_large));
    }
    return add_to_total(seconds, nanos);
  }

  Result<bool> add_fraction(Fraction f, Unit unit) {
    if (unit == Unit::nanosecond) {
      return util::unexpected(overflow(OverflowCause::fraction_of_nanosecond));
    }
    const bool in_nanos = unit_is_subsecond_or_minute(unit);
    const std::uint64_t multiplier = in_nanos ? nanos_per_unit(unit) : seconds_per_unit(unit);
    std::uint64_t scaled = 0;
    if (!checked_mul(f.numerator, multiplier, scaled)) {
      return util::unexpected(overflow(OverflowCause::fraction_too_precise));
    }
    if (scaled % f.denominator != 0) {
      return util::unexpected(
          overflow(in_nanos ? OverflowCause::inexact_nanoseconds : OverflowCause::inexact_seconds));
    }
    const std::uint64_t amount = scaled / f.denominator;
    return in_nanos ? add_to_total(0, amount) : add_to_total(amount, 0);
  }

  // humantime's add_current followed by Duration::new. humantime only
  // carries nanoseconds when they exceed 1e9, so exactly 1e9 reaches
  // Duration::new, whose own carry panics if the seconds are u64::MAX.
  Result<bool> add_to_total(std::uint64_t seconds, std::uint64_t nanos) {
    std::uint64_t total_nanos = 0;
    if (!checked_add(m_total.nanos, nanos, total_nanos)) {
      return util::unexpected(overflow(OverflowCause::total_too_large));
    }
    if (total_nanos > k_nanos_per_second) {
      if (!checked_add(seconds, total_nanos / k_nanos_per_second, seconds)) {
        return util::unexpected(overflow(OverflowCause::total_too_large));
      }
      total_nanos %= k_nanos_per_second;
    }
    std::uint64_t total_seconds = 0;
    if (!checked_add(m_total.seconds, seconds, total_seconds)) {
      return util::unexpected(overflow(OverflowCause::total_too_large));
    }
    if (total_nanos == k_nanos_per_second) {
      if (total_seconds == k_u64_max) {
        return util::unexpected(failure(HumantimeErrorKind::panics, m_span_start));
      }
      ++total_seconds;
      total_nanos = 0;
    }
    m_total = Duration{total_seconds, static_cast<std::uint32_t>(total_nanos)};
    return true;
  }

  std::string_view m_text;
  std::size_t m_pos = 0;
  std::size_t m_span_start = 0;
  Duration m_total;
};

util::Expected<Duration, Failure> parse_exact(std::string_view text) {
  if (text == "0") {
    return Duration{};  // humantime's special case: only this exact string
  }
  return HumantimeParser(text).parse();
}

// ---------------------------------------------------------------------------
// humantime's Display text for each error (what kumo.time.parse_duration and
// friends report).

std::string humantime_display(const Failure& f) {
  switch (f.kind) {
    case HumantimeErrorKind::empty:
      return "value was empty";
    case HumantimeErrorKind::number_expected:
      return "expected number at " + std::to_string(f.humantime_offset);
    case HumantimeErrorKind::unit_needed:
      return "time unit needed, for example " + std::to_string(f.value) + "sec or " +
             std::to_string(f.value) + "ms";
    case HumantimeErrorKind::unknown_unit:
      // Units only hold ASCII letters and U+00B5, which Debug leaves as is.
      return "unknown time unit \"" + f.unit +
             "\", supported units: ns, us/\xC2\xB5s, ms, sec, min, hours, days, weeks, months, "
             "years (and few variations)";
    case HumantimeErrorKind::invalid_character:
      return "invalid character at " + std::to_string(f.humantime_offset);
    case HumantimeErrorKind::number_overflow:
      return "number is too large or cannot be represented without a lack of precision "
             "(values below 1ns are not supported)";
    case HumantimeErrorKind::panics:
      return "overflow in Duration::new";
  }
  return {};
}

// ---------------------------------------------------------------------------
// Our explanations.

std::string at(std::size_t offset) { return " at " + std::to_string(offset); }

// The character at `offset`, for messages: quoted, or "byte 0xNN".
std::string describe_character(std::string_view text, std::size_t offset) {
  if (offset >= text.size()) {
    return "end of text";
  }
  const CodePoint c = util::decode_char(text, offset);
  if (!c.valid) {
    return "byte 0x" + byte_hex(c.value);
  }
  return quote(text.substr(offset, c.length));
}

// `text` without the byte range [offset, offset+length), when that parses.
std::optional<std::string> repaired(std::string_view text, std::size_t offset, std::size_t length,
                                    std::string_view insert = "") {
  std::string candidate(text.substr(0, offset));
  candidate += insert;
  candidate += text.substr(offset + length);
  if (candidate.empty() || !parse_exact(candidate)) {
    return std::nullopt;
  }
  return candidate;
}

std::string explain_empty(std::string_view text) {
  return quote(text) + ": empty duration; write a number and a unit, e.g. \"20m\" or \"1h 30m\"";
}

std::string explain_number_expected(std::string_view text, const Failure& f) {
  const std::size_t p = f.culprit_offset;
  const CodePoint c = util::decode_char(text, p);
  const std::string head = quote(text) + ": ";
  if (c.valid && c.value == U'-') {
    std::string out = head + "durations cannot be negative (\"-\"" + at(p) + ")";
    if (auto fixed = repaired(text, p, 1)) {
      out += "; did you mean " + quote(*fixed) + "?";
    }
    return out;
  }
  if (c.valid && c.value == U'+') {
    std::string out = head + "a sign is not allowed (\"+\"" + at(p) + ")";
    if (auto fixed = repaired(text, p, 1)) {
      out += "; write " + quote(*fixed);
    }
    return out;
  }
  if (c.valid && c.value == U'.') {
    std::string out = head + "a number must start with a digit (\".\"" + at(p) + ")";
    if (auto fixed = repaired(text, p, 0, "0")) {
      out += "; write " + quote(*fixed);
    }
    return out;
  }
  if (is_unit_letter(c)) {
    std::size_t end = p;
    while (end < text.size() && is_unit_letter(util::decode_char(text, end))) {
      end += util::decode_char(text, end).length;
    }
    return head + "expected a number" + at(p) + ", found " + quote(text.substr(p, end - p)) +
           "; every unit needs its own number, e.g. \"1h 30min\"";
  }
  return head + "expected a number" + at(p) + ", found " + describe_character(text, p);
}

std::string explain_unit_needed(std::string_view text, const Failure& f) {
  const std::string number(f.number_text);
  const bool whole_input = trim_ascii(text) == f.number_text;
  std::string out = quote(text) + ": a number needs a unit";
  if (!whole_input) {
    out += " (" + quote(number) + at(f.span_start) + ")";
  }
  if (f.value == 0 && number.find('.') == std::string::npos) {
    return out + "; only the exact string \"0\" may leave it out, e.g. \"0s\"";
  }
  return out + ", e.g. " + quote(number + "s") + " or " + quote(number + "min");
}

bool differs_only_in_case(std::string_view a, std::string_view b) {
  if (a == b || a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string explain_unknown_unit(std::string_view text, const Failure& f) {
  std::string out = quote(text) + ": unknown unit " + quote(f.unit) + at(f.humantime_offset);
  const bool digit_follows = f.span_end < text.size() && is_digit(util::decode_char(text, f.span_end));
  if ((f.unit == "e" || f.unit == "E") && digit_follows) {
    return out + "; exponents are not supported, write the number out in full, e.g. \"1000s\"";
  }
  const std::optional<std::string> suggestion = suggest_unit(f.unit);
  if (!suggestion) {
    return out + "; use ns, us, ms, s, min, h, d, w, M (months) or y";
  }
  out += "; did you mean " + quote(*suggestion) + "?";
  if (differs_only_in_case(f.unit, *suggestion)) {
    out += " (units are case-sensitive)";
  }
  return out;
}

// Whether the code point ending just before `offset` is a unit letter.
bool follows_unit_letter(std::string_view text, std::size_t offset) {
  std::size_t start = offset - 1;
  while (start > 0 && util::is_continuation_byte(static_cast<unsigned char>(text[start]))) {
    --start;
  }
  return is_unit_letter(util::decode_char(text, start));
}

std::string explain_invalid_character(std::string_view text, const Failure& f) {
  const std::size_t p = f.culprit_offset;
  const std::string head = quote(text) + ": ";
  const CodePoint c = p < text.size() ? util::decode_char(text, p) : CodePoint{};
  const std::string culprit = describe_character(text, p);
  if (f.dangling_point) {
    return head + "\".\"" + at(p) + " must be followed by digits, e.g. \"1.5s\", or left out";
  }
  if (c.valid && c.value == U'.' && p > 0 && follows_unit_letter(text, p)) {
    return head + "invalid character \".\"" + at(p) + "; a unit cannot be followed by \".\"";
  }
  if (c.valid && c.value == U'.') {
    return head + "invalid character \".\"" + at(p) + "; a number has at most one decimal point";
  }
  if (c.valid && (c.value == U',' || c.value == U';' || c.value == U'+' || c.value == U'&')) {
    std::string out = head + "invalid character " + culprit + at(p) +
                      "; separate spans with spaces or nothing";
    if (auto fixed = repaired(text, p, 1)) {
      out += ", e.g. " + quote(*fixed);
    }
    return out;
  }
  if (c.valid && c.value == U'_') {
    std::string out = head + "invalid character \"_\"" + at(p) + "; digit separators are not allowed";
    if (auto fixed = repaired(text, p, 1)) {
      out += ", write " + quote(*fixed);
    }
    return out;
  }
  if (c.valid && c.value == U':') {
    return head + "invalid character \":\"" + at(p) +
           "; clock notation is not supported, write spans such as \"1h 30m\" or \"1m 30s\"";
  }
  if (c.valid && c.value == 0x3BC) {
    std::string out = head + "\"\xCE\xBC\" (Greek mu, U+03BC)" + at(p) +
                      " is not the micro sign; write \"us\" or \"\xC2\xB5\" (U+00B5)";
    if (auto fixed = repaired(text, p, c.length, "u")) {
      out += ", e.g. " + quote(*fixed);
    }
    return out;
  }
  if (c.valid && c.value == U'-') {
    return head + "invalid character \"-\"" + at(p) + "; durations cannot be negative or ranges";
  }
  if (c.valid && c.value >= 0x80) {
    return head + "invalid character " + culprit + at(p) + "; units are spelled with ASCII letters";
  }
  return head + "invalid character " + culprit + at(p) +
         "; a duration is numbers with units, e.g. \"1h 30m\"";
}

// "3.6" for the exact decimal value numerator * multiplier / 10^k (+ whole).
std::string exact_decimal(u128 whole, u128 numerator, u128 denominator) {
  std::string out = to_decimal(whole + numerator / denominator);
  u128 remainder = numerator % denominator;
  if (remainder == 0) {
    return out;
  }
  out += '.';
  while (remainder != 0) {
    remainder *= 10;
    out += static_cast<char>('0' + static_cast<int>(remainder / denominator));
    remainder %= denominator;
  }
  return out;
}

std::string span_text(std::string_view text, const Failure& f) {
  return std::string(trim_ascii(text.substr(f.span_start, f.span_end - f.span_start)));
}

std::string explain_inexact_seconds(std::string_view text, const Failure& f) {
  const std::uint64_t per_unit = seconds_per_unit(*f.span_unit);
  const u128 whole = static_cast<u128>(f.integer_part) * per_unit;
  const u128 scaled = static_cast<u128>(f.numerator) * per_unit;
  std::string out = quote(text) + ": " + span_text(text, f) +
                    " is not a whole number of seconds (" +
                    exact_decimal(whole, scaled, f.denominator) +
                    "s); KumoMTA needs whole seconds for h, d, w, M and y";
  // Say the same duration in smaller units when it fits a Duration.
  const u128 nanos_numerator = scaled * k_nanos_per_second;
  const u128 total_seconds = whole + scaled / f.denominator;
  if (nanos_numerator % f.denominator == 0 && total_seconds <= k_u64_max) {
    const auto nanos = static_cast<std::uint32_t>((nanos_numerator / f.denominator) % k_nanos_per_second);
    out += ", e.g. " + quote(format_humantime(Duration{static_cast<std::uint64_t>(total_seconds), nanos}));
  }
  return out;
}

std::string explain_inexact_nanoseconds(std::string_view text, const Failure& f) {
  const std::uint64_t per_unit = nanos_per_unit(*f.span_unit);
  const u128 whole = static_cast<u128>(f.integer_part) * per_unit;
  const u128 scaled = static_cast<u128>(f.numerator) * per_unit;
  return quote(text) + ": " + span_text(text, f) + " is not a whole number of nanoseconds (" +
         exact_decimal(whole, scaled, f.denominator) +
         "ns); 1ns is the finest precision, so drop decimal places";
}

std::string explain_span_too_large(std::string_view text, const Failure& f) {
  std::string out = quote(text) + ": " + span_text(text, f) + " is too large";
  const Unit unit = *f.span_unit;
  if (unit == Unit::microsecond || unit == Unit::millisecond) {
    // humantime counts these in u64 nanoseconds (about 584 years).
    const std::uint64_t per_second = unit == Unit::microsecond ? 1'000'000 : 1'000;
    const Duration same{f.integer_part / per_second,
                        static_cast<std::uint32_t>((f.integer_part % per_second) *
                                                   (k_nanos_per_second / per_second))};
    return out + "; KumoMTA counts " + (unit == Unit::microsecond ? "us" : "ms") +
           " in 64-bit nanoseconds (about 584 years), write it in larger units, e.g. " +
           quote(format_humantime(same));
  }
  return out + "; the longest duration is 18446744073709551615s (about 584 billion years)";
}

std::string explain_overflow(std::string_view text, const Failure& f) {
  const std::string head = quote(text) + ": ";
  switch (f.overflow) {
    case OverflowCause::integer_too_large:
      return head + "the number" + at(f.span_start) +
             " is too large (at most 18446744073709551615)";
    case OverflowCause::too_many_decimals:
      return head + "the number" + at(f.span_start) + " has more than 19 decimal places";
    case OverflowCause::fraction_of_nanosecond:
      return head + span_text(text, f) +
             " has a decimal part, but nanoseconds must be whole (1ns is the finest precision), e.g. " +
             quote(std::to_string(f.integer_part == 0 ? 1 : f.integer_part) + "ns");
    case OverflowCause::inexact_nanoseconds:
      return explain_inexact_nanoseconds(text, f);
    case OverflowCause::inexact_seconds:
      return explain_inexact_seconds(text, f);
    case OverflowCause::fraction_too_precise:
      return head + span_text(text, f) +
             " has too many decimal places for KumoMTA to compute; use fewer or a smaller unit";
    case OverflowCause::span_too_large:
      return explain_span_too_large(text, f);
    case OverflowCause::total_too_large:
      return head + "the total is too large (" + span_text(text, f) + at(f.span_start) +
             " pushes it past 18446744073709551615s, about 584 billion years)";
  }
  return head + "number overflow";
}

std::string explain_panic(std::string_view text, const Failure& f) {
  return quote(text) + ": the total reaches 2^64 seconds with " + span_text(text, f) + " (at " +
         std::to_string(f.span_start) +
         "), where humantime panics in Duration::new and kumod dies; use a shorter duration";
}

std::string explain(std::string_view text, const Failure& f) {
  switch (f.kind) {
    case HumantimeErrorKind::empty: return explain_empty(text);
    case HumantimeErrorKind::number_expected: return explain_number_expected(text, f);
    case HumantimeErrorKind::unit_needed: return explain_unit_needed(text, f);
    case HumantimeErrorKind::unknown_unit: return explain_unknown_unit(text, f);
    case HumantimeErrorKind::invalid_character: return explain_invalid_character(text, f);
    case HumantimeErrorKind::number_overflow: return explain_overflow(text, f);
    case HumantimeErrorKind::panics: return explain_panic(text, f);
  }
  return quote(text) + ": not a duration";
}

std::optional<std::size_t> position_of(const Failure& f) {
  switch (f.kind) {
    case HumantimeErrorKind::empty: return 0;
    case HumantimeErrorKind::number_expected:
    case HumantimeErrorKind::invalid_character: return f.culprit_offset;
    case HumantimeErrorKind::unknown_unit: return f.humantime_offset;
    default: return f.span_start;
  }
}

ValueError to_value_error(std::string_view text, const Failure& f) {
  ValueError error;
  error.message = explain(text, f);
  error.kumo_message = humantime_display(f);
  error.position = position_of(f);
  error.crashes_kumod = f.kind == HumantimeErrorKind::panics;
  return error;
}

// ---------------------------------------------------------------------------
// Floats

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
constexpr std::string_view k_panic_too_big =
    "cannot convert float seconds to Duration: value is either too big or NaN";

}  // namespace

// ---------------------------------------------------------------------------
// Interface

util::Expected<Duration, ValueError> parse_humantime(std::string_view text) {
  auto parsed = parse_exact(text);
  if (!parsed) {
    return util::unexpected(to_value_error(text, parsed.error()));
  }
  return parsed.value();
}

std::optional<HumantimeErrorKind> humantime_error_kind(std::string_view text) {
  auto parsed = parse_exact(text);
  if (parsed) {
    return std::nullopt;
  }
  return parsed.error().kind;
}

std::string format_humantime(Duration d) {
  if (d.seconds == 0 && d.nanos == 0) {
    return "0s";
  }
  std::string out;
  auto component = [&out](std::uint64_t value, std::string_view suffix, bool pluralise) {
    if (value == 0) {
      return;
    }
    if (!out.empty()) {
      out += ' ';
    }
    out += std::to_string(value);
    out += suffix;
    if (pluralise && value > 1) {
      out += 's';
    }
  };
  const std::uint64_t within_year = d.seconds % k_seconds_per_year;
  const std::uint64_t within_month = within_year % k_seconds_per_month;
  const std::uint64_t within_day = within_month % 86'400;
  component(d.seconds / k_seconds_per_year, "year", true);
  component(within_year / k_seconds_per_month, "month", true);
  component(within_month / 86'400, "day", true);
  component(within_day / 3'600, "h", false);
  component(within_day % 3'600 / 60, "m", false);
  component(within_day % 60, "s", false);
  component(d.nanos / 1'000'000, "ms", false);
  component(d.nanos / 1'000 % 1'000, "us", false);  // KumoMTA builds humantime without "mu"
  component(d.nanos % 1'000, "ns", false);
  return out;
}

util::Expected<Duration, ValueError> duration_from_integer(std::int64_t seconds) {
  if (seconds < 0) {
    ValueError error;
    error.message = std::to_string(seconds) +
                    " is a negative duration; use a non-negative number of seconds, e.g. " +
                    (seconds == std::numeric_limits<std::int64_t>::min()
                         ? std::string("0")
                         : std::to_string(-seconds));
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
    return util::unexpected(float_panic(
        describe_float(seconds) +
            " is a negative duration: kumod panics on negative float durations (the process dies); "
            "use a non-negative number of seconds",
        std::string(k_panic_negative)));
  }
  if (std::isnan(seconds)) {
    return util::unexpected(float_panic(
        describe_float(seconds) +
            " is not a number: kumod panics on NaN float durations (the process dies); "
            "use a non-negative number of seconds",
        std::string(k_panic_too_big)));
  }
  constexpr double k_two_to_64 = 18446744073709551616.0;
  if (seconds >= k_two_to_64) {
    return util::unexpected(float_panic(
        describe_float(seconds) +
            " is too large: kumod panics on float durations of 2^64 seconds (about 1.8e19) or more "
            "(the process dies); use a smaller number of seconds",
        std::string(k_panic_too_big)));
  }
  return round_float_seconds(seconds);
}

util::Expected<Duration, ValueError> duration_from_string(std::string_view text) {
  if (!util::is_valid_utf8(text)) {
    // mlua hands serde a byte array, which the duration visitor rejects.
    auto parsed = parse_exact(text);
    ValueError error;
    error.message = parsed ? quote(text) + ": not valid UTF-8, so KumoMTA reads it as bytes"
                           : to_value_error(text, parsed.error()).message;
    error.kumo_message = "invalid type: byte array, expected a duration";
    for (std::size_t offset = 0; offset < text.size();) {
      const CodePoint c = util::decode_char(text, offset);
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
