// What went wrong in a duration that humantime rejects, in our words: the
// culprit character or span, why, and a repaired input when one parses;
// next to humantime's own error text, which is what kumod reports.
#include <cctype>
#include <optional>
#include <vector>

#include "core/util/text.hpp"
#include "core/values/duration_detail.hpp"

namespace kumo::values::duration_detail {

namespace {

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

// A byte as two lowercase hex digits, as in "byte 0x0a" and "\x0a".
std::string byte_hex(std::uint32_t byte) {
  static constexpr std::string_view k_hex = "0123456789abcdef";
  return {k_hex[(byte >> 4) & 15], k_hex[byte & 15]};
}

// Spellings people try that edit distance does not map well ("mon" is
// closer to "min" than to "months").
std::optional<std::string_view> known_misspelling(std::string_view unit) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 10> k_aliases{{
      {"mo", "months"},
      {"mon", "months"},
      {"mons", "months"},
      {"mos", "months"},
      {"mth", "months"},
      {"mths", "months"},
      {"sek", "sec"},
      {"hs", "hrs"},
      {"yer", "year"},
      {"\xCE\xBCs", "\xC2\xB5s"},
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

// humantime's Display text for each error (what kumo.time.parse_duration and
// friends report).

std::string humantime_display(const Failure& f) {
  switch (f.kind) {
    case HumantimeErrorKind::empty: return "value was empty";
    case HumantimeErrorKind::number_expected: return "expected number at " + std::to_string(f.humantime_offset);
    case HumantimeErrorKind::unit_needed:
      return "time unit needed, for example " + std::to_string(f.value) + "sec or " + std::to_string(f.value) + "ms";
    case HumantimeErrorKind::unknown_unit:
      // Units only hold ASCII letters and U+00B5, which Debug leaves as is.
      return "unknown time unit \"" + f.unit +
             "\", supported units: ns, us/\xC2\xB5s, ms, sec, min, hours, days, weeks, months, "
             "years (and few variations)";
    case HumantimeErrorKind::invalid_character: return "invalid character at " + std::to_string(f.humantime_offset);
    case HumantimeErrorKind::number_overflow:
      return "number is too large or cannot be represented without a lack of precision "
             "(values below 1ns are not supported)";
    case HumantimeErrorKind::panics: return "overflow in Duration::new";
  }
  return {};
}

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
    std::string out = head + "invalid character " + culprit + at(p) + "; separate spans with spaces or nothing";
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
  return head + "invalid character " + culprit + at(p) + "; a duration is numbers with units, e.g. \"1h 30m\"";
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
  std::string out = quote(text) + ": " + span_text(text, f) + " is not a whole number of seconds (" +
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
         exact_decimal(whole, scaled, f.denominator) + "ns); 1ns is the finest precision, so drop decimal places";
}

std::string explain_span_too_large(std::string_view text, const Failure& f) {
  std::string out = quote(text) + ": " + span_text(text, f) + " is too large";
  const Unit unit = *f.span_unit;
  if (unit == Unit::microsecond || unit == Unit::millisecond) {
    // humantime counts these in u64 nanoseconds (about 584 years).
    const std::uint64_t per_second = unit == Unit::microsecond ? 1'000'000 : 1'000;
    const Duration same{f.integer_part / per_second,
                        static_cast<std::uint32_t>((f.integer_part % per_second) * (k_nanos_per_second / per_second))};
    return out + "; KumoMTA counts " + (unit == Unit::microsecond ? "us" : "ms") +
           " in 64-bit nanoseconds (about 584 years), write it in larger units, e.g. " + quote(format_humantime(same));
  }
  return out + "; the longest duration is 18446744073709551615s (about 584 billion years)";
}

std::string explain_overflow(std::string_view text, const Failure& f) {
  const std::string head = quote(text) + ": ";
  switch (f.overflow) {
    case OverflowCause::integer_too_large:
      return head + "the number" + at(f.span_start) + " is too large (at most 18446744073709551615)";
    case OverflowCause::too_many_decimals:
      return head + "the number" + at(f.span_start) + " has more than 19 decimal places";
    case OverflowCause::fraction_of_nanosecond:
      return head + span_text(text, f) +
             " has a decimal part, but nanoseconds must be whole (1ns is the finest precision), e.g. " +
             quote(std::to_string(f.integer_part == 0 ? 1 : f.integer_part) + "ns");
    case OverflowCause::inexact_nanoseconds: return explain_inexact_nanoseconds(text, f);
    case OverflowCause::inexact_seconds: return explain_inexact_seconds(text, f);
    case OverflowCause::fraction_too_precise:
      return head + span_text(text, f) +
             " has too many decimal places for KumoMTA to compute; use fewer or a smaller unit";
    case OverflowCause::span_too_large: return explain_span_too_large(text, f);
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

}  // namespace

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

ValueError to_value_error(std::string_view text, const Failure& f) {
  ValueError error;
  error.message = explain(text, f);
  error.kumo_message = humantime_display(f);
  error.position = position_of(f);
  error.crashes_kumod = f.kind == HumantimeErrorKind::panics;
  return error;
}

}  // namespace kumo::values::duration_detail
