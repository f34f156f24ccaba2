// kumo.time as KumoMTA's mod-time has it, on kumo-lint's fixed clock:
// KumoMTA's own test.lua and documentation examples, chrono's formats,
// mlua's error texts, and determinism (now() never reads a clock).
#include <catch2/catch.hpp>

#include "core/lua/host.hpp"
#include "tests/support/printed.hpp"

using kumo::lua::HostOptions;
using kumo::lua::PolicyHost;
using kumo::test::printed;
using kumo::values::QueueName;

namespace {

// What pcall(f) returns for the error a chunk raises, without the location.
std::string time_error_of(const std::string& expression) {
  auto out = printed("local ok, e = pcall(function() return " + expression +
                     " end)\nprint(ok, (tostring(e):gsub('^[^:]*inline.lua:%d+: ', '')))\n");
  return out.empty() ? "" : out[0];
}

}  // namespace

TEST_CASE("KumoMTA's test.lua: fields, round trips, arithmetic", "[kumo_time]") {
  auto out = printed(
      "local t = kumo.time.with_ymd_hms(2000, 01, 02, 03, 04, 05)\n"
      "print(tostring(t), t.year, t.month, t.day, t.hour, t.minute, t.second, t.unix_timestamp)\n"
      "print(t.rfc2822, t.rfc3339, t.unix_timestamp_millis)\n"
      "print(kumo.time.parse_rfc2822(t.rfc2822) == t, kumo.time.parse_rfc3339(t.rfc3339) == t,\n"
      "  kumo.time.from_unix_timestamp(t.unix_timestamp) == t, kumo.time.now() ~= t)\n"
      "print(kumo.time.parse_rfc2822 'Sun, 2 Jan 2000 03:04:05 UTC' == t, t:format '%H:%M:%S%')\n"
      "local unix_epoch = kumo.time.from_unix_timestamp(0)\n"
      "local half_second = kumo.time.from_unix_timestamp(0.5)\n"
      "local delta = half_second - unix_epoch\n"
      "print(tostring(half_second), delta.seconds, delta.human, tostring(half_second + delta))\n"
      "print(tostring(half_second - kumo.time.parse_duration(0.5)))\n"
      "local one_and_a_half = delta + delta + delta\n"
      "local one = one_and_a_half - delta\n"
      "print(one_and_a_half.seconds, one.seconds, one.nanoseconds, one.microseconds, one.milliseconds, one.human)\n"
      "print(kumo.time.parse_duration(2.5).seconds, kumo.time.parse_duration(2).seconds,\n"
      "  kumo.time.parse_duration(2) == kumo.time.parse_duration '2s')\n"
      "local d = kumo.time.parse_duration '5 mins'\n"
      "print(d.seconds, d.human, tostring(d))\n");
  REQUIRE(out.size() == 9);
  CHECK(out[0] == "2000-01-02 03:04:05 UTC\t2000\t1\t2\t3\t4\t5\t946782245");
  CHECK(out[1] == "Sun, 2 Jan 2000 03:04:05 +0000\t2000-01-02T03:04:05+00:00\t946782245000");
  CHECK(out[2] == "true\ttrue\ttrue\ttrue");
  CHECK(out[3] == "true\t03:04:05%");
  CHECK(out[4] == "1970-01-01 00:00:00.500 UTC\t0.5\t500ms\t1970-01-01 00:00:01 UTC");
  CHECK(out[5] == "1970-01-01 00:00:00 UTC");
  CHECK(out[6] == "1.5\t1.0\t1000000000\t1000000\t1000\t1s");
  CHECK(out[7] == "2.5\t2.0\ttrue");
  CHECK(out[8] == "300.0\t5m\t5m");
}

TEST_CASE("now() is the fixed clock, elapsed and timers measure no time, sleep returns at once", "[kumo_time]") {
  auto out = printed(
      "local now = kumo.time.now()\n"
      "print(tostring(now), now.unix_timestamp, now.unix_timestamp_millis, now.rfc3339, now.rfc2822)\n"
      "print(now == kumo.time.now(), now.unix_timestamp == os.time(), tostring(now.elapsed), now.elapsed.seconds)\n"
      "print(tostring(kumo.time.with_ymd_hms(2025, 12, 31, 23, 0, 0).elapsed))\n"
      "print(kumo.time.sleep(1.5), kumo.sleep(0), kumo.sleep == kumo.time.sleep)\n"
      "local timer = kumo.time.start_timer 'my-operation'\n"
      "print(tostring(timer), timer:done(), timer:done())\n"
      "do local t <close> = kumo.time.start_timer('mything') end\n"
      "print(tostring(kumo.time.now()))\n");
  REQUIRE(out.size() == 6);
  CHECK(out[0] ==
        "2026-01-01 00:00:00 UTC\t1767225600\t1767225600000\t2026-01-01T00:00:00+00:00\t"
        "Thu, 1 Jan 2026 00:00:00 +0000");
  CHECK(out[1] == "true\ttrue\t0s\t0.0");
  CHECK(out[2] == "1h");
  CHECK(out[3] == "nil\tnil\ttrue");  // sleep returns nothing
  CHECK(out[4] == "Timer: 0x00000001\t0.0\tnil");
  CHECK(out[5] == "2026-01-01 00:00:00 UTC");
}

TEST_CASE("the documentation's examples", "[kumo_time]") {
  auto out = printed(
      "local now = kumo.time.now()\nprint(now.year, now:format '%H:%M:%S')\n"
      "print(tostring(kumo.time.parse_rfc2822 'Sun, 2 Jan 2000 03:04:05 +0000'),\n"
      "  tostring(kumo.time.parse_rfc3339 '2000-01-02T03:04:05+00:00'))\n"
      "print(tostring(kumo.time.parse_duration '5m'), tostring(kumo.time.from_unix_timestamp(1)))\n"
      // TimeDelta.md asserts this is 10; chrono's 10s - 20s is -10s.
      "print((kumo.time.parse_duration '10 seconds' - kumo.time.parse_duration(20)).seconds)\n");
  REQUIRE(out.size() == 4);
  CHECK(out[0] == "2026\t00:00:00");
  CHECK(out[1] == "2000-01-02 03:04:05 UTC\t2000-01-02 03:04:05 UTC");
  CHECK(out[2] == "5m\t1970-01-01 00:00:01 UTC");
  CHECK(out[3] == "-10.0");
}

TEST_CASE("Time:format follows chrono's strftime", "[kumo_time]") {
  auto out = printed(
      "local t = kumo.time.from_unix_timestamp(994552499) + kumo.time.parse_duration(0.02649)\n"
      "print(t:format '%Y-%m-%d %H:%M:%S%.3f %z|%a %A %b %B %e|%j %U %W %V %G|%I %l %p %P|%s')\n"
      "print(t:format '%c|%D|%F|%v|%r|%+|%-d %_m %0e|%Z %:z %::z %:::z|%%|%Q|%-D')\n"
      "print(t:format(12), pcall(t.format, t, '%#z'))\n");
  REQUIRE(out.size() == 3);
  CHECK(out[0] == "2001-07-08 00:34:59.026 +0000|Sun Sunday Jul July  8|189 27 27 27 2001|12 12 AM am|994552499");
  CHECK(out[1] ==
        "Sun Jul  8 00:34:59 2001|07/08/01|2001-07-08| 8-Jul-2001|12:34:59 AM|"
        "2001-07-08T00:34:59.026490+00:00|8  7 08|UTC +00:00 +00:00:00 +00|%|%Q|%-D/08/01");
  CHECK(out[2] ==
        "12\tfalse\tTime:format with %#z: kumod panics here (\"a Display implementation returned an error "
        "unexpectedly: Error\")");
}

TEST_CASE("constructors: kumod's conversions and messages", "[kumo_time]") {
  auto out = printed(
      "print(tostring(kumo.time.from_unix_timestamp(-1.5)), tostring(kumo.time.from_unix_timestamp(-0.5)))\n"
      "print(tostring(kumo.time.from_unix_timestamp(1767225600.25)), tostring(kumo.time.from_unix_timestamp(-1)))\n"
      "print(tostring(kumo.time.with_ymd_hms(2024, 2, 29.9, '23', 59.0, 59)), tostring(kumo.time.with_ymd_hms(-1, 1, "
      "1, 0, 0, 0)))\n"
      "print(tostring(kumo.time.parse_rfc3339 '2016-12-31T23:59:60.5Z'), kumo.time.parse_rfc3339 "
      "'2016-12-31T23:59:60Z'.second)\n"
      "print(tostring(kumo.time.parse_rfc2822 'Thu, 02 Jul 26 18:55:38 CEST'))\n");
  REQUIRE(out.size() == 5);
  // mod-time truncates a float timestamp, and a negative fraction becomes 0.
  CHECK(out[0] == "1969-12-31 23:59:59 UTC\t1970-01-01 00:00:00 UTC");
  CHECK(out[1] == "2026-01-01 00:00:00.250 UTC\t1969-12-31 23:59:59 UTC");
  CHECK(out[2] == "2024-02-29 23:59:59 UTC\t-0001-01-01 00:00:00 UTC");
  CHECK(out[3] == "2016-12-31 23:59:60.500 UTC\t59");
  CHECK(out[4] == "2026-07-02 16:55:38 UTC");
}

TEST_CASE("invalid inputs raise kumod's errors", "[kumo_time]") {
  CHECK(time_error_of("kumo.time.parse_rfc3339 'nope'") == "false\tpremature end of input");
  CHECK(time_error_of("kumo.time.parse_rfc3339 '2015-02-30T00:00:00Z'") == "false\tinput is out of range");
  CHECK(time_error_of("kumo.time.parse_rfc2822 'Mon, 2 Jan 2000 03:04:05 +0000'") ==
        "false\tno possible date and time matching input");
  CHECK(time_error_of("kumo.time.parse_rfc2822 'not a date'") == "false\tinput contains invalid characters");
  CHECK(time_error_of("kumo.time.parse_rfc3339()") ==
        "false\tbad argument #1: error converting Lua nil to String (expected string or number)");
  CHECK(
      time_error_of("kumo.time.parse_rfc3339 '\\xff'") ==
      "false\tbad argument #1: error converting Lua string to String (invalid utf-8 sequence of 1 bytes from index 0)");
  CHECK(time_error_of("kumo.time.with_ymd_hms(2000, 2, 30, 0, 0, 0)") ==
        "false\ttime cannot be represented due to a gap in local time");
  CHECK(time_error_of("kumo.time.with_ymd_hms(2000, -1, 1, 0, 0, 0)") ==
        "false\tbad argument #2: error converting Lua integer to u32 (out of range)");
  CHECK(time_error_of("kumo.time.with_ymd_hms(2000, 1, 1, 0, 0)") ==
        "false\tbad argument #6: error converting Lua nil to u32 (expected number or string coercible to number)");
  CHECK(time_error_of("kumo.time.with_ymd_hms(3e9, 1, 1, 0, 0, 0)") ==
        "false\tbad argument #1: error converting Lua integer to i32 (out of range)");
  CHECK(time_error_of("kumo.time.from_unix_timestamp('1')") ==
        "false\ttimestamp must be either an integer or floating point number of seconds");
  CHECK(time_error_of("kumo.time.from_unix_timestamp(1e300)") == "false\tinvalid timestamp");
  CHECK(time_error_of("kumo.time.parse_duration '10 minuts'").rfind("false\tunknown time unit \"minuts\"", 0) == 0);
  CHECK(time_error_of("kumo.time.parse_duration {}") == "false\tinvalid duration value");
  CHECK(time_error_of("kumo.time.parse_duration(math.maxinteger)") == "false\tseconds out of range");
  CHECK(time_error_of("kumo.time.parse_duration(1e17)") ==
        "false\tSource duration value is out of range for the target type");
  CHECK(time_error_of("tostring(kumo.time.parse_duration(-5))") ==
        "false\tSource duration value is out of range for the target type");
  CHECK(time_error_of("kumo.time.sleep 'soon'") ==
        "false\tbad argument #1: error converting Lua string to f64 (expected number or string coercible to number)");
  CHECK(time_error_of("kumo.time.now().nope") == "false\tattempt to get an unknown field 'nope'");
  CHECK(time_error_of("kumo.time.parse_duration(1).format") == "false\tattempt to get an unknown field 'format'");
  CHECK(time_error_of("kumo.time.with_ymd_hms(10000, 1, 1, 0, 0, 0).rfc2822") ==
        "false\tTime.rfc2822 of a time in the year 10000 (RFC 2822 years are 0 to 9999): kumod panics here "
        "(\"date cannot be represented by RFC 2822\")");
}

TEST_CASE("arithmetic takes only Time and TimeDelta, in mlua's words", "[kumo_time]") {
  const std::string t = "kumo.time.now()";
  const std::string d = "kumo.time.parse_duration(1)";
  CHECK(time_error_of(t + " - 5") ==
        "false\tcould not represent argument as either Time (error converting Lua integer to userdata (expected "
        "userdata of type mod_time::Time)) or TimeDelta (error converting Lua integer to userdata (expected userdata "
        "of type mod_time::TimeDelta)");
  CHECK(time_error_of(t + " + 5") ==
        "false\tbad argument #2 to `Time.__add`: error converting Lua number to userdata (expected userdata of type "
        "'TimeDelta')");
  CHECK(time_error_of(t + " + " + t) == "false\tbad argument #2 to `Time.__add`: userdata is not expected type");
  CHECK(time_error_of("5 - " + t) ==
        "false\tbad argument `self` to `Time.__sub`: error converting Lua number to userdata (expected userdata of "
        "type 'Time')");
  CHECK(time_error_of(d + " == " + t) == "false\tbad argument #2 to `TimeDelta.__eq`: userdata is not expected type");
  CHECK(time_error_of(t + " < " + t) == "false\tattempt to compare two Time values");  // no __lt in mod-time
  CHECK(time_error_of(t + ".format('%Y')") ==
        "false\tbad argument `self` to `Time.format`: error converting Lua string to userdata (expected userdata of "
        "type 'Time')");
  CHECK(time_error_of(t + ":format()") ==
        "false\tbad argument #2 to `Time.format`: error converting Lua nil to String (expected string or number)");
  CHECK(time_error_of(t + " + kumo.time.parse_duration(math.maxinteger // 1000)") == "false\ttime would overflow");
  CHECK(time_error_of("kumo.time.parse_duration(9223372036854775) + " + d) == "false\ttime would overflow");

  auto out = printed(
      "local a, b = kumo.time.with_ymd_hms(2026, 1, 1, 0, 0, 0), kumo.time.with_ymd_hms(2025, 12, 31, 12, 0, 0)\n"
      "local d = b - a\n"
      "print(d.seconds, d.milliseconds, d.nanoseconds, tostring(a + d), tostring(a - d), tostring(a - (a - b)))\n"
      "print(pcall(function() return d.human end))\n");
  REQUIRE(out.size() == 2);
  CHECK(out[0] ==
        "-43200.0\t-43200000\t-43200000000000\t2025-12-31 12:00:00 UTC\t2026-01-01 12:00:00 UTC\t"
        "2025-12-31 12:00:00 UTC");
  CHECK(out[1] == "false\t" KUMO_LINT_SOURCE_DIR
                  "/testdata/inline.lua:5: Source duration value is out of range for the "
                  "target type");
}

TEST_CASE("where kumod panics on a duration, kumo-lint reports KQ004", "[kumo_time]") {
  auto out = printed("kumo.time.parse_duration(-1.5)\n");
  REQUIRE(out.size() == 1);
  CHECK(out[0] ==
        "KQ004: kumo.time.parse_duration: kumod panics on this duration (\"cannot convert float seconds "
        "to Duration: value is negative\")");
  out = printed("kumo.sleep(0/0)\n");
  REQUIRE(out.size() == 1);
  CHECK(out[0] ==
        "KQ004: kumo.time.sleep: kumod panics on this duration (\"cannot convert float seconds to "
        "Duration: value is either too big or NaN\")");

  PolicyHost host{HostOptions{}};
  auto loaded = host.load(KUMO_LINT_SOURCE_DIR "/testdata/inline.lua",
                          "local kumo = require 'kumo'\n"
                          "kumo.on('get_queue_config', function()\n"
                          "  kumo.time.sleep(-1)\n"
                          "  return kumo.make_queue_config {}\nend)\n");
  REQUIRE(loaded.ok);
  auto ev = host.evaluate(QueueName{std::nullopt, std::nullopt, "a.com", std::nullopt});
  REQUIRE_FALSE(ev.diagnostics.empty());
  CHECK(ev.diagnostics.front().code == "KQ004");
}

TEST_CASE("Time, TimeDelta and Timer metatables are locked, tostring names the type", "[kumo_time]") {
  auto out = printed(
      "local t, d, timer = kumo.time.now(), kumo.time.parse_duration(1), kumo.time.start_timer('x')\n"
      "print(getmetatable(t), getmetatable(d), getmetatable(timer), pcall(setmetatable, t, {}))\n"
      "print(type(t), type(d), type(timer), tostring(timer):match('^Timer: '))\n"
      "print(pcall(function() t.year = 1 end))\n");
  REQUIRE(out.size() == 3);
  CHECK(out[0].rfind("false\tfalse\tfalse\tfalse\t", 0) == 0);
  CHECK(out[1] == "userdata\tuserdata\tuserdata\tTimer: ");
  CHECK(out[2] == "false\t" KUMO_LINT_SOURCE_DIR "/testdata/inline.lua:5: attempt to index a Time value (upvalue 't')");
}

TEST_CASE("kumo.time output is the same on every run", "[kumo_time]") {
  const std::string body =
      "print(tostring(kumo.time.now()), kumo.time.now():format '%c %s %f', tostring(kumo.time.now().elapsed))\n"
      "local t = kumo.time.start_timer 'x'\nprint(t:done(), tostring(t))\n";
  CHECK(printed(body) == printed(body));
  CHECK(printed(body)[0] == "2026-01-01 00:00:00 UTC\tThu Jan  1 00:00:00 2026 1767225600 000000000\t0s");
}
