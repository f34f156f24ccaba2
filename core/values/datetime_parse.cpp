// kumo.time.parse_rfc3339 and parse_rfc2822: chrono 0.4.45's parsers
// (format/parse.rs, format/scan.rs, format/parsed.rs) and, for RFC 2822,
// mailparsing's retry with a trailing alphabetic zone replaced by an offset
// (mailparsing/src/datetime.rs), which strips comments and folding
// whitespace as its RFC 5322 grammar does. Same acceptance, same error
// kinds in the same order; rewritten, not translated.
#include <array>
#include <limits>
#include <utility>

#include "core/util/text.hpp"
#include "core/values/datetime.hpp"
#include "core/values/datetime_detail.hpp"

namespace kumo::values {

namespace {

using detail::days_from_civil;
using detail::days_in_month;
using detail::days_in_range;

// chrono's ParseErrorKind, with its Display text.
enum class ParseError { out_of_range, impossible, not_enough, invalid, too_short, too_long };

std::string error_text(ParseError e) {
  switch (e) {
    case ParseError::out_of_range: return "input is out of range";
    case ParseError::impossible: return "no possible date and time matching input";
    case ParseError::not_enough: return "input is not enough for unique date and time";
    case ParseError::invalid: return "input contains invalid characters";
    case ParseError::too_short: return "premature end of input";
    case ParseError::too_long: return "trailing input";
  }
  return "";
}

template <class T>
using Parsed = util::Expected<T, ParseError>;

Parsed<std::string_view> fail(ParseError e) { return util::unexpected(e); }

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char lower(char c) { return static_cast<char>(c | 0x20); }

std::string_view trim_start(std::string_view s) { return s.substr(util::leading_whitespace(s)); }

// --- chrono's scanners (format/scan.rs) ------------------------------------

// Digits into `value`: at least `min` of them, at most `max`.
Parsed<std::string_view> number(std::string_view s, std::size_t min, std::size_t max, std::int64_t& value) {
  if (s.size() < min) {
    return fail(ParseError::too_short);
  }
  value = 0;
  const std::size_t limit = std::min(max, s.size());
  for (std::size_t i = 0; i < limit; ++i) {
    if (!is_digit(s[i])) {
      return i < min ? fail(ParseError::invalid) : Parsed<std::string_view>(s.substr(i));
    }
    if (__builtin_mul_overflow(value, 10, &value) || __builtin_add_overflow(value, s[i] - '0', &value)) {
      return fail(ParseError::out_of_range);
    }
  }
  return s.substr(limit);
}

Parsed<std::string_view> expect_char(std::string_view s, char c) {
  if (s.empty()) {
    return fail(ParseError::too_short);
  }
  return s.front() == c ? Parsed<std::string_view>(s.substr(1)) : fail(ParseError::invalid);
}

// At least one whitespace character.
Parsed<std::string_view> space(std::string_view s) {
  std::string_view rest = trim_start(s);
  if (rest.size() < s.size()) {
    return rest;
  }
  return fail(s.empty() ? ParseError::too_short : ParseError::invalid);
}

// A three-letter name from `names`, any case, into `index`.
template <std::size_t N>
Parsed<std::string_view> short_name(std::string_view s, const std::array<std::string_view, N>& names,
                                    std::size_t& index) {
  if (s.size() < 3) {
    return fail(ParseError::too_short);
  }
  for (std::size_t i = 0; i < N; ++i) {
    if (lower(s[0]) == lower(names[i][0]) && lower(s[1]) == names[i][1] && lower(s[2]) == names[i][2]) {
      index = i;
      return s.substr(3);
    }
  }
  return fail(ParseError::invalid);
}

// "+hh:mm"-like offsets: a sign, two hour digits, `colon` between, then two
// minute digits (first 0-5).
enum class Colon { required, none };
Parsed<std::string_view> numeric_offset(std::string_view s, Colon colon, bool unicode_minus, std::int64_t& offset) {
  static constexpr std::string_view k_minus_sign = "\u2212";
  bool negative = false;
  if (s.empty()) {
    return fail(ParseError::too_short);
  }
  if (s.front() == '+' || s.front() == '-') {
    negative = s.front() == '-';
    s.remove_prefix(1);
  } else if (unicode_minus && s.substr(0, k_minus_sign.size()) == k_minus_sign) {
    negative = true;
    s.remove_prefix(k_minus_sign.size());
  } else {
    return fail(ParseError::invalid);
  }
  if (s.size() < 2) {
    return fail(ParseError::too_short);
  }
  if (!is_digit(s[0]) || !is_digit(s[1])) {
    return fail(ParseError::invalid);
  }
  const std::int64_t hours = (s[0] - '0') * 10 + (s[1] - '0');
  s.remove_prefix(2);
  if (colon == Colon::required) {
    auto after = expect_char(s, ':');
    if (!after) {
      return after;
    }
    s = *after;
  }
  if (s.size() < 2) {
    return fail(ParseError::too_short);
  }
  if (!is_digit(s[1]) || !is_digit(s[0])) {
    return fail(ParseError::invalid);
  }
  if (s[0] > '5') {
    return fail(ParseError::out_of_range);
  }
  const std::int64_t minutes = (s[0] - '0') * 10 + (s[1] - '0');
  offset = (negative ? -1 : 1) * (hours * 3600 + minutes * 60);
  return s.substr(2);
}

// A local date and time at a fixed offset, as UTC; chrono refuses offsets
// of a day or more, and instants outside its range.
Parsed<UtcTime> at_offset(std::int64_t local_days, std::uint32_t local_secs, std::uint32_t frac, std::int64_t offset,
                          ParseError outside) {
  if (offset <= -86'400 || offset >= 86'400) {
    return util::unexpected(ParseError::out_of_range);
  }
  const std::int64_t secs = std::int64_t{local_secs} - offset;
  const std::int64_t shift = detail::floor_div(secs, 86'400);
  if (!days_in_range(local_days + shift)) {
    return util::unexpected(outside);
  }
  return UtcTime{local_days + shift, static_cast<std::uint32_t>(secs - shift * 86'400), frac};
}

// --- RFC 3339 (parse_rfc3339) ----------------------------------------------

Parsed<std::uint32_t> digit_pair(std::string_view s, std::size_t at) {
  if (!is_digit(s[at]) || !is_digit(s[at + 1])) {
    return util::unexpected(ParseError::invalid);
  }
  return static_cast<std::uint32_t>((s[at] - '0') * 10 + (s[at + 1] - '0'));
}

// The nine significant digits of a fraction, scaled to nanoseconds; more
// digits are read and ignored.
Parsed<std::string_view> nanoseconds(std::string_view s, std::uint32_t& nanos) {
  std::int64_t value = 0;
  auto rest = number(s, 1, 9, value);
  if (!rest) {
    return rest;
  }
  static constexpr std::array<std::int64_t, 10> k_scale{0,      100'000'000, 10'000'000, 1'000'000, 100'000,
                                                        10'000, 1000,        100,        10,        1};
  nanos = static_cast<std::uint32_t>(value * k_scale[s.size() - rest->size()]);
  std::size_t skip = 0;
  while (skip < rest->size() && is_digit((*rest)[skip])) {
    ++skip;
  }
  return rest->substr(skip);
}

Parsed<UtcTime> chrono_rfc3339(std::string_view s) {
  if (s.size() < 19) {
    return util::unexpected(ParseError::too_short);
  }
  // Every separator and digit of "YYYY-MM-DD" first; then the date must
  // exist; then the time's.
  auto year_high = digit_pair(s, 0);
  auto year_low = digit_pair(s, 2);
  auto month = digit_pair(s, 5);
  auto day = digit_pair(s, 8);
  if (!year_high || !year_low || s[4] != '-' || !month || s[7] != '-' || !day) {
    return util::unexpected(ParseError::invalid);
  }
  const std::int64_t year = *year_high * 100 + *year_low;
  if (*month < 1 || *month > 12 || *day < 1 || *day > days_in_month(year, *month)) {
    return util::unexpected(ParseError::out_of_range);
  }
  auto hour = digit_pair(s, 11);
  auto minute = digit_pair(s, 14);
  auto second = digit_pair(s, 17);
  const bool separators = (s[10] == 'T' || s[10] == 't' || s[10] == ' ') && s[13] == ':' && s[16] == ':';
  if (!separators || !hour || !minute || !second) {
    return util::unexpected(ParseError::invalid);
  }
  // A leap second is kept on :59, its nanoseconds past 1e9.
  const bool leap = *second == 60;
  std::uint32_t nanos = 0;
  std::string_view rest = s.substr(19);
  if (!rest.empty() && rest.front() == '.') {
    auto after = nanoseconds(rest.substr(1), nanos);
    if (!after) {
      return util::unexpected(after.error());
    }
    rest = *after;
  }
  const std::uint32_t sec = leap ? 59 : *second;
  if (*hour >= 24 || *minute >= 60 || sec >= 60) {
    return util::unexpected(ParseError::out_of_range);
  }
  std::int64_t offset = 0;
  if (!rest.empty() && (rest.front() == 'Z' || rest.front() == 'z')) {
    rest.remove_prefix(1);
  } else {
    auto after = numeric_offset(rest, Colon::required, true, offset);
    if (!after) {
      return util::unexpected(after.error());
    }
    rest = *after;
  }
  if (!rest.empty()) {
    return util::unexpected(ParseError::too_long);
  }
  // Years 0..=9999 at offsets under a day never leave chrono's range.
  return at_offset(days_from_civil(year, *month, *day), *hour * 3600 + *minute * 60 + sec,
                   nanos + (leap ? 1'000'000'000u : 0u), offset, ParseError::out_of_range);
}

// --- RFC 2822 (chrono's parse_from_rfc2822) ---------------------------------

// The fields chrono's RFC 2822 parser sets.
struct Fields2822 {
  std::optional<std::uint32_t> weekday;  // from Sunday
  std::int64_t day = 0, month = 0, year = 0, hour = 0, minute = 0, second = 0;
  std::int64_t offset = 0;
};

// RFC 2822's obsolete zone names, as chrono reads them.
Parsed<std::string_view> zone_2822(std::string_view s, std::int64_t& offset) {
  std::size_t letters = 0;
  while (letters < s.size() && is_alpha(s[letters])) {
    ++letters;
  }
  if (letters == 0) {
    return numeric_offset(s, Colon::none, false, offset);
  }
  std::string name;
  for (char c : s.substr(0, letters)) {
    name += lower(c);
  }
  static constexpr std::array<std::pair<std::string_view, int>, 11> k_names{{{"gmt", 0},
                                                                             {"ut", 0},
                                                                             {"z", 0},
                                                                             {"edt", -4},
                                                                             {"est", -5},
                                                                             {"cdt", -5},
                                                                             {"cst", -6},
                                                                             {"mdt", -6},
                                                                             {"mst", -7},
                                                                             {"pdt", -7},
                                                                             {"pst", -8}}};
  for (const auto& [zone, hours] : k_names) {
    if (name == zone) {
      offset = hours * 3600;
      return s.substr(letters);
    }
  }
  // Military letters (but J) mean an unknown offset: -0000.
  if (letters == 1 && name[0] != 'j') {
    offset = 0;
    return s.substr(letters);
  }
  return fail(ParseError::invalid);
}

// A comment, nested parentheses and backslash escapes allowed.
Parsed<std::string_view> comment_2822(std::string_view s) {
  s = trim_start(s);
  if (s.empty()) {
    return fail(ParseError::too_short);
  }
  if (s.front() != '(') {
    return fail(ParseError::invalid);
  }
  std::size_t depth = 1;
  for (std::size_t i = 1; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;  // the escaped byte, whatever it is
    } else if (s[i] == '(') {
      ++depth;
    } else if (s[i] == ')' && --depth == 0) {
      return s.substr(i + 1);
    }
  }
  return fail(ParseError::too_short);
}

// The syntax: [day-of-week ","] day month year hour ":" minute [":" second]
// zone *comment, chrono's way (Unicode whitespace, 2- and 3-digit years).
Parsed<Fields2822> scan_2822(std::string_view s) {
  Fields2822 f;
  auto step = [&s](Parsed<std::string_view> r) {
    if (r) {
      s = *r;
    }
    return r.has_value() ? std::optional<ParseError>() : std::optional<ParseError>(r.error());
  };
  auto out_of_range = [](std::int64_t v, std::int64_t low, std::int64_t high) { return v < low || v > high; };

  s = trim_start(s);
  std::size_t index = 0;
  if (auto after = short_name(s, detail::k_short_weekdays, index)) {
    if (after->empty() || after->front() != ',') {
      return util::unexpected(ParseError::invalid);
    }
    s = after->substr(1);
    f.weekday = static_cast<std::uint32_t>(index);
  }
  s = trim_start(s);
  if (auto e = step(number(s, 1, 2, f.day))) {
    return util::unexpected(*e);
  }
  if (out_of_range(f.day, 1, 31)) {
    return util::unexpected(ParseError::out_of_range);
  }
  if (auto e = step(space(s))) {
    return util::unexpected(*e);
  }
  if (auto e = step(short_name(s, detail::k_short_months, index))) {
    return util::unexpected(*e);
  }
  f.month = static_cast<std::int64_t>(index) + 1;
  if (auto e = step(space(s))) {
    return util::unexpected(*e);
  }
  const std::size_t before_year = s.size();
  if (auto e = step(number(s, 2, std::numeric_limits<std::size_t>::max(), f.year))) {
    return util::unexpected(*e);
  }
  // Two-digit years: 00-49 are 20xx, 50-99 19xx; three-digit years are 1900+.
  const std::size_t year_digits = before_year - s.size();
  if (year_digits == 2) {
    f.year += f.year < 50 ? 2000 : 1900;
  } else if (year_digits == 3) {
    f.year += 1900;
  }
  if (out_of_range(f.year, std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max())) {
    return util::unexpected(ParseError::out_of_range);
  }
  if (auto e = step(space(s))) {
    return util::unexpected(*e);
  }
  if (auto e = step(number(s, 2, 2, f.hour))) {
    return util::unexpected(*e);
  }
  if (out_of_range(f.hour, 0, 23)) {
    return util::unexpected(ParseError::out_of_range);
  }
  if (auto e = step(expect_char(trim_start(s), ':'))) {
    return util::unexpected(*e);
  }
  s = trim_start(s);
  if (auto e = step(number(s, 2, 2, f.minute))) {
    return util::unexpected(*e);
  }
  if (out_of_range(f.minute, 0, 59)) {
    return util::unexpected(ParseError::out_of_range);
  }
  if (auto colon = expect_char(trim_start(s), ':')) {
    s = *colon;
    if (auto e = step(number(s, 2, 2, f.second))) {
      return util::unexpected(*e);
    }
    if (out_of_range(f.second, 0, 60)) {
      return util::unexpected(ParseError::out_of_range);
    }
  }
  if (auto e = step(space(s))) {
    return util::unexpected(*e);
  }
  if (auto e = step(zone_2822(s, f.offset))) {
    return util::unexpected(*e);
  }
  while (auto after = comment_2822(s)) {
    s = *after;
  }
  if (!s.empty()) {
    return util::unexpected(ParseError::too_long);
  }
  return f;
}

// Parsed::to_datetime for those fields: the date must exist and agree with
// the weekday given; second 60 is a leap second.
Parsed<UtcTime> resolve_2822(const Fields2822& f) {
  const auto month = static_cast<std::uint32_t>(f.month);
  const auto day = static_cast<std::uint32_t>(f.day);
  if (f.year < detail::k_min_year || f.year > detail::k_max_year || day > days_in_month(f.year, month)) {
    return util::unexpected(ParseError::out_of_range);
  }
  const std::int64_t days = days_from_civil(f.year, month, day);
  if (f.weekday && *f.weekday != detail::weekday_from_sunday(days)) {
    return util::unexpected(ParseError::impossible);
  }
  const bool leap = f.second == 60;
  const auto secs = static_cast<std::uint32_t>(f.hour * 3600 + f.minute * 60 + (leap ? 59 : f.second));
  return at_offset(days, secs, leap ? 1'000'000'000u : 0u, f.offset, ParseError::impossible);
}

Parsed<UtcTime> chrono_rfc2822(std::string_view s) {
  auto fields = scan_2822(s);
  if (!fields) {
    return util::unexpected(fields.error());
  }
  return resolve_2822(*fields);
}

// --- mailparsing's fallback -------------------------------------------------

// RFC 5322 CFWS as mailparsing's nom grammar reads it: every function takes
// a position and answers where its match ends, or nullopt.
class Cfws {
 public:
  explicit Cfws(std::string_view s) : m_s(s) {}

  // The tokens between comments and folding whitespace, joined by single
  // spaces; nullopt when the text does not split that way.
  std::optional<std::string> strip() const {
    std::string out;
    std::size_t p = 0;
    while (p < m_s.size()) {
      if (auto end = cfws(p)) {
        p = *end;
        continue;
      }
      const std::size_t start = p;
      while (p < m_s.size() && !is_token_break(m_s[p])) {
        ++p;
      }
      if (p == start) {
        return std::nullopt;
      }
      if (!out.empty()) {
        out += ' ';
      }
      out += m_s.substr(start, p - start);
    }
    return out;
  }

 private:
  static bool is_token_break(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '('; }
  static bool is_wsp(char c) { return c == ' ' || c == '\t'; }

  std::size_t skip_wsp(std::size_t p) const {
    while (p < m_s.size() && is_wsp(m_s[p])) {
      ++p;
    }
    return p;
  }

  // "\r\n" or "\n".
  std::optional<std::size_t> newline(std::size_t p) const {
    if (p < m_s.size() && m_s[p] == '\r') {
      ++p;
      return p < m_s.size() && m_s[p] == '\n' ? std::optional<std::size_t>(p + 1) : std::nullopt;
    }
    return p < m_s.size() && m_s[p] == '\n' ? std::optional<std::size_t>(p + 1) : std::nullopt;
  }

  // fws = (wsp* newline)* wsp+ | wsp+ newline wsp+, each part greedy.
  std::optional<std::size_t> fws(std::size_t p) const {
    std::size_t q = p;
    while (auto line = newline(skip_wsp(q))) {
      q = *line;
    }
    if (std::size_t end = skip_wsp(q); end > q) {
      return end;
    }
    std::size_t a = skip_wsp(p);
    if (a == p) {
      return std::nullopt;
    }
    auto b = newline(a);
    if (!b) {
      return std::nullopt;
    }
    std::size_t end = skip_wsp(*b);
    return end > *b ? std::optional<std::size_t>(end) : std::nullopt;
  }

  std::size_t opt_fws(std::size_t p) const { return fws(p).value_or(p); }

  // ctext: printable ASCII but ( ) \, the obsolete controls, any non-ASCII character.
  static bool is_ctext(unsigned char c) {
    return (c >= 0x21 && c <= 0x27) || (c >= 0x2A && c <= 0x5B) || (c >= 0x5D && c <= 0x7E) || is_obs_ctl(c) ||
           c >= 0x80;
  }
  static bool is_obs_ctl(unsigned char c) {
    return (c >= 0x01 && c <= 0x08) || c == 0x0B || c == 0x0C || (c >= 0x0E && c <= 0x1F) || c == 0x7F;
  }
  static bool is_quotable(unsigned char c) {
    return c == 0x00 || c == '\r' || c == '\n' || c == ' ' || is_obs_ctl(c) || (c >= 0x21 && c <= 0x7E) || c >= 0x80;
  }
  static std::size_t char_length(unsigned char lead) { return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4; }

  // comment = "(" (fws? ccontent)* fws? ")", nested comments counted rather
  // than recursed into: a nested comment that fails fails them all.
  std::optional<std::size_t> comment(std::size_t p) const {
    if (p >= m_s.size() || m_s[p] != '(') {
      return std::nullopt;
    }
    std::size_t depth = 1;
    ++p;
    while (true) {
      p = opt_fws(p);
      if (p >= m_s.size()) {
        return std::nullopt;
      }
      const auto c = static_cast<unsigned char>(m_s[p]);
      if (c == ')') {
        ++p;
        if (--depth == 0) {
          return p;
        }
      } else if (c == '(') {
        ++depth;
        ++p;
      } else if (c == '\\') {
        if (p + 1 >= m_s.size() || !is_quotable(static_cast<unsigned char>(m_s[p + 1]))) {
          return std::nullopt;
        }
        p += 1 + char_length(static_cast<unsigned char>(m_s[p + 1]));
      } else if (is_ctext(c)) {
        p += char_length(c);
      } else {
        return std::nullopt;
      }
    }
  }

  // cfws = (fws? comment)+ fws? | fws
  std::optional<std::size_t> cfws(std::size_t p) const {
    std::optional<std::size_t> last;
    std::size_t q = p;
    while (auto end = comment(opt_fws(q))) {
      q = *end;
      last = q;
    }
    if (last) {
      return opt_fws(*last);
    }
    return fws(p);
  }

  std::string_view m_s;
};

// Zones named by one abbreviation the tz database (2026) uses at a single
// offset; mailparsing reads any other alphabetic zone as -0000.
std::string_view named_zone_offset(std::string_view zone) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 44> k_zones{{
      {"ACDT", "+1030"}, {"ACST", "+0930"}, {"ADT", "-0300"},  {"AEDT", "+1100"}, {"AEST", "+1000"}, {"AKDT", "-0800"},
      {"AKST", "-0900"}, {"AST", "-0400"},  {"AWST", "+0800"}, {"BST", "+0100"},  {"CAT", "+0200"},  {"CEST", "+0200"},
      {"CET", "+0100"},  {"CHST", "+1000"}, {"EAT", "+0300"},  {"EDT", "-0400"},  {"EEST", "+0300"}, {"EET", "+0200"},
      {"EST", "-0500"},  {"GMT", "+0000"},  {"HDT", "-0900"},  {"HKT", "+0800"},  {"HST", "-1000"},  {"IDT", "+0300"},
      {"JST", "+0900"},  {"KST", "+0900"},  {"MDT", "-0600"},  {"MSK", "+0300"},  {"MST", "-0700"},  {"NDT", "-0230"},
      {"NST", "-0330"},  {"NZDT", "+1300"}, {"NZST", "+1200"}, {"PDT", "-0700"},  {"PKT", "+0500"},  {"SAST", "+0200"},
      {"SST", "-1100"},  {"UTC", "+0000"},  {"WAT", "+0100"},  {"WEST", "+0100"}, {"WET", "+0000"},  {"WIB", "+0700"},
      {"WIT", "+0900"},  {"WITA", "+0800"},
  }};
  std::string upper;
  for (char c : zone) {
    upper += static_cast<char>(c & ~0x20);
  }
  for (const auto& [name, offset] : k_zones) {
    if (upper == name) {
      return offset;
    }
  }
  return "-0000";
}

// The text with its trailing alphabetic zone replaced by an offset, or nullopt.
std::optional<std::string> with_numeric_zone(std::string_view text) {
  auto cleaned = Cfws(text).strip();
  if (!cleaned) {
    return std::nullopt;
  }
  const std::size_t space_at = cleaned->rfind(' ');
  if (space_at == std::string::npos) {
    return std::nullopt;
  }
  const std::string_view zone = std::string_view(*cleaned).substr(space_at + 1);
  for (char c : zone) {
    if (!is_alpha(c)) {
      return std::nullopt;
    }
  }
  return cleaned->substr(0, space_at) + " " + std::string(named_zone_offset(zone));
}

}  // namespace

util::Expected<UtcTime, std::string> parse_rfc3339(std::string_view text) {
  auto parsed = chrono_rfc3339(text);
  if (!parsed) {
    return util::unexpected(error_text(parsed.error()));
  }
  return *parsed;
}

util::Expected<UtcTime, std::string> parse_rfc2822(std::string_view text) {
  auto parsed = chrono_rfc2822(text);
  if (parsed) {
    return *parsed;
  }
  if (auto rewritten = with_numeric_zone(text)) {
    if (auto retried = chrono_rfc2822(*rewritten)) {
      return *retried;
    }
  }
  return util::unexpected(error_text(parsed.error()));
}

}  // namespace kumo::values
