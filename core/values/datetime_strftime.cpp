// Time:format: chrono 0.4.45's lenient strftime (StrftimeItems::new_lenient,
// then DelayedFormat with the English locale), for a DateTime<Utc>.
//
// Reading the format string follows chrono item by item, quirks included:
// a malformed specifier becomes literal text (what was read of it), and a
// padding modifier on a specifier made of several items ("%-D") makes the
// first item literal text while the others are still formatted.
#include <span>

#include "core/values/datetime.hpp"
#include "core/values/datetime_detail.hpp"

namespace kumo::values {

namespace {

using detail::Pad;

enum class Numeric {
  year,
  year_div_100,
  year_mod_100,
  iso_year,
  iso_year_mod_100,
  quarter,
  month,
  day,
  week_from_sun,
  week_from_mon,
  iso_week,
  weekday_from_sun,
  weekday_from_mon,
  ordinal,
  hour,
  hour12,
  minute,
  second,
  nanosecond,
  timestamp,
};

enum class Fixed {
  short_month,
  long_month,
  short_weekday,
  long_weekday,
  lower_ampm,
  upper_ampm,
  fraction_auto,
  fraction3,
  fraction6,
  fraction9,
  digits3,
  digits6,
  digits9,
  zone_name,
  offset,
  offset_colon,
  offset_two_colons,
  offset_three_colons,
  offset_permissive,
  rfc3339,
};

struct Item {
  enum class Kind { literal, numeric, fixed } kind = Kind::literal;
  std::string_view text;  // a literal; for the others, the specifier as written
  Numeric numeric = Numeric::year;
  Pad pad = Pad::none;
  Fixed fixed = Fixed::rfc3339;
};

constexpr Item lit(std::string_view text) { return Item{Item::Kind::literal, text}; }
constexpr Item num(Numeric n, Pad pad) { return Item{Item::Kind::numeric, {}, n, pad}; }
constexpr Item num0(Numeric n) { return num(n, Pad::zero); }
constexpr Item nums(Numeric n) { return num(n, Pad::space); }
constexpr Item fixed(Fixed f) { return Item{Item::Kind::fixed, {}, Numeric::year, Pad::none, f}; }

// Specifiers chrono expands to several items.
constexpr Item k_month_day_year[] = {num0(Numeric::month), lit("/"), num0(Numeric::day), lit("/"),
                                     num0(Numeric::year_mod_100)};  // %D, %x
constexpr Item k_iso_date[] = {num0(Numeric::year), lit("-"), num0(Numeric::month), lit("-"), num0(Numeric::day)};
constexpr Item k_hour_minute[] = {num0(Numeric::hour), lit(":"), num0(Numeric::minute)};
constexpr Item k_hms[] = {num0(Numeric::hour), lit(":"), num0(Numeric::minute), lit(":"),
                          num0(Numeric::second)};  // %T, %X
constexpr Item k_date_time[] = {fixed(Fixed::short_weekday), lit(" "), fixed(Fixed::short_month), lit(" "),
                                nums(Numeric::day),          lit(" "), num0(Numeric::hour),       lit(":"),
                                num0(Numeric::minute),       lit(":"), num0(Numeric::second),     lit(" "),
                                num0(Numeric::year)};  // %c
constexpr Item k_hms_ampm[] = {num0(Numeric::hour12), lit(":"), num0(Numeric::minute),   lit(":"),
                               num0(Numeric::second), lit(" "), fixed(Fixed::upper_ampm)};  // %r
constexpr Item k_day_month_year[] = {nums(Numeric::day), lit("-"), fixed(Fixed::short_month), lit("-"),
                                     num0(Numeric::year)};  // %v

// The items of a format string, one at a time, as StrftimeItems yields them.
class StrftimeItems {
 public:
  explicit StrftimeItems(std::string_view format) : m_rest(format) {}

  std::optional<Item> next() {
    if (!m_queue.empty()) {
      Item item = m_queue.front();
      m_queue = m_queue.subspan(1);
      return item;
    }
    if (m_rest.empty()) {
      return std::nullopt;
    }
    if (m_rest.front() != '%') {
      // Literal text and whitespace print as they are.
      const std::size_t end = std::min(m_rest.find('%'), m_rest.size());
      Item item = lit(m_rest.substr(0, end));
      m_rest.remove_prefix(end);
      return item;
    }
    return specifier();
  }

 private:
  // The bytes of the character at the front of `s` (1 for a stray byte).
  static std::size_t char_length(std::string_view s) {
    const auto lead = static_cast<unsigned char>(s.front());
    const std::size_t length = lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : lead < 0xF8 ? 4 : 1;
    return std::min(length, s.size());
  }

  Item specifier();
  Item expand(std::span<const Item> items) {
    m_queue = items.subspan(1);
    return items.front();
  }

  std::string_view m_rest;
  std::span<const Item> m_queue;
};

Item StrftimeItems::specifier() {
  const std::string_view original = m_rest;
  std::string_view rest = original.substr(1);
  // Reads the next character; non-ASCII ones read as '\0', which no case matches.
  auto next = [&rest](char& c) {
    if (rest.empty()) {
      return false;
    }
    const std::size_t length = char_length(rest);
    c = length == 1 ? rest.front() : '\0';
    rest.remove_prefix(length);
    return true;
  };
  // Lenient: what was read of a malformed specifier is literal text.
  auto malformed = [&] {
    m_rest = rest;
    return lit(original.substr(0, original.size() - rest.size()));
  };
  char spec = 0;
  if (!next(spec)) {
    return malformed();
  }
  std::optional<Pad> pad_override;
  if (spec == '-' || spec == '0' || spec == '_') {
    pad_override = spec == '-' ? Pad::none : spec == '0' ? Pad::zero : Pad::space;
  }
  const bool alternate = spec == '#';
  if ((pad_override || alternate) && !next(spec)) {
    return malformed();
  }
  if (alternate && spec != 'z') {
    return malformed();
  }

  std::optional<Item> item;
  switch (spec) {
    case 'A': item = fixed(Fixed::long_weekday); break;
    case 'B': item = fixed(Fixed::long_month); break;
    case 'C': item = num0(Numeric::year_div_100); break;
    case 'D': item = expand(k_month_day_year); break;
    case 'F': item = expand(k_iso_date); break;
    case 'G': item = num0(Numeric::iso_year); break;
    case 'H': item = num0(Numeric::hour); break;
    case 'I': item = num0(Numeric::hour12); break;
    case 'M': item = num0(Numeric::minute); break;
    case 'P': item = fixed(Fixed::lower_ampm); break;
    case 'R': item = expand(k_hour_minute); break;
    case 'S': item = num0(Numeric::second); break;
    case 'T': item = expand(k_hms); break;
    case 'U': item = num0(Numeric::week_from_sun); break;
    case 'V': item = num0(Numeric::iso_week); break;
    case 'W': item = num0(Numeric::week_from_mon); break;
    case 'X': item = expand(k_hms); break;
    case 'Y': item = num0(Numeric::year); break;
    case 'Z': item = fixed(Fixed::zone_name); break;
    case 'a': item = fixed(Fixed::short_weekday); break;
    case 'b':
    case 'h': item = fixed(Fixed::short_month); break;
    case 'c': item = expand(k_date_time); break;
    case 'd': item = num0(Numeric::day); break;
    case 'e': item = nums(Numeric::day); break;
    case 'f': item = num0(Numeric::nanosecond); break;
    case 'g': item = num0(Numeric::iso_year_mod_100); break;
    case 'j': item = num0(Numeric::ordinal); break;
    case 'k': item = nums(Numeric::hour); break;
    case 'l': item = nums(Numeric::hour12); break;
    case 'm': item = num0(Numeric::month); break;
    case 'n': item = lit("\n"); break;
    case 'p': item = fixed(Fixed::upper_ampm); break;
    case 'q': item = num(Numeric::quarter, Pad::none); break;
    case 'r': item = expand(k_hms_ampm); break;
    case 's': item = num(Numeric::timestamp, Pad::none); break;
    case 't': item = lit("\t"); break;
    case 'u': item = num(Numeric::weekday_from_mon, Pad::none); break;
    case 'v': item = expand(k_day_month_year); break;
    case 'w': item = num(Numeric::weekday_from_sun, Pad::none); break;
    case 'x': item = expand(k_month_day_year); break;
    case 'y': item = num0(Numeric::year_mod_100); break;
    case 'z': item = fixed(alternate ? Fixed::offset_permissive : Fixed::offset); break;
    case '+': item = fixed(Fixed::rfc3339); break;
    case '%': item = lit("%"); break;
    case ':':
      for (auto [suffix, kind] : {std::pair{std::string_view("::z"), Fixed::offset_three_colons},
                                  std::pair{std::string_view(":z"), Fixed::offset_two_colons},
                                  std::pair{std::string_view("z"), Fixed::offset_colon}}) {
        if (!item && rest.substr(0, suffix.size()) == suffix) {
          rest.remove_prefix(suffix.size());
          item = fixed(kind);
        }
      }
      break;
    case '.': {
      char c = 0;
      if (!next(c)) {
        return malformed();
      }
      if (c == 'f') {
        item = fixed(Fixed::fraction_auto);
      } else if (c == '3' || c == '6' || c == '9') {
        const Fixed kind = c == '3' ? Fixed::fraction3 : c == '6' ? Fixed::fraction6 : Fixed::fraction9;
        char f = 0;
        if (!next(f)) {
          return malformed();
        }
        if (f == 'f') {
          item = fixed(kind);
        }
      }
      break;
    }
    case '3':
    case '6':
    case '9': {
      const Fixed kind = spec == '3' ? Fixed::digits3 : spec == '6' ? Fixed::digits6 : Fixed::digits9;
      char f = 0;
      if (!next(f)) {
        return malformed();
      }
      if (f == 'f') {
        item = fixed(kind);
      }
      break;
    }
    default: break;
  }
  // A padding modifier applies to a lone numeric item only; chrono keeps
  // the rest of an expansion queued even then.
  if (!item || (pad_override && (item->kind != Item::Kind::numeric || !m_queue.empty()))) {
    return malformed();
  }
  if (pad_override) {
    item->pad = *pad_override;
  }
  if (item->kind != Item::Kind::literal) {
    item->text = original.substr(0, original.size() - rest.size());
  }
  m_rest = rest;
  return *item;
}

// What the formatting items read of the time, computed once.
struct Fields {
  explicit Fields(const UtcTime& t);

  UtcTime time;
  detail::Ymd date;
  std::int64_t ordinal = 0;
  std::uint32_t from_sunday = 0, from_monday = 0;  // weekday numbers, from 0
  std::int64_t iso_year = 0;
  std::uint32_t iso_week = 0;
};

// ISO 8601 weeks: week 1 holds the year's first Thursday.
std::uint32_t iso_weeks_in(std::int64_t year) {
  const std::uint32_t jan1 = detail::weekday_from_monday(detail::days_from_civil(year, 1, 1));
  return jan1 == 3 || (jan1 == 2 && detail::is_leap_year(year)) ? 53 : 52;
}

Fields::Fields(const UtcTime& t)
    : time(t),
      date(detail::civil_from_days(t.days)),
      ordinal(t.days - detail::days_from_civil(date.year, 1, 1) + 1),
      from_sunday(detail::weekday_from_sunday(t.days)),
      from_monday(detail::weekday_from_monday(t.days)),
      iso_year(date.year) {
  const std::int64_t week = (ordinal - (from_monday + 1) + 10) / 7;
  if (week < 1) {
    iso_year = date.year - 1;
    iso_week = iso_weeks_in(iso_year);
  } else if (week > iso_weeks_in(date.year)) {
    iso_year = date.year + 1;
    iso_week = 1;
  } else {
    iso_week = static_cast<std::uint32_t>(week);
  }
}

// chrono's write_two: values are u8 (wrapped like Rust's `as u8`), and a
// value of 100 or more shows its "tens" past '9' as chrono does.
void write_two(std::string& out, std::uint8_t v, Pad pad) {
  const auto tens = static_cast<std::uint8_t>(v / 10);
  if (tens != 0 || pad == Pad::zero) {
    out += static_cast<char>('0' + tens);
  } else if (pad == Pad::space) {
    out += ' ';
  }
  out += static_cast<char>('0' + v % 10);
}

void write_n(std::string& out, std::size_t width, std::int64_t v, Pad pad, bool always_sign) {
  out += detail::rust_integer(v, always_sign ? width + 1 : width, pad, always_sign);
}

// Four-digit years print as they are; others padded, and signed outside 0..=9999.
void write_year(std::string& out, std::int64_t year, Pad pad) {
  if (year >= 1000 && year <= 9999) {
    detail::append_two_digits(out, static_cast<std::uint32_t>(year / 100));
    detail::append_two_digits(out, static_cast<std::uint32_t>(year % 100));
  } else {
    write_n(out, 4, year, pad, year < 0 || year >= 10000);
  }
}

std::uint8_t as_u8(std::int64_t v) { return static_cast<std::uint8_t>(v); }
std::int64_t mod_100(std::int64_t year) { return year - detail::floor_div(year, 100) * 100; }  // rem_euclid

void write_numeric(std::string& out, const Fields& f, Numeric n, Pad pad) {
  const UtcTime& t = f.time;
  const std::uint32_t hour = t.secs / 3600;
  switch (n) {
    case Numeric::year: write_year(out, f.date.year, pad); break;
    case Numeric::year_div_100: write_two(out, as_u8(detail::floor_div(f.date.year, 100)), pad); break;
    case Numeric::year_mod_100: write_two(out, as_u8(mod_100(f.date.year)), pad); break;
    case Numeric::iso_year: write_year(out, f.iso_year, pad); break;
    case Numeric::iso_year_mod_100: write_two(out, as_u8(mod_100(f.iso_year)), pad); break;
    case Numeric::quarter: out += static_cast<char>('1' + (f.date.month - 1) / 3); break;
    case Numeric::month: write_two(out, as_u8(f.date.month), pad); break;
    case Numeric::day: write_two(out, as_u8(f.date.day), pad); break;
    case Numeric::week_from_sun: write_two(out, as_u8((f.ordinal - f.from_sunday + 6) / 7), pad); break;
    case Numeric::week_from_mon: write_two(out, as_u8((f.ordinal - f.from_monday + 6) / 7), pad); break;
    case Numeric::iso_week: write_two(out, as_u8(f.iso_week), pad); break;
    case Numeric::weekday_from_sun: out += static_cast<char>('0' + f.from_sunday); break;
    case Numeric::weekday_from_mon: out += static_cast<char>('1' + f.from_monday); break;
    case Numeric::ordinal: write_n(out, 3, f.ordinal, pad, false); break;
    case Numeric::hour: write_two(out, as_u8(hour), pad); break;
    case Numeric::hour12: write_two(out, as_u8(hour % 12 == 0 ? 12 : hour % 12), pad); break;
    case Numeric::minute: write_two(out, as_u8(t.secs / 60 % 60), pad); break;
    case Numeric::second: write_two(out, as_u8(t.secs % 60 + t.frac / 1'000'000'000), pad); break;
    case Numeric::nanosecond: write_n(out, 9, t.frac % 1'000'000'000, pad, false); break;
    case Numeric::timestamp: write_n(out, 9, unix_timestamp(t), pad, false); break;
  }
}

// False for the one item chrono parses but cannot format (%#z).
bool write_fixed(std::string& out, const Fields& f, Fixed kind) {
  const UtcTime& t = f.time;
  const bool pm = t.secs / 3600 >= 12;
  auto digits = [&](std::int64_t v, std::size_t width) { out += detail::rust_integer(v, width, Pad::zero, false); };
  switch (kind) {
    case Fixed::short_month: out += detail::k_short_months[f.date.month - 1]; break;
    case Fixed::long_month: out += detail::k_long_months[f.date.month - 1]; break;
    case Fixed::short_weekday: out += detail::k_short_weekdays[f.from_sunday]; break;
    case Fixed::long_weekday: out += detail::k_long_weekdays[f.from_sunday]; break;
    case Fixed::lower_ampm: out += pm ? "pm" : "am"; break;
    case Fixed::upper_ampm: out += pm ? "PM" : "AM"; break;
    case Fixed::fraction_auto: out += detail::fraction_text(t.frac % 1'000'000'000); break;
    case Fixed::fraction3: out += '.'; [[fallthrough]];
    case Fixed::digits3: digits(t.frac / 1'000'000 % 1000, 3); break;
    case Fixed::fraction6: out += '.'; [[fallthrough]];
    case Fixed::digits6: digits(t.frac / 1000 % 1'000'000, 6); break;
    case Fixed::fraction9: out += '.'; [[fallthrough]];
    case Fixed::digits9: digits(t.frac % 1'000'000'000, 9); break;
    case Fixed::zone_name: out += "UTC"; break;
    case Fixed::offset: out += "+0000"; break;
    case Fixed::offset_colon: out += "+00:00"; break;
    case Fixed::offset_two_colons: out += "+00:00:00"; break;
    case Fixed::offset_three_colons: out += "+00"; break;
    case Fixed::rfc3339: out += to_rfc3339(t); break;
    case Fixed::offset_permissive: return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> format_strftime(const UtcTime& t, std::string_view format, FormatSink& out) {
  const Fields fields(t);
  StrftimeItems items(format);
  std::string text;
  while (auto item = items.next()) {
    text.clear();
    switch (item->kind) {
      case Item::Kind::literal: out.append(item->text); continue;
      case Item::Kind::numeric: write_numeric(text, fields, item->numeric, item->pad); break;
      case Item::Kind::fixed:
        if (!write_fixed(text, fields, item->fixed)) {
          return std::string(item->text);
        }
        break;
    }
    out.append(text);
  }
  return std::nullopt;
}

}  // namespace kumo::values
