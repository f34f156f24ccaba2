// humantime 2.4.0's `parse_duration`, reproduced step for step, including
// where it reports byte offsets, because kumod's behaviour (and the text it
// logs) depends on those details. Alongside the humantime error it records
// what actually went wrong (which character, which span, which arithmetic
// limit), so that duration_explain.cpp can explain it.
#include <optional>

#include "core/values/duration_detail.hpp"

namespace kumo::values::duration_detail {

namespace {

// A code point and where it starts: the parser reports positions.
struct PlacedCodePoint : CodePoint {
  std::size_t offset = 0;
};

// Rust's char::is_whitespace: the Unicode White_Space property.
bool is_rust_whitespace(const CodePoint& c) { return c.valid && util::is_white_space(c.value); }

std::uint64_t digit_value(const CodePoint& c) { return c.value - U'0'; }

std::optional<Unit> unit_from_spelling(std::string_view spelling) {
  for (const auto& entry : k_unit_spellings) {
    if (entry.spelling == spelling) {
      return entry.unit;
    }
  }
  return std::nullopt;
}

bool unit_is_subsecond_or_minute(Unit unit) {
  return unit == Unit::microsecond || unit == Unit::millisecond || unit == Unit::second || unit == Unit::minute;
}

struct Fraction {
  std::uint64_t numerator = 0;
  std::uint64_t denominator = 1;  // 10^digits
};

template <class T>
using Result = util::Expected<T, Failure>;

bool checked_mul(std::uint64_t a, std::uint64_t b, std::uint64_t& out) { return !__builtin_mul_overflow(a, b, &out); }

bool checked_add(std::uint64_t a, std::uint64_t b, std::uint64_t& out) { return !__builtin_add_overflow(a, b, &out); }

// Mirrors humantime's Parser: a cursor over code points, with `mark` playing

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
      Failure f =
          failure(spelling.empty() ? HumantimeErrorKind::unit_needed : HumantimeErrorKind::unknown_unit, unit_start);
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
      return util::unexpected(overflow(in_nanos ? OverflowCause::inexact_nanoseconds : OverflowCause::inexact_seconds));
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

}  // namespace

util::Expected<Duration, Failure> parse_exact(std::string_view text) {
  if (text == "0") {
    return Duration{};  // humantime's special case: only this exact string
  }
  return HumantimeParser(text).parse();
}

std::uint64_t nanos_per_unit(Unit unit) {
  switch (unit) {
    case Unit::microsecond: return 1'000;
    case Unit::millisecond: return 1'000'000;
    case Unit::second: return 1'000'000'000;
    case Unit::minute: return 60'000'000'000;
    default: return 0;
  }
}

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

}  // namespace kumo::values::duration_detail

namespace kumo::values {

util::Expected<Duration, ValueError> parse_humantime(std::string_view text) {
  auto parsed = duration_detail::parse_exact(text);
  if (!parsed) {
    return util::unexpected(duration_detail::to_value_error(text, parsed.error()));
  }
  return parsed.value();
}

std::optional<HumantimeErrorKind> humantime_error_kind(std::string_view text) {
  auto parsed = duration_detail::parse_exact(text);
  if (parsed) {
    return std::nullopt;
  }
  return parsed.error().kind;
}

}  // namespace kumo::values
