// Durations (reference §2, §10, §1.5): humantime 2.4.0 grammar and
// formatting, duration-serde conversions, and our explanations.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/values/duration.hpp"

using kumo::values::Duration;
using kumo::values::HumantimeErrorKind;
using Kind = kumo::values::HumantimeErrorKind;
namespace values = kumo::values;

namespace {

constexpr std::uint64_t k_u64_max = std::numeric_limits<std::uint64_t>::max();

const std::string k_overflow_text =
    "number is too large or cannot be represented without a lack of precision "
    "(values below 1ns are not supported)";

std::string unknown_unit_text(const std::string& unit) {
  return "unknown time unit \"" + unit +
         "\", supported units: ns, us/\xC2\xB5s, ms, sec, min, hours, days, weeks, months, "
         "years (and few variations)";
}

std::string serde_text(const std::string& input) {
  return "invalid value: string \"" + input + "\", expected a duration";
}

struct Parsed {
  std::string input;
  std::uint64_t seconds;
  std::uint32_t nanos;
  std::string formatted;
};

void check_parses(const Parsed& row) {
  INFO("input: \"" << row.input << "\"");
  auto parsed = values::parse_humantime(row.input);
  REQUIRE(parsed.has_value());
  CHECK(parsed->seconds == row.seconds);
  CHECK(parsed->nanos == row.nanos);
  CHECK(values::format_humantime(*parsed) == row.formatted);
  auto from_config = values::duration_from_string(row.input);
  REQUIRE(from_config.has_value());
  CHECK(*from_config == *parsed);
  CHECK_FALSE(values::humantime_error_kind(row.input).has_value());
}

struct RejectedDuration {
  std::string input;
  Kind kind;
  std::string kumo_message;  // humantime's Display text
};

void check_rejected(const RejectedDuration& row) {
  INFO("input: \"" << row.input << "\"");
  CHECK(values::humantime_error_kind(row.input) == row.kind);
  auto parsed = values::parse_humantime(row.input);
  REQUIRE_FALSE(parsed.has_value());
  CHECK(parsed.error().kumo_message == row.kumo_message);
  CHECK_FALSE(parsed.error().message.empty());
  CHECK_FALSE(parsed.error().crashes_kumod);
  auto from_config = values::duration_from_string(row.input);
  REQUIRE_FALSE(from_config.has_value());
  CHECK(from_config.error().kumo_message == serde_text(row.input));
  CHECK(from_config.error().message == parsed.error().message);
}

}  // namespace

// ---------------------------------------------------------------------------
// §2.5, every row (T = humantime/duration-serde tests, D = derived)

TEST_CASE("§2.5 string rows parse to exact durations and format exactly", "[duration]") {
  const std::vector<Parsed> rows = {
      {"15 seconds", 15, 0, "15s"},                                            // 1
      {"2h 37min", 9420, 0, "2h 37m"},                                         // 4
      {"32ms", 0, 32'000'000, "32ms"},                                         // 5
      {"4.2s", 4, 200'000'000, "4s 200ms"},                                    // 6
      {"20 min 17 nsec ", 1200, 17, "20m 17ns"},                               // 7
      {"2h 15m", 8100, 0, "2h 15m"},                                           // 8
      {"1h30m", 5400, 0, "1h 30m"},                                            // 9
      {"1.5h", 5400, 0, "1h 30m"},                                             // 10
      {"2.5h", 9000, 0, "2h 30m"},                                             // 10
      {"0.5h", 1800, 0, "30m"},                                                // 10
      {"12.1min", 726, 0, "12m 6s"},                                           // 11
      {"1.5d", 129600, 0, "1day 12h"},                                         // 12
      {"0", 0, 0, "0s"},                                                       // 13
      {"1.234s 1.345ms 1.678us 1ns", 1, 235'346'679, "1s 235ms 346us 679ns"},  // 14
      {"20 minutes", 1200, 0, "20m"},                                          // 15
      {"1 week", 604800, 0, "7days"},                                          // 17
      {"2 weeks", 1209600, 0, "14days"},                                       // 17
      {"1M", 2630016, 0, "1month"},                                            // 18
      {"12M", 31560192, 0, "1year 43m 12s"},                                   // 18
      {"1y", 31557600, 0, "1year"},                                            // 19
      {"1 5s", 15, 0, "15s"},                                                  // 21
  };
  for (const auto& row : rows) {
    check_parses(row);
  }
}

TEST_CASE("§2.5 integer and float rows", "[duration]") {
  SECTION("row 2: integer 15") {
    auto d = values::duration_from_integer(15);
    REQUIRE(d.has_value());
    CHECK(*d == Duration{15, 0});
    CHECK(values::format_humantime(*d) == "15s");
  }
  SECTION("row 3: float 15.0") {
    auto d = values::duration_from_float(15.0);
    REQUIRE(d.has_value());
    CHECK(*d == Duration{15, 0});
    CHECK(values::format_humantime(*d) == "15s");
  }
  SECTION("row 16: 86400*7") {
    auto d = values::duration_from_integer(86400 * 7);
    REQUIRE(d.has_value());
    CHECK(*d == Duration{604800, 0});
    CHECK(values::format_humantime(*d) == "7days");
  }
  SECTION("row 20: 86400*365") {
    auto d = values::duration_from_integer(86400 * 365);
    REQUIRE(d.has_value());
    CHECK(*d == Duration{31536000, 0});
    CHECK(values::format_humantime(*d) == "11months 30days 3h 50m 24s");
  }
  SECTION("row 22: float 3600.5") {
    auto d = values::duration_from_float(3600.5);
    REQUIRE(d.has_value());
    CHECK(*d == Duration{3600, 500'000'000});
    CHECK(values::format_humantime(*d) == "1h 500ms");
  }
  SECTION("row 38: integer -5") {
    auto d = values::duration_from_integer(-5);
    REQUIRE_FALSE(d.has_value());
    CHECK(d.error().kumo_message ==
          "duration must either be a string or a positive integer specifying the number of "
          "seconds. (error: out of range integral type conversion attempted)");
    CHECK(d.error().message == "-5 is a negative duration; use a non-negative number of seconds, e.g. 5");
    CHECK_FALSE(d.error().crashes_kumod);
  }
  SECTION("row 39: -1.5, 0/0, math.huge crash kumod") {
    for (double value : {-1.5, std::nan(""), std::numeric_limits<double>::infinity()}) {
      INFO("value: " << value);
      auto d = values::duration_from_float(value);
      REQUIRE_FALSE(d.has_value());
      CHECK(d.error().crashes_kumod);
    }
  }
  // Row 40 (`true`) is a Lua type error, decided before any duration
  // conversion runs; it is the config layer's job, not this module's.
}

TEST_CASE("§2.5 error rows: humantime kind and Display text", "[duration]") {
  const std::vector<RejectedDuration> rows = {
      {"123", Kind::unit_needed, "time unit needed, for example 123sec or 123ms"},      // 23
      {"10nights", Kind::unknown_unit, unknown_unit_text("nights")},                    // 24
      {"1.s", Kind::invalid_character, "invalid character at 1"},                       // 25
      {"1..s", Kind::invalid_character, "invalid character at 1"},                      // 25
      {".1s", Kind::number_expected, "expected number at 0"},                           // 26
      {".", Kind::number_expected, "expected number at 0"},                             // 26
      {"0.000123456789s", Kind::number_overflow, k_overflow_text},                      // 27
      {"17.5nsec", Kind::number_overflow, k_overflow_text},                             // 28
      {"0.00000005d", Kind::number_overflow, k_overflow_text},                          // 29
      {"10 months 1", Kind::unit_needed, "time unit needed, for example 1sec or 1ms"},  // 30
      {"1~", Kind::invalid_character, "invalid character at 1"},                        // 31
      {"", Kind::empty, "value was empty"},                                             // 32
      {"   ", Kind::empty, "value was empty"},                                          // 32
      {"-5s", Kind::number_expected, "expected number at 0"},                           // 33
      {"+5s", Kind::number_expected, "expected number at 0"},                           // 33
      {"5S", Kind::unknown_unit, unknown_unit_text("S")},                               // 34
      {"1Hour", Kind::unknown_unit, unknown_unit_text("Hour")},                         // 34
      {"1h, 30m", Kind::invalid_character, "invalid character at 2"},                   // 35
      {"00", Kind::unit_needed, "time unit needed, for example 0sec or 0ms"},           // 36
      {" 0", Kind::unit_needed, "time unit needed, for example 0sec or 0ms"},           // 36
      {"0.001h", Kind::number_overflow, k_overflow_text},                               // 37
      {"100000000000000000000s", Kind::number_overflow, k_overflow_text},               // 41
  };
  for (const auto& row : rows) {
    check_rejected(row);
  }
}

// ---------------------------------------------------------------------------
// §10 compact test vectors (durations)

TEST_CASE("§10 duration vectors", "[duration]") {
  SECTION("successes") {
    const std::vector<Parsed> strings = {
        {"15 seconds", 15, 0, "15s"},
        {"20 minutes", 1200, 0, "20m"},
        {"2h 37min", 9420, 0, "2h 37m"},
        {"1h30m", 5400, 0, "1h 30m"},
        {"1.5d", 129600, 0, "1day 12h"},
        {"4.2s", 4, 200'000'000, "4s 200ms"},
        {"0", 0, 0, "0s"},
        {"1M", 2630016, 0, "1month"},
    };
    for (const auto& row : strings) {
      check_parses(row);
    }
    CHECK(values::format_humantime(*values::duration_from_integer(15)) == "15s");
    CHECK(values::format_humantime(*values::duration_from_float(15.0)) == "15s");
    CHECK(*values::duration_from_integer(604800) == Duration{604800, 0});
    CHECK(values::format_humantime(*values::duration_from_integer(604800)) == "7days");
    CHECK(values::format_humantime(*values::duration_from_integer(31536000)) == "11months 30days 3h 50m 24s");
  }
  SECTION("errors") {
    for (const char* input : {"123", "10nights", ".1s", "0.001h"}) {
      INFO("input: " << input);
      CHECK_FALSE(values::duration_from_string(input).has_value());
    }
    CHECK_FALSE(values::duration_from_integer(-5).has_value());
    auto crash = values::duration_from_float(-1.5);
    REQUIRE_FALSE(crash.has_value());
    CHECK(crash.error().crashes_kumod);
  }
}

// ---------------------------------------------------------------------------
// The grammar in detail (§2.2)

TEST_CASE("every unit spelling, case-sensitive", "[duration]") {
  const std::vector<Parsed> rows = {
      {"7nanos", 0, 7, "7ns"},
      {"7nsec", 0, 7, "7ns"},
      {"7ns", 0, 7, "7ns"},
      {"7usec", 0, 7000, "7us"},
      {"7us", 0, 7000, "7us"},
      {"7\xC2\xB5s", 0, 7000, "7us"},
      {"7millis", 0, 7'000'000, "7ms"},
      {"7msec", 0, 7'000'000, "7ms"},
      {"7ms", 0, 7'000'000, "7ms"},
      {"7seconds", 7, 0, "7s"},
      {"7second", 7, 0, "7s"},
      {"7secs", 7, 0, "7s"},
      {"7sec", 7, 0, "7s"},
      {"7s", 7, 0, "7s"},
      {"7minutes", 420, 0, "7m"},
      {"7minute", 420, 0, "7m"},
      {"7min", 420, 0, "7m"},
      {"7mins", 420, 0, "7m"},
      {"7m", 420, 0, "7m"},
      {"7hours", 25200, 0, "7h"},
      {"7hour", 25200, 0, "7h"},
      {"7hr", 25200, 0, "7h"},
      {"7hrs", 25200, 0, "7h"},
      {"7h", 25200, 0, "7h"},
      {"7days", 604800, 0, "7days"},
      {"7day", 604800, 0, "7days"},
      {"7d", 604800, 0, "7days"},
      {"1weeks", 604800, 0, "7days"},
      {"1week", 604800, 0, "7days"},
      {"1wk", 604800, 0, "7days"},
      {"1wks", 604800, 0, "7days"},
      {"1w", 604800, 0, "7days"},
      {"2months", 5260032, 0, "2months"},
      {"2month", 5260032, 0, "2months"},
      {"2M", 5260032, 0, "2months"},
      {"2years", 63115200, 0, "2years"},
      {"2year", 63115200, 0, "2years"},
      {"2yr", 63115200, 0, "2years"},
      {"2yrs", 63115200, 0, "2years"},
      {"2y", 63115200, 0, "2years"},
  };
  for (const auto& row : rows) {
    check_parses(row);
  }
  // §2.2 "not accepted" list, and the Greek mu, which is not even a letter.
  for (const char* unit : {"S", "H", "Hour", "mon", "msecs", "usecs", "nsecs", "Ms", "MIN", "Y"}) {
    INFO("unit: " << unit);
    CHECK(values::humantime_error_kind(std::string("1") + unit) == Kind::unknown_unit);
  }
  CHECK(values::humantime_error_kind("1sec.") == Kind::invalid_character);
  CHECK(values::humantime_error_kind("1\xCE\xBCs") == Kind::invalid_character);
}

TEST_CASE("spans: juxtaposition, repetition, whitespace", "[duration]") {
  const std::vector<Parsed> rows = {
      {"1s 1s", 2, 0, "2s"},
      {"1h30m15s", 5415, 0, "1h 30m 15s"},
      {"1 h 30 m", 5400, 0, "1h 30m"},
      {"  1h  ", 3600, 0, "1h"},
      {"1\t5\ns", 15, 0, "15s"},
      {"1 000 000ns", 0, 1'000'000, "1ms"},
      {"1.234s0.345ms0.678us0ns", 1, 234'345'678, "1s 234ms 345us 678ns"},
      {"7.120us 3ns", 0, 7123, "7us 123ns"},
      {"1. 5s", 1, 500'000'000, "1s 500ms"},
      {"0s", 0, 0, "0s"},
      {"0 s", 0, 0, "0s"},
      {"0.0s", 0, 0, "0s"},
      {"500ms 500ms", 1, 0, "1s"},
      {"1000000000ns", 1, 0, "1s"},
      {"1.5minutes", 90, 0, "1m 30s"},
      {"0.01d", 864, 0, "14m 24s"},
      {"31.000001ms", 0, 31'000'001, "31ms 1ns"},
      {"1.123456789s", 1, 123'456'789, "1s 123ms 456us 789ns"},
      {"3.001us", 0, 3001, "3us 1ns"},
  };
  for (const auto& row : rows) {
    check_parses(row);
  }
}

TEST_CASE("any Unicode White_Space character separates, like Rust's is_whitespace", "[duration]") {
  const std::vector<std::string> spaces = {
      "\t",           "\n",           "\v",           "\f",           "\r",           " ",
      "\xC2\x85",     "\xC2\xA0",     "\xE1\x9A\x80",                                  // U+0085 U+00A0 U+1680
      "\xE2\x80\x80", "\xE2\x80\x81", "\xE2\x80\x82", "\xE2\x80\x83", "\xE2\x80\x84",  // U+2000..
      "\xE2\x80\x85", "\xE2\x80\x86", "\xE2\x80\x87", "\xE2\x80\x88", "\xE2\x80\x89",
      "\xE2\x80\x8A",                                                                  // ..U+200A
      "\xE2\x80\xA8", "\xE2\x80\xA9", "\xE2\x80\xAF", "\xE2\x81\x9F", "\xE3\x80\x80",  // U+2028 U+2029 U+202F U+205F
                                                                                       // U+3000
  };
  for (const auto& space : spaces) {
    const std::string input = "1" + space + "5" + space + "m" + space + "30s" + space;
    INFO("input bytes: " << input);
    auto parsed = values::parse_humantime(input);
    REQUIRE(parsed.has_value());
    CHECK(*parsed == Duration{15 * 60 + 30, 0});
  }
  // Not White_Space: zero width space U+200B, word joiner U+2060, BOM U+FEFF.
  for (const std::string other : {"\xE2\x80\x8B", "\xE2\x81\xA0", "\xEF\xBB\xBF"}) {
    auto parsed = values::parse_humantime("1" + other + "h");
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error().kumo_message == "invalid character at 1");
  }
  // Offsets are bytes: U+3000 is three bytes.
  CHECK(values::parse_humantime("1h\xE3\x80\x80"
                                "5x")
            .error()
            .kumo_message == unknown_unit_text("x"));
  CHECK(values::parse_humantime("1h\xE3\x80\x80"
                                "5x")
            .error()
            .position == std::optional<std::size_t>(6));
  CHECK(values::parse_humantime("\xE3\x80\x80-1h").error().kumo_message == "expected number at 0");
  CHECK(values::parse_humantime("\xE3\x80\x80-1h").error().position == std::optional<std::size_t>(3));
}

TEST_CASE("fraction precision rules per unit", "[duration]") {
  SECTION("nanoseconds never take a fraction") {
    for (const char* input : {"17.5nsec", "5.1nanos", "0.0005ns", "1.0ns", "0.0ns"}) {
      INFO("input: " << input);
      CHECK(values::humantime_error_kind(input) == Kind::number_overflow);
    }
  }
  SECTION("us, ms, s, min: the fraction must be whole nanoseconds") {
    CHECK(*values::parse_humantime("3.1us") == Duration{0, 3100});
    CHECK(*values::parse_humantime("3.001us") == Duration{0, 3001});
    CHECK(*values::parse_humantime("31.000001ms") == Duration{0, 31'000'001});
    CHECK(*values::parse_humantime("1.000000002s") == Duration{1, 2});
    CHECK(*values::parse_humantime("0.5min") == Duration{30, 0});
    CHECK(*values::parse_humantime("0.0000000001min") == Duration{0, 6});
    for (const char* input :
         {"3.0001us", "0.0001us", "0.123456us", "31.0000001ms", "1.0000000002s", "0.0000000002s", "0.00000000001min"}) {
      INFO("input: " << input);
      CHECK(values::humantime_error_kind(input) == Kind::number_overflow);
    }
  }
  SECTION("h, d, w, M, y: the fraction must be whole seconds") {
    CHECK(*values::parse_humantime("0.5h") == Duration{1800, 0});
    CHECK(*values::parse_humantime("0.01d") == Duration{864, 0});
    CHECK(*values::parse_humantime("0.5w") == Duration{302400, 0});
    CHECK(*values::parse_humantime("0.5M") == Duration{1315008, 0});
    CHECK(*values::parse_humantime("0.5y") == Duration{15778800, 0});
    CHECK(*values::parse_humantime("0.1w") == Duration{60480, 0});
    for (const char* input : {"0.001h", "0.00000005d", "0.0000001w", "0.1M", "0.00001y"}) {
      INFO("input: " << input);
      CHECK(values::humantime_error_kind(input) == Kind::number_overflow);
    }
  }
  SECTION("more than 19 fractional digits overflow") {
    CHECK(*values::parse_humantime("1.0000000000000000000s") == Duration{1, 0});              // 19
    CHECK(values::humantime_error_kind("1.00000000000000000000s") == Kind::number_overflow);  // 20
    // 19 digits fit, but numerator x 1e9 overflows u64 before the division
    CHECK(values::humantime_error_kind("1.5000000000000000000s") == Kind::number_overflow);
  }
}

TEST_CASE("overflow limits", "[duration]") {
  // humantime's own overflow tests
  for (const char* input : {"100000000000000000000ns", "100000000000000000us", "100000000000000ms",
                            "100000000000000000000s", "10000000000000000000m", "1000000000000000000h",
                            "100000000000000000d", "10000000000000000w", "1000000000000000M", "10000000000000y"}) {
    INFO("input: " << input);
    CHECK(values::humantime_error_kind(input) == Kind::number_overflow);
  }
  // The edges: u64::MAX seconds (and nanoseconds) still parse.
  CHECK(*values::parse_humantime("18446744073709551615s") == Duration{k_u64_max, 0});
  CHECK(*values::parse_humantime("18446744073709551615ns") == Duration{18446744073, 709'551'615});
  CHECK(*values::parse_humantime("18446744073709551615s 999999999ns") == Duration{k_u64_max, 999'999'999});
  CHECK(values::humantime_error_kind("18446744073709551616s") == Kind::number_overflow);
  CHECK(values::humantime_error_kind("18446744073709551615s 1s") == Kind::number_overflow);
  CHECK(values::humantime_error_kind("18446744073709551615s 1001ms") == Kind::number_overflow);
}

TEST_CASE("humantime panics when a nanosecond carry reaches 2^64 seconds", "[duration]") {
  // humantime carries nanoseconds only above 1e9; exactly 1e9 goes to
  // Duration::new, whose own carry then overflows and panics.
  for (const char* input :
       {"18446744073709551615s 1000ms", "18446744073709551615s 0.5s 0.5s", "18446744073709551615s 1000000000ns"}) {
    INFO("input: " << input);
    CHECK(values::humantime_error_kind(input) == Kind::panics);
    auto parsed = values::parse_humantime(input);
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error().crashes_kumod);
    CHECK(parsed.error().kumo_message == "overflow in Duration::new");
    auto from_config = values::duration_from_string(input);
    REQUIRE_FALSE(from_config.has_value());
    CHECK(from_config.error().crashes_kumod);
    CHECK(from_config.error().kumo_message == "overflow in Duration::new");
  }
  CHECK(values::parse_humantime("18446744073709551615s 1000ms").error().message ==
        "\"18446744073709551615s 1000ms\": the total reaches 2^64 seconds with 1000ms (at 22), where "
        "humantime panics in Duration::new and kumod dies; use a shorter duration");
}

TEST_CASE("only the exact string \"0\" may omit the unit", "[duration]") {
  CHECK(*values::parse_humantime("0") == Duration{});
  for (const char* input : {"00", " 0", "0 ", "0.0", "1"}) {
    INFO("input: \"" << input << "\"");
    CHECK(values::humantime_error_kind(input) == Kind::unit_needed);
  }
}

TEST_CASE("humantime's error offsets", "[duration]") {
  const std::vector<RejectedDuration> rows = {
      {"1.5", Kind::unit_needed, "time unit needed, for example 1sec or 1ms"},
      {"1h -5m", Kind::number_expected, "expected number at 3"},
      {"1h  -5m", Kind::number_expected, "expected number at 3"},  // where the skipping began
      {"2 hours min", Kind::number_expected, "expected number at 8"},
      {"h", Kind::number_expected, "expected number at 0"},
      {"1. s", Kind::invalid_character, "invalid character at 3"},
      {"1.5.3s", Kind::invalid_character, "invalid character at 3"},
      {"1.", Kind::invalid_character, "invalid character at 1"},
      {"1h30", Kind::unit_needed, "time unit needed, for example 30sec or 30ms"},
      {"5sec.", Kind::invalid_character, "invalid character at 4"},
      {"1e3s", Kind::unknown_unit, unknown_unit_text("e")},
      {"1h 30 minuts", Kind::unknown_unit, unknown_unit_text("minuts")},
      {"5\xC2\xB5", Kind::unknown_unit, unknown_unit_text("\xC2\xB5")},
      {"1:30", Kind::invalid_character, "invalid character at 1"},
      {"1_000s", Kind::invalid_character, "invalid character at 1"},
  };
  for (const auto& row : rows) {
    check_rejected(row);
  }
}

// ---------------------------------------------------------------------------
// Our messages: name the text, the position and the fix.

TEST_CASE("explanations", "[duration]") {
  struct Row {
    std::string input;
    std::string message;
    std::size_t position;
  };
  const std::vector<Row> rows = {
      {"20 minuts", "\"20 minuts\": unknown unit \"minuts\" at 3; did you mean \"minutes\"?", 3},
      {"1.5", "\"1.5\": a number needs a unit, e.g. \"1.5s\" or \"1.5min\"", 0},
      {"123", "\"123\": a number needs a unit, e.g. \"123s\" or \"123min\"", 0},
      {"10 months 1", "\"10 months 1\": a number needs a unit (\"1\" at 10), e.g. \"1s\" or \"1min\"", 10},
      {"00", "\"00\": a number needs a unit; only the exact string \"0\" may leave it out, e.g. \"0s\"", 0},
      {"5S", "\"5S\": unknown unit \"S\" at 1; did you mean \"s\"? (units are case-sensitive)", 1},
      {"1Hour", "\"1Hour\": unknown unit \"Hour\" at 1; did you mean \"hour\"? (units are case-sensitive)", 1},
      {"1 mon", "\"1 mon\": unknown unit \"mon\" at 2; did you mean \"months\"?", 2},
      {"10nights", "\"10nights\": unknown unit \"nights\" at 2; use ns, us, ms, s, min, h, d, w, M (months) or y", 2},
      {"5x", "\"5x\": unknown unit \"x\" at 1; use ns, us, ms, s, min, h, d, w, M (months) or y", 1},
      {"1e3s",
       "\"1e3s\": unknown unit \"e\" at 1; exponents are not supported, write the number out in full, "
       "e.g. \"1000s\"",
       1},
      {"1h, 30m", "\"1h, 30m\": invalid character \",\" at 2; separate spans with spaces or nothing, e.g. \"1h 30m\"",
       2},
      {"1~", "\"1~\": invalid character \"~\" at 1; a duration is numbers with units, e.g. \"1h 30m\"", 1},
      {"1.s", "\"1.s\": \".\" at 1 must be followed by digits, e.g. \"1.5s\", or left out", 1},
      {"1. s", "\"1. s\": \".\" at 1 must be followed by digits, e.g. \"1.5s\", or left out", 1},
      {"1..s", "\"1..s\": invalid character \".\" at 2; a number has at most one decimal point", 2},
      {"5sec.", "\"5sec.\": invalid character \".\" at 4; a unit cannot be followed by \".\"", 4},
      {"1:30",
       "\"1:30\": invalid character \":\" at 1; clock notation is not supported, write spans such as "
       "\"1h 30m\" or \"1m 30s\"",
       1},
      {"1_000s", "\"1_000s\": invalid character \"_\" at 1; digit separators are not allowed, write \"1000s\"", 1},
      {"5\xCE\xBCs",
       "\"5\xCE\xBCs\": \"\xCE\xBC\" (Greek mu, U+03BC) at 1 is not the micro sign; write \"us\" or "
       "\"\xC2\xB5\" (U+00B5), e.g. \"5us\"",
       1},
      {"-5s", "\"-5s\": durations cannot be negative (\"-\" at 0); did you mean \"5s\"?", 0},
      {"+5s", "\"+5s\": a sign is not allowed (\"+\" at 0); write \"5s\"", 0},
      {".1s", "\".1s\": a number must start with a digit (\".\" at 0); write \"0.1s\"", 0},
      {"2 hours min",
       "\"2 hours min\": expected a number at 8, found \"min\"; every unit needs its own number, e.g. "
       "\"1h 30min\"",
       8},
      {"", "\"\": empty duration; write a number and a unit, e.g. \"20m\" or \"1h 30m\"", 0},
      {"0.001h",
       "\"0.001h\": 0.001h is not a whole number of seconds (3.6s); KumoMTA needs whole seconds for h, d, "
       "w, M and y, e.g. \"3s 600ms\"",
       0},
      {"1h 1.001h",
       "\"1h 1.001h\": 1.001h is not a whole number of seconds (3603.6s); KumoMTA needs whole seconds for "
       "h, d, w, M and y, e.g. \"1h 3s 600ms\"",
       3},
      {"0.000123456789s",
       "\"0.000123456789s\": 0.000123456789s is not a whole number of nanoseconds (123456.789ns); 1ns is "
       "the finest precision, so drop decimal places",
       0},
      {"17.5nsec",
       "\"17.5nsec\": 17.5nsec has a decimal part, but nanoseconds must be whole (1ns is the finest "
       "precision), e.g. \"17ns\"",
       0},
      {"100000000000000000000s",
       "\"100000000000000000000s\": the number at 0 is too large (at most 18446744073709551615)", 0},
      {"100000000000000ms",
       "\"100000000000000ms\": 100000000000000ms is too large; KumoMTA counts ms in 64-bit nanoseconds "
       "(about 584 years), write it in larger units, e.g. \"3168years 9months 21days 10h 44m 16s\"",
       0},
      {"10000000000000y",
       "\"10000000000000y\": 10000000000000y is too large; the longest duration is 18446744073709551615s "
       "(about 584 billion years)",
       0},
      {"18446744073709551615s 1s",
       "\"18446744073709551615s 1s\": the total is too large (1s at 22 pushes it past "
       "18446744073709551615s, about 584 billion years)",
       22},
  };
  for (const auto& row : rows) {
    INFO("input: \"" << row.input << "\"");
    auto parsed = values::parse_humantime(row.input);
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error().message == row.message);
    CHECK(parsed.error().position == std::optional<std::size_t>(row.position));
  }
}

// ---------------------------------------------------------------------------
// duration-serde conversions (§2.1)

TEST_CASE("strings: serde's message quotes the input like Rust's Debug", "[duration]") {
  CHECK(values::duration_from_string("1 dya\t").error().kumo_message ==
        "invalid value: string \"1 dya\\t\", expected a duration");
  CHECK(values::duration_from_string("say \"hi\"\n").error().kumo_message ==
        "invalid value: string \"say \\\"hi\\\"\\n\", expected a duration");
  CHECK(values::duration_from_string("a\\b").error().kumo_message ==
        "invalid value: string \"a\\\\b\", expected a duration");
  CHECK(values::duration_from_string("x\xC2\xA0y").error().kumo_message ==
        "invalid value: string \"x\\u{a0}y\", expected a duration");
  CHECK(values::duration_from_string(std::string("\0x", 2)).error().kumo_message ==
        "invalid value: string \"\\0x\", expected a duration");
  CHECK(values::duration_from_string("\x01").error().kumo_message ==
        "invalid value: string \"\\u{1}\", expected a duration");
  CHECK(values::duration_from_string("5\xC2\xB5").error().kumo_message ==
        "invalid value: string \"5\xC2\xB5\", expected a duration");
  // a combining mark (Grapheme_Extend) is escaped too
  CHECK(values::duration_from_string("e\xCC\x81").error().kumo_message ==
        "invalid value: string \"e\\u{301}\", expected a duration");
  CHECK(values::duration_from_string("it's").error().kumo_message ==
        "invalid value: string \"it's\", expected a duration");
}

TEST_CASE("strings that are not UTF-8 reach serde as bytes", "[duration]") {
  auto parsed = values::duration_from_string("5\xFFs");
  REQUIRE_FALSE(parsed.has_value());
  CHECK(parsed.error().kumo_message == "invalid type: byte array, expected a duration");
  CHECK(parsed.error().position == std::optional<std::size_t>(1));
  CHECK(parsed.error().message ==
        "\"5\\xffs\": invalid character byte 0xff at 1; a duration is numbers with units, e.g. \"1h 30m\"");
  // humantime itself would stop at the same byte
  CHECK(values::parse_humantime("5\xFFs").error().kumo_message == "invalid character at 1");
}

TEST_CASE("integers are seconds, negatives are rejected", "[duration]") {
  CHECK(*values::duration_from_integer(0) == Duration{0, 0});
  CHECK(*values::duration_from_integer(1) == Duration{1, 0});
  CHECK(*values::duration_from_integer(std::numeric_limits<std::int64_t>::max()) ==
        Duration{9223372036854775807ULL, 0});
  for (std::int64_t negative : {std::int64_t{-1}, std::numeric_limits<std::int64_t>::min()}) {
    auto d = values::duration_from_integer(negative);
    REQUIRE_FALSE(d.has_value());
    CHECK(d.error().kumo_message ==
          "duration must either be a string or a positive integer specifying the number of seconds. "
          "(error: out of range integral type conversion attempted)");
    CHECK_FALSE(d.error().crashes_kumod);
  }
  CHECK(values::duration_from_integer(std::numeric_limits<std::int64_t>::min()).error().message ==
        "-9223372036854775808 is a negative duration; use a non-negative number of seconds, e.g. 0");
}

TEST_CASE("floats: Duration::from_secs_f64, nearest nanosecond, ties to even", "[duration]") {
  struct Row {
    double value;
    Duration expected;
  };
  const std::vector<Row> rows = {
      {0.0, {0, 0}},
      {-0.0, {0, 0}},  // Rust tests `secs < 0.0`, which -0.0 is not
      {15.0, {15, 0}},
      {0.5, {0, 500'000'000}},
      {0.1, {0, 100'000'000}},  // 0.1000000000000000055... rounds down
      {2.7, {2, 700'000'000}},  // 2.70000000000000017... rounds down
      {4.2, {4, 200'000'000}},
      {1e-9, {0, 1}},                // 1.00000000000000006e-9 -> 1ns
      {0.999e-9, {0, 1}},            // rounds up (truncation would give 0)
      {4e-10, {0, 0}},               // below half a nanosecond
      {1.0 / 1024, {0, 976'562}},    // exactly 976562.5ns: tie to even
      {3.0 / 1024, {0, 2'929'688}},  // exactly 2929687.5ns: tie to even
      {1.0 + 1.0 / 1024, {1, 976'562}},
      {0.9999999, {0, 999'999'900}},
      {0.9999999999, {1, 0}},         // 999999999.9ns rounds up into the seconds
      {0.99999999999999989, {1, 0}},  // largest double below 1 rounds up to 1s
      {3600.5, {3600, 500'000'000}},
      {1e10 + 0.25, {10'000'000'000, 250'000'000}},
      {4503599627370495.5, {4503599627370495, 500'000'000}},   // 2^52 - 0.5
      {9007199254740993.0, {9007199254740992, 0}},             // not representable; 2^53
      {18446744073709549568.0, {18446744073709549568ULL, 0}},  // largest double below 2^64
      {std::numeric_limits<double>::denorm_min(), {0, 0}},
  };
  for (const auto& row : rows) {
    INFO("value: " << row.value);
    auto d = values::duration_from_float(row.value);
    REQUIRE(d.has_value());
    CHECK(*d == row.expected);
  }
}

TEST_CASE("floats that make kumod panic", "[duration]") {
  const std::string negative = "cannot convert float seconds to Duration: value is negative";
  const std::string too_big = "cannot convert float seconds to Duration: value is either too big or NaN";
  const double inf = std::numeric_limits<double>::infinity();
  struct Row {
    double value;
    std::string kumo_message;
    std::string message;
  };
  const std::vector<Row> rows = {
      {-1.5, negative,
       "-1.5 is a negative duration: kumod panics on negative float durations (the process dies); use a "
       "non-negative number of seconds"},
      {-1e-300, negative,
       "-1e-300 is a negative duration: kumod panics on negative float durations (the process dies); use "
       "a non-negative number of seconds"},
      {-inf, negative,
       "-inf (-math.huge) is a negative duration: kumod panics on negative float durations (the process "
       "dies); use a non-negative number of seconds"},
      {inf, too_big,
       "inf (math.huge) is too large: kumod panics on float durations of 2^64 seconds (about 1.8e19) or "
       "more (the process dies); use a smaller number of seconds"},
      {std::nan(""), too_big,
       "nan (e.g. 0/0) is not a number: kumod panics on NaN float durations (the process dies); use a "
       "non-negative number of seconds"},
      {-std::nan(""), too_big,
       "nan (e.g. 0/0) is not a number: kumod panics on NaN float durations (the process dies); use a "
       "non-negative number of seconds"},
      {18446744073709551616.0, too_big,
       "18446744073709551616 is too large: kumod panics on float durations of 2^64 seconds (about "
       "1.8e19) or more (the process dies); use a smaller number of seconds"},
      {2e19, too_big,
       "2e+19 is too large: kumod panics on float durations of 2^64 seconds (about 1.8e19) or more (the "
       "process dies); use a smaller number of seconds"},
  };
  for (const auto& row : rows) {
    INFO("value: " << row.value);
    auto d = values::duration_from_float(row.value);
    REQUIRE_FALSE(d.has_value());
    CHECK(d.error().crashes_kumod);
    CHECK(d.error().kumo_message == row.kumo_message);
    CHECK(d.error().message == row.message);
  }
}

// ---------------------------------------------------------------------------
// Formatting (§2.4)

TEST_CASE("format_humantime components, order and plurals", "[duration]") {
  struct Row {
    Duration d;
    std::string formatted;
  };
  const std::vector<Row> rows = {
      {{0, 0}, "0s"},
      {{0, 1}, "1ns"},
      {{0, 1000}, "1us"},
      {{0, 1'000'000}, "1ms"},
      {{1, 0}, "1s"},
      {{60, 0}, "1m"},
      {{3600, 0}, "1h"},
      {{86400, 0}, "1day"},
      {{172800, 0}, "2days"},
      {{2630016, 0}, "1month"},
      {{5260032, 0}, "2months"},
      {{31557600, 0}, "1year"},
      {{63115200, 0}, "2years"},
      {{31557600 + 2630016 + 86400 + 3600 + 60 + 1, 1'001'001}, "1year 1month 1day 1h 1m 1s 1ms 1us 1ns"},
      {{3661, 500}, "1h 1m 1s 500ns"},
      {{86399, 999'999'999}, "23h 59m 59s 999ms 999us 999ns"},
      {{k_u64_max, 999'999'999}, "584542046090years 7months 15days 17h 5m 3s 999ms 999us 999ns"},
  };
  for (const auto& row : rows) {
    INFO("seconds " << row.d.seconds << " nanos " << row.d.nanos);
    CHECK(values::format_humantime(row.d) == row.formatted);
  }
}

TEST_CASE("format then parse gives the same duration", "[duration]") {
  auto round_trips = [](Duration d) {
    INFO("seconds " << d.seconds << " nanos " << d.nanos);
    const std::string text = values::format_humantime(d);
    auto parsed = values::parse_humantime(text);
    REQUIRE(parsed.has_value());
    CHECK(*parsed == d);
  };
  for (Duration edge : {Duration{0, 0}, Duration{0, 1}, Duration{0, 999'999'999}, Duration{1, 0}, Duration{31557600, 0},
                        Duration{31557599, 999'999'999}, Duration{2630016, 0}, Duration{k_u64_max, 0},
                        Duration{k_u64_max, 999'999'999}, Duration{k_u64_max - 1, 1}}) {
    round_trips(edge);
  }
  for (std::uint64_t second = 0; second < 86400; second += 7) {
    round_trips(Duration{second, 0});
  }
  std::mt19937_64 random(20261128);
  std::uniform_int_distribution<std::uint64_t> seconds(0, 1'000'000'000'000);
  std::uniform_int_distribution<std::uint32_t> nanos(0, 999'999'999);
  std::uniform_int_distribution<std::uint64_t> any_seconds(0, k_u64_max);
  for (int i = 0; i < 3000; ++i) {
    round_trips(Duration{seconds(random), nanos(random)});
    round_trips(Duration{seconds(random), 0});
    round_trips(Duration{any_seconds(random), nanos(random)});
  }
}
