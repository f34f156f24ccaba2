// chrono's DateTime<Utc> and TimeDelta as kumo.time uses them: arithmetic,
// output formats, strftime and the RFC 3339 / RFC 2822 parsers. Expected
// strings are chrono 0.4.45's own output for the same inputs (vectors from
// chrono's and mailparsing's tests and docs among them).
#include <catch2/catch.hpp>

#include "core/values/datetime.hpp"

using kumo::values::TimeDelta;
using kumo::values::UtcTime;
namespace v = kumo::values;

namespace {

struct StringSink final : v::FormatSink {
  std::string text;
  void append(std::string_view t) override { text += t; }
};

UtcTime at(std::int64_t seconds, std::uint32_t nanos = 0) { return *v::from_timestamp(seconds, nanos); }

std::string format(const UtcTime& t, std::string_view fmt) {
  StringSink sink;
  auto unsupported = v::format_strftime(t, fmt, sink);
  return unsupported ? "unsupported " + *unsupported : sink.text;
}

std::string rfc3339(std::string_view text) {
  auto t = v::parse_rfc3339(text);
  return t ? v::to_rfc3339(*t) : "error: " + t.error();
}

std::string rfc2822(std::string_view text) {
  auto t = v::parse_rfc2822(text);
  return t ? v::to_rfc3339(*t) : "error: " + t.error();
}

// 2001-07-08T00:34:59.026490708Z, chrono's strftime documentation date.
const UtcTime k_doc_time = at(994552499, 26490708);

}  // namespace

TEST_CASE("TimeDelta keeps chrono's bounds (±i64::MAX ms) and its rounding", "[datetime]") {
  CHECK(TimeDelta::make(9223372036854775, 807000000));
  CHECK_FALSE(TimeDelta::make(9223372036854775, 807000001));
  CHECK(TimeDelta::from_seconds(-9223372036854775));
  CHECK_FALSE(TimeDelta::from_seconds(-9223372036854776));
  CHECK_FALSE(TimeDelta::make(0, 1000000000));

  // -1.5 s is kept as -2 s + 0.5 s; the accessors round toward zero.
  TimeDelta d = *v::checked_sub(TimeDelta{}, TimeDelta{1, 500000000});
  CHECK(d == TimeDelta{-2, 500000000});
  CHECK(d.as_seconds() == -1.5);
  CHECK(d.milliseconds() == -1500);
  CHECK(d.microseconds() == -1500000);
  CHECK(d.nanoseconds() == -1500000000);
  CHECK_FALSE(d.to_duration());

  TimeDelta big = *TimeDelta::from_seconds(10'000'000'000);
  CHECK_FALSE(big.nanoseconds());  // past i64: chrono answers None
  CHECK(big.microseconds() == 10'000'000'000'000'000);
  CHECK_FALSE(v::checked_add(*TimeDelta::make(9223372036854775, 0), *TimeDelta::from_seconds(1)));
  CHECK_FALSE(TimeDelta::from_duration({9223372036854776, 0}));
  CHECK(TimeDelta::from_duration({9223372036854775, 807000000}));
}

TEST_CASE("chrono's Display, to_rfc3339 and to_rfc2822", "[datetime]") {
  CHECK(v::display_utc(at(1767225600)) == "2026-01-01 00:00:00 UTC");
  CHECK(v::to_rfc3339(at(1767225600)) == "2026-01-01T00:00:00+00:00");
  CHECK(v::to_rfc2822(at(1767225600)) == "Thu, 1 Jan 2026 00:00:00 +0000");
  // Fractions in groups of three digits; a leap second shows as :60.
  CHECK(v::display_utc(at(0, 500000000)) == "1970-01-01 00:00:00.500 UTC");
  CHECK(v::display_utc(at(0, 7000)) == "1970-01-01 00:00:00.000007 UTC");
  CHECK(v::to_rfc3339(at(1483228799, 1500000000)) == "2016-12-31T23:59:60.500+00:00");
  CHECK(v::to_rfc2822(at(1483228799, 1500000000)) == "Sat, 31 Dec 2016 23:59:60 +0000");
  CHECK(v::unix_timestamp_millis(at(1483228799, 1500000000)) == 1483228800500);
  CHECK(v::civil(at(1483228799, 1500000000)).second == 59);
  // Years outside 0..=9999 are signed, and RFC 2822 has none (chrono panics).
  CHECK(v::display_utc(at(253402300800)) == "+10000-01-01 00:00:00 UTC");
  CHECK(v::to_rfc3339(at(-62135596801)) == "0000-12-31T23:59:59+00:00");
  CHECK(v::to_rfc2822(at(-62135596801)) == "Sun, 31 Dec 0000 23:59:59 +0000");
  CHECK_FALSE(v::to_rfc2822(at(253402300800)));
  CHECK(v::display_utc(*v::from_ymd_hms(-1, 12, 31, 0, 0, 0)) == "-0001-12-31 00:00:00 UTC");
}

TEST_CASE("chrono's range: years -262143 to 262142", "[datetime]") {
  CHECK(v::from_ymd_hms(262142, 12, 31, 23, 59, 59));
  CHECK_FALSE(v::from_ymd_hms(262143, 1, 1, 0, 0, 0));
  CHECK(v::from_ymd_hms(-262143, 1, 1, 0, 0, 0));
  CHECK_FALSE(v::from_ymd_hms(-262144, 12, 31, 0, 0, 0));
  CHECK(v::unix_timestamp(*v::from_ymd_hms(262142, 12, 31, 23, 59, 59)) == 8210266876799);
  CHECK_FALSE(v::from_timestamp(8210266876800, 0));
  CHECK_FALSE(v::from_ymd_hms(2023, 2, 29, 0, 0, 0));
  CHECK(v::from_ymd_hms(2024, 2, 29, 0, 0, 0));
  CHECK_FALSE(v::from_ymd_hms(2024, 1, 1, 24, 0, 0));
  CHECK_FALSE(v::from_ymd_hms(2024, 1, 1, 0, 0, 60));  // with_ymd_and_hms takes no leap second
  CHECK_FALSE(v::from_timestamp(1, 1000000000));       // a leap second only on :59
  CHECK(v::from_timestamp(59, 1999999999));
  CHECK_FALSE(v::checked_add(*v::from_ymd_hms(262142, 12, 31, 23, 59, 59), *TimeDelta::from_seconds(1)));
}

TEST_CASE("arithmetic: differences are exact, leap seconds count as chrono counts them", "[datetime]") {
  CHECK(v::time_since(at(0, 500000000), at(0)) == TimeDelta{0, 500000000});
  CHECK(v::time_since(at(0), at(0, 500000000)) == TimeDelta{-1, 500000000});
  CHECK(v::display_utc(*v::checked_add(at(0, 500000000), TimeDelta{0, 500000000})) == "1970-01-01 00:00:01 UTC");
  CHECK(v::display_utc(*v::checked_sub(at(0, 500000000), TimeDelta{0, 500000000})) == "1970-01-01 00:00:00 UTC");
  // From inside a leap second, one second later is the next minute's :00.
  const UtcTime leap = at(1483228799, 1500000000);
  CHECK(v::display_utc(*v::checked_add(leap, *TimeDelta::from_seconds(1))) == "2017-01-01 00:00:00.500 UTC");
  CHECK(v::display_utc(*v::checked_add(leap, TimeDelta{0, 400000000})) == "2016-12-31 23:59:60.900 UTC");
  CHECK(v::time_since(at(1483228800), at(1483228799)) == *TimeDelta::from_seconds(1));
  // chrono subtracts the days, then the times of day: across midnight the
  // leap second drops out, and 00:00:00 comes "before" 23:59:60.5.
  CHECK(v::time_since(at(1483228800), leap) == TimeDelta{-1, 500000000});
  CHECK(v::time_since(leap, at(1483228799)) == TimeDelta{1, 500000000});
}

TEST_CASE("strftime: every specifier chrono formats, as chrono formats it", "[datetime]") {
  const std::pair<const char*, const char*> cases[] = {
      {"%Y", "2001"},
      {"%C", "20"},
      {"%y", "01"},
      {"%q", "3"},
      {"%m", "07"},
      {"%b", "Jul"},
      {"%B", "July"},
      {"%h", "Jul"},
      {"%d", "08"},
      {"%e", " 8"},
      {"%a", "Sun"},
      {"%A", "Sunday"},
      {"%w", "0"},
      {"%u", "7"},
      {"%U", "27"},
      {"%W", "27"},
      {"%G", "2001"},
      {"%g", "01"},
      {"%V", "27"},
      {"%j", "189"},
      {"%D", "07/08/01"},
      {"%x", "07/08/01"},
      {"%F", "2001-07-08"},
      {"%v", " 8-Jul-2001"},
      {"%H", "00"},
      {"%k", " 0"},
      {"%I", "12"},
      {"%l", "12"},
      {"%P", "am"},
      {"%p", "AM"},
      {"%M", "34"},
      {"%S", "59"},
      {"%f", "026490708"},
      {"%.f", ".026490708"},
      {"%.3f", ".026"},
      {"%.6f", ".026490"},
      {"%.9f", ".026490708"},
      {"%3f", "026"},
      {"%6f", "026490"},
      {"%9f", "026490708"},
      {"%R", "00:34"},
      {"%T", "00:34:59"},
      {"%X", "00:34:59"},
      {"%r", "12:34:59 AM"},
      {"%Z", "UTC"},
      {"%z", "+0000"},
      {"%:z", "+00:00"},
      {"%::z", "+00:00:00"},
      {"%:::z", "+00"},
      {"%c", "Sun Jul  8 00:34:59 2001"},
      {"%+", "2001-07-08T00:34:59.026490708+00:00"},
      {"%s", "994552499"},
      {"%t", "\t"},
      {"%n", "\n"},
      {"%%", "%"},
      // Padding modifiers on numbers.
      {"%-d", "8"},
      {"%_d", " 8"},
      {"%0e", "08"},
      {"%-H", "0"},
      {"%_H", " 0"},
      {"%-f", "26490708"},
      {"%_f", " 26490708"},
      {"%-j", "189"},
  };
  for (const auto& [fmt, expected] : cases) {
    INFO(fmt);
    CHECK(format(k_doc_time, fmt) == expected);
  }
}

TEST_CASE("strftime is lenient as kumod asks chrono to be: malformed specifiers are text", "[datetime]") {
  CHECK(format(k_doc_time, "%H:%M:%S%") == "00:34:59%");  // mod-time's own test
  CHECK(format(k_doc_time, "%Y-%Q") == "2001-%Q");        // chrono's new_lenient example
  CHECK(format(k_doc_time, "%.x %.3 %:x %#x %-a %é") == "%.x %.3 %:x %#x %-a %é");
  CHECK(format(k_doc_time, "100%% done") == "100% done");
  // A padding modifier on an expanding specifier: chrono makes its first
  // item text and still formats the rest.
  CHECK(format(k_doc_time, "%-D") == "%-D/08/01");
  CHECK(format(k_doc_time, "%-c") == "%-c Jul  8 00:34:59 2001");
  // %#z is for parsing: chrono fails to format it (kumod panics).
  CHECK(format(k_doc_time, "%Y %#z") == "unsupported %#z");
}

TEST_CASE("strftime years outside 0..=9999, and chrono's u8 wrap in %C", "[datetime]") {
  CHECK(format(at(-62135596800), "%Y|%C|%y|%-Y|%_Y|%G") == "0001|00|01|1|   1|0001");
  CHECK(format(at(253402300800), "%Y|%C|%y|%G|%g|%-Y") == "+10000|:0|00|9999|99|+10000");
  CHECK(format(*v::from_ymd_hms(-1, 6, 1, 0, 0, 0), "%Y|%C|%y") == "-0001|I5|99");
  CHECK(format(at(-5), "%s|%0s|%_s") == "-5|-00000005|       -5");
  CHECK(format(at(1483228799, 1500000000), "%S|%.f|%f|%T") == "60|.500|500000000|23:59:60");
}

TEST_CASE("parse_rfc3339: chrono's relaxed RFC 3339 and its errors", "[datetime]") {
  CHECK(rfc3339("2000-01-02T03:04:05+00:00") == "2000-01-02T03:04:05+00:00");  // docs example
  CHECK(rfc3339("1996-12-19T16:39:57-08:00") == "1996-12-20T00:39:57+00:00");
  CHECK(rfc3339("2015-02-18 23:16:09.123456789z") == "2015-02-18T23:16:09.123456789+00:00");
  CHECK(rfc3339("2015-02-18t23:16:09.1234567891234Z") == "2015-02-18T23:16:09.123456789+00:00");
  CHECK(rfc3339("2016-12-31T23:59:60.5Z") == "2016-12-31T23:59:60.500+00:00");
  CHECK(rfc3339("2015-02-18T23:16:09\u221205:00") == "2015-02-19T04:16:09+00:00");  // U+2212 minus
  CHECK(rfc3339("0000-01-01T00:00:00+00:01") == "-0001-12-31T23:59:00+00:00");
  CHECK(rfc3339("2015-02-18T23:16:09") == "error: premature end of input");
  CHECK(rfc3339("2015-02-18") == "error: premature end of input");
  CHECK(rfc3339("2015-02-18T23:16:09.Z") == "error: input contains invalid characters");
  CHECK(rfc3339("2015-02-18T23:16:09+0500") == "error: input contains invalid characters");
  CHECK(rfc3339("2015-02-18_23:16:09Z") == "error: input contains invalid characters");
  CHECK(rfc3339("2015-02-30T23:16:09Z") == "error: input is out of range");
  CHECK(rfc3339("2015-02-18T24:16:09Z") == "error: input is out of range");
  CHECK(rfc3339("2015-02-18T23:16:61Z") == "error: input is out of range");
  CHECK(rfc3339("2015-02-18T23:16:09+24:00") == "error: input is out of range");
  CHECK(rfc3339("2015-02-18T23:16:09+05:60") == "error: input is out of range");
  CHECK(rfc3339("2015-02-18T23:16:09+05:") == "error: premature end of input");
  CHECK(rfc3339("2015-02-18T23:16:09Z ") == "error: trailing input");
}

TEST_CASE("parse_rfc2822: chrono's parser, with chrono's own vectors", "[datetime]") {
  CHECK(rfc2822("Tue, 20 Jan 2015 17:35:20 -0800") == "2015-01-21T01:35:20+00:00");
  CHECK(rfc2822("Fri,  2 Jan 2015 17:35:20 -0800") == "2015-01-03T01:35:20+00:00");
  CHECK(rfc2822("Tue, 20 Jan 2015 17:35:20 -0800 ( (UTC ) (\\( (a)\\(( \t ) ) \\\\( \\) ))") ==
        "2015-01-21T01:35:20+00:00");
  CHECK(rfc2822("Tue, 20 Jan 2015 17:35:20 -0800 (UTC)\t \r\n(Anothercomment)") == "2015-01-21T01:35:20+00:00");
  CHECK(rfc2822("20 JAN 2015 17:35 -0800") == "2015-01-21T01:35:00+00:00");
  CHECK(rfc2822("11 Sep 2001 09:45:00 EST") == "2001-09-11T14:45:00+00:00");
  CHECK(rfc2822("Sat, 31 Dec 2016 23:59:60 +0000") == "2016-12-31T23:59:60+00:00");
  CHECK(rfc2822("1 Jan 0054 00:00:00 +0000") == "0054-01-01T00:00:00+00:00");  // four digits: as written
  CHECK(rfc2822("1 Jan 054 00:00:00 +0000") == "1954-01-01T00:00:00+00:00");   // three digits: 1900+
  CHECK(rfc2822("Tue, 20 Jan 2015 17:35:20 -0800 (UTC\\)") == "error: trailing input");
  CHECK(rfc2822("Tue, 20 Jan 2015 17:35:20 -0800 (UTC) ") == "error: trailing input");
  CHECK(rfc2822("30 Feb 2015 17:35:20 -0800") == "error: input is out of range");
  CHECK(rfc2822("Tue, 20 Jan 2015") == "error: premature end of input");
  CHECK(rfc2822("Tue, 20 Avr 2015 17:35:20 -0800") == "error: input contains invalid characters");
  CHECK(rfc2822("Tue, 20 Jan 2015 7:35:20 -0800") == "error: input contains invalid characters");
  CHECK(rfc2822("Tue, 20 Jan 2015 17:35:20 -0890") == "error: input is out of range");
  CHECK(rfc2822("Tue, 20 Jan 2015 17:35:20 \u22120800") == "error: input contains invalid characters");
  CHECK(rfc2822("6 Jun 1944 04:00:00Z") == "error: input contains invalid characters");
  CHECK(rfc2822("Wed, 20 Jan 2015 17:35:20 -0800") == "error: no possible date and time matching input");
  CHECK(rfc2822("31 Dec 262142 23:00:00 -0100") == "error: no possible date and time matching input");
  CHECK(rfc2822("Sun, 2 Jan 2000 03:04:05 +2400") == "error: input is out of range");
}

TEST_CASE("parse_rfc2822: mailparsing's retry reads alphabetic zones chrono rejects", "[datetime]") {
  const std::string canonical = rfc2822("Thu, 02 Jul 2026 18:55:38 +0000");
  CHECK(canonical == "2026-07-02T18:55:38+00:00");
  CHECK(rfc2822("Thu, 02 Jul 26 18:55:38 UTC") == canonical);
  CHECK(rfc2822("Thu, 02 Jul 26 18:55:38 UTC (Coordinated)") == canonical);
  CHECK(rfc2822("Thu, 02 Jul 26 (comment) 18:55:38 UTC") == canonical);
  CHECK(rfc2822("Thu, 02 Jul 26 18:55:38 IST") == canonical);  // ambiguous: -0000
  CHECK(rfc2822("Tue, 20 Jan 2015 17:35:20 J") == "2015-01-20T17:35:20+00:00");
  CHECK(rfc2822("Tue, 20 Jan 2015 17:35:20 Zulu") == "2015-01-20T17:35:20+00:00");
  CHECK(rfc2822("Thu, 02 Jul 26 18:55:38 CEST") == "2026-07-02T16:55:38+00:00");
  CHECK(rfc2822("Thu, 02 Jul 26 18:55:38 JST") == "2026-07-02T09:55:38+00:00");
  CHECK(rfc2822("Sun, 2 Jan 2000 03:04:05 nst") == "2000-01-02T06:34:05+00:00");
  CHECK(rfc2822("Thu, 02 Jul 26 18:55:38 EST") == "2026-07-02T23:55:38+00:00");  // chrono's own
  // When the retry fails too, the first error stands.
  CHECK(rfc2822("not a date") == "error: input contains invalid characters");
  CHECK(rfc2822("Mon, 2 Jan 2000 03:04:05 UTC") == "error: input contains invalid characters");
  CHECK(rfc2822("Sun, 2 Jan 2000 03:04:05 +0000 GARBAGE") == "error: trailing input");
  CHECK(rfc2822("Sun, 2 Jan 2000 03:04:05 UTC (unclosed") == "error: input contains invalid characters");
}
