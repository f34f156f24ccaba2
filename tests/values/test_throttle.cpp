#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "core/values/throttle.hpp"

using kumo::values::explain_throttle;
using kumo::values::explain_throttle_lines;
using kumo::values::format_throttle;
using kumo::values::parse_throttle;
using kumo::values::ThrottleSpec;

namespace {

struct Accepted {
  const char* input;
  std::uint64_t limit;
  std::uint64_t period;
  std::optional<std::uint64_t> burst;
  bool local;
  const char* display;
};

// Reference §3.5 (T and D rows) and §10.
const std::vector<Accepted> k_accepted = {
    {"100/hr", 100, 3600, std::nullopt, false, "100/h"},
    {"local:100/hr", 100, 3600, std::nullopt, true, "local:100/h"},
    {"local:100/123m", 100, 7380, std::nullopt, true, "local:100/7380s"},
    {"1_0,0/hour", 100, 3600, std::nullopt, false, "100/h"},
    {"50/day,max_burst=1", 50, 86400, 1, false, "50/d,max_burst=1"},
    {"10/s", 10, 1, std::nullopt, false, "10/s"},
    {"10/sec", 10, 1, std::nullopt, false, "10/s"},
    {"10/second", 10, 1, std::nullopt, false, "10/s"},
    {"50/m", 50, 60, std::nullopt, false, "50/m"},
    {"50/min", 50, 60, std::nullopt, false, "50/m"},
    {"50/minute", 50, 60, std::nullopt, false, "50/m"},
    {"1,000/hr", 1000, 3600, std::nullopt, false, "1000/h"},
    {"1_000/h", 1000, 3600, std::nullopt, false, "1000/h"},
    {"1000/hour", 1000, 3600, std::nullopt, false, "1000/h"},
    {"10_000/d", 10000, 86400, std::nullopt, false, "10000/d"},
    {"10,000/day", 10000, 86400, std::nullopt, false, "10000/d"},
    {"20/30minute", 20, 1800, std::nullopt, false, "20/1800s"},
    {"10/60s", 10, 60, std::nullopt, false, "10/m"},
    {"10/24h", 10, 86400, std::nullopt, false, "10/d"},
    {"10/1s", 10, 1, std::nullopt, false, "10/s"},
    {"60/minute,max_burst=1", 60, 60, 1, false, "60/m,max_burst=1"},
    {"+5/s", 5, 1, std::nullopt, false, "5/s"},
    {"6/m,max_burst=1,000", 6, 60, 1000, false, "6/m,max_burst=1000"},
    {"10/0s", 10, 0, std::nullopt, false, "10/0s"},
    // Derived edge cases.
    {"6/m,max_burst=0", 6, 60, 0, false, "6/m,max_burst=0"},
    {"6/m,max_burst=+2", 6, 60, 2, false, "6/m,max_burst=2"},
    {"local:1/2d,max_burst=_3_", 1, 172800, 3, true, "local:1/172800s,max_burst=3"},
    {"_,+7,_/0060s", 7, 60, std::nullopt, false, "7/m"},
    {"18446744073709551615/s", 18446744073709551615u, 1, std::nullopt, false, "18446744073709551615/s"},
    // The scale multiplies unchecked and wraps, as in a release kumod.
    {"1/5124095576030432h", 1, 3584, std::nullopt, false, "1/3584s"},
    {"1/213503982334602d", 1, 61184, std::nullopt, false, "1/61184s"},
    {"1/18446744073709551615s", 1, 18446744073709551615u, std::nullopt, false, "1/18446744073709551615s"},
};

struct RejectedThrottle {
  const char* input;
  const char* kumo_message;
};

const std::vector<RejectedThrottle> k_rejected = {
    {"100/our", "unknown period quantity our"},
    {"three/hour", "invalid limit 'three': invalid digit found in string"},
    {"10/seconds", "unknown period quantity seconds"},
    {"0/h", "invalid ThrottleSpec `0/h`: limit must be greater than 0!"},
    {"100", "expected 'limit/period', got 100"},
    {"100/", "invalid period quantity "},
    {"100/60", "invalid period quantity 60"},
    {"/h", "invalid limit '': cannot parse integer from empty string"},
    {"100 /h", "invalid limit '100 ': invalid digit found in string"},
    {"100/ h", "unknown period quantity  h"},
    {"100/H", "unknown period quantity H"},
    {"LOCAL:10/s", "invalid limit 'LOCAL:10': invalid digit found in string"},
    {"-5/s", "invalid limit '-5': invalid digit found in string"},
    {"6/m, max_burst=1", "unknown period quantity m, max_burst=1"},
    {"6/m,max_burst=", "invalid limit '': cannot parse integer from empty string"},
    {"18446744073709551616/s", "invalid limit '18446744073709551616': number too large to fit in target type"},
    {"1/99999999999999999999s", "number too big"},
    // §3.5 row 8 (opt_digit_prefix): "1" alone is an error, "1q" an unknown unit.
    {"5/1", "invalid period quantity 1"},
    {"5/1q", "unknown period quantity q"},
    // Derived: the order of the checks decides the message.
    {"three/our", "unknown period quantity our"},
    {"0/our", "unknown period quantity our"},
    {"local:0/h,max_burst=5", "invalid ThrottleSpec `0/h`: limit must be greater than 0!"},
    {"x/y,max_burst=z", "invalid limit 'z': invalid digit found in string"},
    {"1/2/h", "unknown period quantity /h"},
    {"", "expected 'limit/period', got "},
    {"local:", "expected 'limit/period', got "},
    {"100,max_burst=5", "expected 'limit/period', got 100"},
    {"+/s", "invalid limit '+': invalid digit found in string"},
    {"99999999999999999999x/s", "invalid limit '99999999999999999999x': number too large to fit in target type"},
    {"1x99999999999999999999/s", "invalid limit '1x99999999999999999999': invalid digit found in string"},
    {"1/99999999999999999999", "number too big"},
    {"10/w", "unknown period quantity w"},
    {"10/1.5h", "unknown period quantity .5h"},
    {"0.5/s", "invalid limit '0.5': invalid digit found in string"},
    {"6/m,max_burst=1 ", "invalid limit '1 ': invalid digit found in string"},
    {" 6/m", "invalid limit ' 6': invalid digit found in string"},
};

struct Explained {
  const char* input;
  const char* message;
  std::size_t position;
};

// kumo-lint's own wording for the common mistakes.
const std::vector<Explained> k_explained = {
    {"10/seconds", R"("10/seconds": unknown period "seconds"; KumoMTA accepts s, sec, second (no plurals))", 3},
    {"10/minutes", R"("10/minutes": unknown period "minutes"; KumoMTA accepts m, min, minute (no plurals))", 3},
    {"10/3hours", R"("10/3hours": unknown period "hours"; KumoMTA accepts h, hr, hour (no plurals))", 4},
    {"10/days", R"("10/days": unknown period "days"; KumoMTA accepts d, day (no plurals))", 3},
    {"6/m, max_burst=1", R"("6/m, max_burst=1": no spaces allowed before max_burst; write "6/m,max_burst=1")", 2},
    {"6/m;max_burst=1",
     R"("6/m;max_burst=1": write the burst right after the period as ",max_burst=N", e.g. "6/m,max_burst=1")", 2},
    {"100", R"("100": expected "limit/period", e.g. "100/h")", 0},
    {"", R"("": the throttle spec is empty; expected "limit/period", e.g. "100/h")", 0},
    {"0/h", R"("0/h": the limit must be greater than 0)", 0},
    {"local:0/h", R"("local:0/h": the limit must be greater than 0)", 6},
    {"100/H", R"("100/H": units are lowercase; write "100/h")", 4},
    {"100/2Min", R"("100/2Min": units are lowercase; write "100/2min")", 5},
    {"100/our", R"("100/our": unknown period "our"; did you mean "hour"?)", 4},
    {"100/xyzzy",
     R"("100/xyzzy": unknown period "xyzzy"; KumoMTA accepts h, hr, hour, m, min, minute, s, sec, second, d, day)", 4},
    {"100/ms", R"("100/ms": unknown period "ms"; the shortest unit KumoMTA accepts is s (s, sec, second))", 4},
    {"100/week", R"("100/week": unknown period "week"; KumoMTA has no week unit; use "7d")", 4},
    {"100/ h", R"("100/ h": no spaces allowed in the period; write "100/h")", 4},
    {"100/", R"("100/": missing period after "/", e.g. "100/h")", 4},
    {"100/60", R"("100/60": period "60" has no unit; write "100/60s")", 4},
    {"1/99999999999999999999s",
     R"("1/99999999999999999999s": period multiplier is too big; the maximum is 18446744073709551615)", 2},
    {"three/hour", R"("three/hour": limit "three" is not a whole number)", 0},
    {"/h", R"("/h": missing limit before "/", e.g. "100/h")", 0},
    {"100 /h", R"("100 /h": no spaces allowed in the limit; write "100/h")", 0},
    {"LOCAL:10/s", R"("LOCAL:10/s": the "local:" prefix must be lowercase; write "local:10/s")", 0},
    // Found by fuzz_throttle: the lowercase hint re-parsed its own text forever.
    {"local:local:10/s", R"("local:local:10/s": the "local:" prefix may appear only once)", 6},
    {"loCal:loCal:00/3m", R"("loCal:loCal:00/3m": the "local:" prefix must be lowercase)", 0},
    {"-5/s", R"("-5/s": the limit cannot be negative)", 0},
    {"0.5/s", R"("0.5/s": the limit must be a whole number, not "0.5")", 0},
    {"18446744073709551616/s",
     R"("18446744073709551616/s": limit "18446744073709551616" is too large; the maximum is 18446744073709551615)", 0},
    {"6/m,max_burst=", R"("6/m,max_burst=": max_burst has no value, e.g. ",max_burst=1")", 14},
    {"6/m,max_burst=lots", R"("6/m,max_burst=lots": max_burst "lots" is not a whole number)", 14},
};

}  // namespace

TEST_CASE("parse_throttle accepts the reference examples", "[throttle]") {
  for (const auto& row : k_accepted) {
    INFO(row.input);
    auto spec = parse_throttle(row.input);
    REQUIRE(spec.has_value());
    CHECK(spec->limit == row.limit);
    CHECK(spec->period == row.period);
    CHECK(spec->max_burst == row.burst);
    CHECK(spec->force_local == row.local);
    CHECK(format_throttle(*spec) == row.display);
  }
}

TEST_CASE("parse_throttle reproduces KumoMTA's error texts", "[throttle]") {
  for (const auto& row : k_rejected) {
    INFO(row.input);
    auto spec = parse_throttle(row.input);
    REQUIRE_FALSE(spec.has_value());
    CHECK(spec.error().kumo_message == row.kumo_message);
    CHECK_FALSE(spec.error().message.empty());
    CHECK(spec.error().position.has_value());
    CHECK_FALSE(spec.error().crashes_kumod);
  }
}

TEST_CASE("parse_throttle explains mistakes in its own words", "[throttle]") {
  for (const auto& row : k_explained) {
    INFO(row.input);
    auto spec = parse_throttle(row.input);
    REQUIRE_FALSE(spec.has_value());
    CHECK(spec.error().message == row.message);
    CHECK(spec.error().position == row.position);
  }
}

TEST_CASE("format_throttle writes the canonical display", "[throttle]") {
  CHECK(format_throttle({100, 86400, std::nullopt, false}) == "100/d");
  CHECK(format_throttle({100, 3600, std::nullopt, true}) == "local:100/h");
  CHECK(format_throttle({1, 60, 0, false}) == "1/m,max_burst=0");
  CHECK(format_throttle({1, 1, std::nullopt, false}) == "1/s");
  CHECK(format_throttle({1, 0, std::nullopt, false}) == "1/0s");
  CHECK(format_throttle({1, 7200, 5, true}) == "local:1/7200s,max_burst=5");
}

TEST_CASE("explain_throttle_lines matches KumoMTA's explain tests", "[throttle]") {
  struct Row {
    const char* spec;
    std::vector<std::string> lines;
  };
  const std::vector<Row> rows = {
      {"100/h",
       {"100/h", "implied burst rate 100 every 36s, or: 3/s, 167/m, 10,000/h, 240,000/d in that period.",
        "overall rate 0.028/s, 2/m, 100/h, 2,400/d"}},
      {"500/d",
       {"500/d",
        "implied burst rate 500 every 2m 52s 800ms, or: 3/s, 174/m, 10,417/h, 250,000/d in that "
        "period.",
        "overall rate 0.006/s, 0.347/m, 21/h, 500/d"}},
      {"500/d,max_burst=1",
       {"500/d,max_burst=1",
        "explicit burst rate 1 every 2m 52s 800ms, or: 0.006/s, 0.347/m, 21/h, 500/d in that "
        "period.",
        "overall rate 0.006/s, 0.347/m, 21/h, 500/d"}},
      {"500/d,max_burst=10",
       {"500/d,max_burst=10",
        "explicit burst rate 10 every 2m 52s 800ms, or: 0.058/s, 4/m, 209/h, 5,000/d in that "
        "period.",
        "overall rate 0.006/s, 0.347/m, 21/h, 500/d"}},
      // Derived: period 0 divides by zero; Rust's `inf as usize` saturates.
      {"10/0s",
       {"10/0s",
        "implied burst rate 10 every 0s, or: 18,446,744,073,709,551,615/s, "
        "18,446,744,073,709,551,615/m, 18,446,744,073,709,551,615/h, "
        "18,446,744,073,709,551,615/d in that period.",
        "overall rate 18,446,744,073,709,551,615/s, 18,446,744,073,709,551,615/m, "
        "18,446,744,073,709,551,615/h, 18,446,744,073,709,551,615/d"}},
  };
  for (const auto& row : rows) {
    INFO(row.spec);
    auto spec = parse_throttle(row.spec);
    REQUIRE(spec.has_value());
    CHECK(explain_throttle_lines(*spec) == row.lines);
  }
}

TEST_CASE("explain_throttle_lines matches a Rust run of KumoMTA's explain", "[throttle]") {
  // Generated by running mod_kumo.rs's explain_throttle body (std-only copy,
  // rustc 1.95) over these specs: checks Duration::from_secs_f64 rounding
  // (1024/s is an exact half-nanosecond tie), {:.3}, ceil and humantime.
  struct Row {
    const char* spec;
    const char* burst_line;
    const char* overall_line;
  };
  const std::vector<Row> rows = {
      {"7/d",
       "implied burst rate 7 every 3h 25m 42s 857ms 142us 857ns, or: 0.001/s, 0.034/m, 3/h, 50/d in that period.",
       "overall rate 0.000/s, 0.005/m, 0.292/h, 7/d"},
      {"3/13s", "implied burst rate 3 every 4s 333ms 333us 333ns, or: 0.692/s, 42/m, 2,493/h, 59,816/d in that period.",
       "overall rate 0.231/s, 14/m, 831/h, 19,939/d"},
      {"1000000/s",
       "implied burst rate 1000000 every 1us, or: 1,000,000,000,000/s, 60,000,000,000,000/m, 3,600,000,000,000,000/h, "
       "86,400,000,000,000,000/d in that period.",
       "overall rate 1,000,000/s, 60,000,000/m, 3,600,000,000/h, 86,400,000,000/d"},
      {"123/7h,max_burst=5",
       "explicit burst rate 5 every 3m 24s 878ms 48us 780ns, or: 0.024/s, 2/m, 88/h, 2,109/d in that period.",
       "overall rate 0.005/s, 0.293/m, 18/h, 422/d"},
      {"1/31557601s", "implied burst rate 1 every 1year 1s, or: 0.000/s, 0.000/m, 0.000/h, 0.003/d in that period.",
       "overall rate 0.000/s, 0.000/m, 0.000/h, 0.003/d"},
      {"1/100000000s",
       "implied burst rate 1 every 3years 2months 18h 39m 28s, or: 0.000/s, 0.000/m, 0.000/h, 0.001/d in that period.",
       "overall rate 0.000/s, 0.000/m, 0.000/h, 0.001/d"},
      {"3/s,max_burst=0",
       "explicit burst rate 0 every 333ms 333us 333ns, or: 0.000/s, 0.000/m, 0.000/h, 0.000/d in that period.",
       "overall rate 3/s, 180/m, 10,800/h, 259,200/d"},
      {"7/3s", "implied burst rate 7 every 428ms 571us 429ns, or: 17/s, 980/m, 58,800/h, 1,411,200/d in that period.",
       "overall rate 3/s, 140/m, 8,400/h, 201,600/d"},
      {"1/s", "implied burst rate 1 every 1s, or: 1/s, 60/m, 3,600/h, 86,400/d in that period.",
       "overall rate 1/s, 60/m, 3,600/h, 86,400/d"},
      {"999/d,max_burst=1000",
       "explicit burst rate 1000 every 1m 26s 486ms 486us 486ns, or: 12/s, 694/m, 41,626/h, 999,001/d in that period.",
       "overall rate 0.012/s, 0.694/m, 42/h, 999/d"},
      {"1/63115200s", "implied burst rate 1 every 2years, or: 0.000/s, 0.000/m, 0.000/h, 0.001/d in that period.",
       "overall rate 0.000/s, 0.000/m, 0.000/h, 0.001/d"},
      {"13/1000003s",
       "implied burst rate 13 every 21h 22m 3s 307ms 692us 308ns, or: 0.000/s, 0.010/m, 0.608/h, 15/d in that period.",
       "overall rate 0.000/s, 0.001/m, 0.047/h, 2/d"},
      {"1024/s",
       "implied burst rate 1024 every 976us 562ns, or: 1,048,577/s, 62,914,593/m, 3,774,875,533/h, 90,597,012,786/d in "
       "that period.",
       "overall rate 1,024/s, 61,440/m, 3,686,400/h, 88,473,600/d"},
  };
  for (const auto& row : rows) {
    INFO(row.spec);
    auto spec = parse_throttle(row.spec);
    REQUIRE(spec.has_value());
    const auto lines = explain_throttle_lines(*spec);
    REQUIRE(lines.size() == 3);
    CHECK(lines[0] == format_throttle(*spec));
    CHECK(lines[1] == row.burst_line);
    CHECK(lines[2] == row.overall_line);
  }
}

TEST_CASE("explain_throttle gives nominal and local GCRA figures", "[throttle]") {
  struct Row {
    const char* spec;
    std::uint64_t emission_interval_ns;
    std::uint64_t immediate;
    bool zero_rate;
    bool never_delays;
  };
  // Reference §3.4 and the local GCRA table in §10.
  const std::vector<Row> rows = {
      {"6/m", 10'000'000'000u, 6, false, false},
      {"6/m,max_burst=1", 10'000'000'000u, 2, false, false},
      {"6/m,max_burst=0", 10'000'000'000u, 1, false, false},
      {"1/h", 3'600'000'000'000u, 1, false, false},
      {"1/h,max_burst=50", 3'600'000'000'000u, 1, false, false},
      {"10/s", 100'000'000u, 10, false, false},
      {"2000/s", 500'000u, 2000, false, true},
      {"1000/s", 1'000'000u, 1000, false, false},
      {"10/0s", 0, 10, true, true},
      {"2000000000/s", 0, 2'000'000'000u, true, true},
      // 128-bit arithmetic: period_ns does not fit in 64 bits.
      {"1/18446744073709551615s", 18446744073709551615u, 1, false, false},
      // Beyond u64 nanoseconds the interval saturates.
      {"3/18446744073709551615s", 18446744073709551615u, 3, false, false},
  };
  for (const auto& row : rows) {
    INFO(row.spec);
    auto spec = parse_throttle(row.spec);
    REQUIRE(spec.has_value());
    auto e = explain_throttle(*spec);
    CHECK(e.emission_interval_ns == row.emission_interval_ns);
    CHECK(e.local_immediate_events == row.immediate);
    CHECK(e.zero_rate == row.zero_rate);
    CHECK(e.never_delays_locally == row.never_delays);
  }

  auto e = explain_throttle(*parse_throttle("50/day,max_burst=1"));
  CHECK(e.interval_seconds == 1728.0);
  CHECK(e.burst == 1);
  CHECK(e.explicit_burst);
  CHECK(e.per_day == Approx(50.0));

  auto implied = explain_throttle(*parse_throttle("100/h"));
  CHECK(implied.burst == 100);
  CHECK_FALSE(implied.explicit_burst);
  CHECK(implied.interval_seconds == 36.0);
  CHECK(implied.per_hour == Approx(100.0));
}

TEST_CASE("canonical display re-parses to the same spec", "[throttle]") {
  std::mt19937_64 rng(20240501);
  const std::vector<std::uint64_t> periods = {0, 1, 60, 3600, 86400, 2, 59, 61, 7380, 604800};
  for (int i = 0; i < 2000; ++i) {
    ThrottleSpec spec;
    spec.limit = 1 + rng() % (i % 2 == 0 ? 1000 : 18446744073709551615u);
    spec.period = i % 3 == 0 ? rng() : periods[rng() % periods.size()];
    if (rng() % 2 == 0) {
      spec.max_burst = rng() % 4 == 0 ? rng() : rng() % 100;
    }
    spec.force_local = rng() % 2 == 0;
    const std::string text = format_throttle(spec);
    INFO(text);
    auto parsed = parse_throttle(text);
    REQUIRE(parsed.has_value());
    CHECK(*parsed == spec);
  }
}

TEST_CASE("written specs normalise idempotently", "[throttle]") {
  std::mt19937_64 rng(7);
  const std::vector<std::string> units = {"h", "hr", "hour", "m", "min", "minute", "s", "sec", "second", "d", "day"};
  for (int i = 0; i < 1000; ++i) {
    std::string limit = std::to_string(1 + rng() % 100000);
    if (limit.size() > 3 && rng() % 2 == 0) {
      limit.insert(limit.size() - 3, rng() % 2 == 0 ? "," : "_");
    }
    std::string text = (rng() % 3 == 0 ? "local:" : "") + limit + "/";
    if (rng() % 2 == 0) {
      text += std::to_string(rng() % 100);
    }
    text += units[rng() % units.size()];
    if (rng() % 3 == 0) {
      text += ",max_burst=" + std::to_string(rng() % 1000);
    }
    INFO(text);
    auto first = parse_throttle(text);
    REQUIRE(first.has_value());
    const std::string canonical = format_throttle(*first);
    auto second = parse_throttle(canonical);
    REQUIRE(second.has_value());
    CHECK(*second == *first);
    CHECK(format_throttle(*second) == canonical);
  }
}
