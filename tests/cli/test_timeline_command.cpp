// `kumo-lint timeline`, in process: exact output, exit codes, and the chart.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/report/render.hpp"
#include "core/simulate/retry_timeline.hpp"
#include "tests/support/run_cli.hpp"

using kumo::test::CliResult;
using kumo::test::last_line;

namespace {

// `kumo-lint timeline <args...>`, in process.
CliResult timeline(std::vector<std::string> args) {
  args.insert(args.begin(), "timeline");
  return kumo::test::run_cli(args);
}

std::string example_policy() { return std::string(KUMO_LINT_SOURCE_DIR) + "/testdata/examples/policy.lua"; }

kumo::simulate::Timeline simulate(std::uint64_t retry, std::optional<std::uint64_t> cap, std::uint64_t max_age) {
  std::optional<kumo::values::Duration> cap_duration;
  if (cap) {
    cap_duration = kumo::values::Duration{*cap, 0};
  }
  return kumo::simulate::simulate_retries({{retry, 0}, cap_duration, {max_age, 0}});
}

}  // namespace

TEST_CASE("timeline with no policy and no --config shows kumod's defaults", "[timeline_cmd]") {
  CliResult r = timeline({});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(
      r.out ==
      R"((kumod defaults):1: warning: last attempt at 3days 13h of max_age=7days (the next retry would be at 7days 2h 20m): consider max_retry_interval [KQ203]
retry_interval=20m max_retry_interval=none max_age=7days
  attempt  at            earliest..latest                    then waits
  1        0s            0s..0s                              20m
  2        20m           19m 30s..20m 29s                    40m
  3        1h            59m..1h 58s                         1h 20m
  4        2h 20m        2h 18m 30s..2h 21m 27s              2h 40m
  5        5h            4h 58m..5h 1m 56s                   5h 20m
  6        10h 20m       10h 17m 30s..10h 22m 25s            10h 40m
  7        21h           20h 57m..21h 2m 54s                 21h 20m
  8        1day 18h 20m  1day 18h 16m 30s..1day 18h 23m 23s  1day 18h 40m
  9        3days 13h     3days 12h 56m..3days 13h 3m 52s     -
  expired after attempt 9 at 3days 13h: Next delivery time would be 7days 2h 20m after creation, which exceeds max_age=7days

  4| |   |       |              |
  +-----------------------------X............................+
  0                                                      7days
  X expires at 3days 13h after attempt 9; | an attempt, 2-9 or # (ten or more) attempts in one column
)");
}

TEST_CASE("timeline --config summarizes a long periodic tail", "[timeline_cmd]") {
  CliResult r =
      timeline({"--config", "retry_interval=1s", "--config", "max_retry_interval=1s", "--config", "max_age=7d"});
  CHECK(r.exit_code == 0);
  const std::string head =
      "--config:1: warning: 604801 delivery attempts per message within max_age=7days: consider a longer "
      "max_retry_interval [KQ205]\n"
      "retry_interval=1s max_retry_interval=1s max_age=7days\n"
      "  attempt  at   earliest..latest  then waits\n"
      "  1        0s   0s..0s            1s\n";
  CHECK(r.out.substr(0, head.size()) == head);
  const std::string tail = R"(  50       49s  49s..49s          1s
  ... then 604751 more attempts every 1s, from attempt 51 at 50s to 7days
  expired after attempt 604801 at 7days: Next delivery time would be 7days 1s after creation, which exceeds max_age=7days

  ############################################################
  +----------------------------------------------------------X
  0                                                      7days
  X expires at 7days after attempt 604801; | an attempt, 2-9 or # (ten or more) attempts in one column
)";
  REQUIRE(r.out.size() > tail.size());
  CHECK(r.out.substr(r.out.size() - tail.size()) == tail);
}

TEST_CASE("timeline POLICY -q evaluates that queue of the policy", "[timeline_cmd]") {
  CliResult r = timeline({example_policy(), "-q", "gmail.com", "--max-attempts-shown", "3"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out == R"(queue gmail.com: retry_interval=20m max_retry_interval=4h max_age=3days
  attempt  at      earliest..latest        then waits
  1        0s      0s..0s                  20m
  2        20m     19m 30s..20m 29s        40m
  3        1h      59m..1h 58s             1h 20m
  4        2h 20m  2h 18m 30s..2h 21m 27s  2h 40m
  ... then 17 more attempts every 4h, from attempt 5 at 5h to 2days 21h
  expired after attempt 21 at 2days 21h: Next delivery time would be 3days 1h after creation, which exceeds max_age=3days
  max_message_rate 1000/h: a burst of 100 messages goes at once (a cold bucket passes 1000, then one every 3s 600ms)
  (approximates the local throttle backend for a burst due at once in a cold bucket; redis backends differ, and a throttle_insert_ready_queue delay becomes a random 0-59s)

  3|  |  |  |   |  |  |   |  |  |   |  |  |   |  |  |   |  |
  +--------------------------------------------------------X.+
  0                                                      3days
  X expires at 2days 21h after attempt 21; | an attempt, 2-9 or # (ten or more) attempts in one column
)");
}

TEST_CASE("timeline --format json prints settings, timeline and diagnostics", "[timeline_cmd]") {
  CliResult r = timeline({"--format", "json", "--config", "retry_interval=1h", "--config", "max_age=3h"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == R"({
  "format_version": 1,
  "settings": {
    "max_age": "3h",
    "max_retry_interval": null,
    "retry_interval": "1h"
  },
  "timeline": {
    "attempt_count": 3,
    "attempts": [
      {
        "at": "0s",
        "at_seconds": 0,
        "attempt": 1,
        "delay_after_seconds": 3600,
        "earliest_seconds": 0,
        "latest_seconds": 0
      },
      {
        "at": "1h",
        "at_seconds": 3600,
        "attempt": 2,
        "delay_after_seconds": 7200,
        "earliest_seconds": 3570,
        "latest_seconds": 3629
      },
      {
        "at": "3h",
        "at_seconds": 10800,
        "attempt": 3,
        "delay_after_seconds": null,
        "earliest_seconds": 10740,
        "latest_seconds": 10858
      }
    ],
    "expires_at_seconds": 10800,
    "expiry": {
      "after_attempt": 3,
      "at_seconds": 10800,
      "depends_on_jitter": true,
      "reason": "Next delivery time would be 7h after creation, which exceeds max_age=3h"
    },
    "max_age_seconds": 10800,
    "rate_limit": null,
    "summary": null,
    "unbounded": false
  },
  "diagnostics": []
}
)");
}

TEST_CASE("timeline --config digits are seconds, like a policy's integers", "[timeline_cmd]") {
  CliResult r = timeline({"--config", "retry_interval=600", "--config", "max_age=3600", "--format", "json"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("\"retry_interval\": \"10m\"") != std::string::npos);
  CHECK(r.out.find("\"max_age\": \"1h\"") != std::string::npos);
}

TEST_CASE("timeline exit codes", "[timeline_cmd]") {
  SECTION("a zero delay is an error finding: 1") {
    CliResult r = timeline({"--config", "retry_interval=0", "--max-attempts-shown", "1"});
    CHECK(r.exit_code == 1);
    CHECK(r.out.rfind("--config:1: error: retry_interval=0s truncates to 0s: every retry is immediate", 0) == 0);
  }
  SECTION("an invalid value: 1, diagnosed as check diagnoses it") {
    CliResult r = timeline({"--config", "max_age=abc"});
    CHECK(r.exit_code == 1);
    CHECK(r.out ==
          "--config:1: error: max_age: \"abc\": expected a number at 0, found \"abc\"; every unit needs its own "
          "number, e.g. \"1h 30min\" [KQ003]\n"
          "  kumod: invalid value: string \"abc\", expected a duration\n"
          "no timeline: kumod would reject this queue config\n");
  }
  SECTION("an unknown --config key: 2, with a did-you-mean") {
    CliResult r = timeline({"--config", "retry_intervl=5m"});
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err ==
          "kumo-lint: error: unknown --config key \"retry_intervl\", did you mean \"retry_interval\"? "
          "(keys: retry_interval, max_retry_interval, max_age, max_message_rate)\n");
  }
  SECTION("other usage errors: 2") {
    CHECK(timeline({"--config", "max_age"}).exit_code == 2);
    CHECK(timeline({"--config", "max_age=1d", "--config", "max_age=2d"}).exit_code == 2);
    CliResult no_queue = timeline({example_policy()});
    CHECK(no_queue.exit_code == 2);
    CHECK(no_queue.err == "kumo-lint: error: timeline shows one queue: add -q NAME, e.g. -q gmail.com\n");
    CHECK(timeline({example_policy(), "-q", "gmail.com", "--config", "max_age=1d"}).exit_code == 2);
    CHECK(timeline({"-q", "gmail.com"}).exit_code == 2);
    CHECK(timeline({"--chart-width", "5"}).exit_code == 2);
  }
  SECTION("a policy that does not load: 3") {
    const auto path = std::filesystem::temp_directory_path() / "kumo_lint_timeline_broken.lua";
    std::ofstream(path) << "local x =\n";
    CliResult r = timeline({path.string(), "-q", "gmail.com"});
    std::filesystem::remove(path);
    CHECK(r.exit_code == 3);
    CHECK(r.out.find(": error: ") != std::string::npos);
    CHECK(r.out.find(" [KQ901]\n") != std::string::npos);
  }
}

TEST_CASE("timeline_chart counts dense attempts per column", "[timeline_cmd]") {
  // 2s doubling capped at 8s within 128s: 18 attempts, three in the first column.
  const kumo::simulate::Timeline t = simulate(2, 8, 128);
  CHECK(kumo::report::timeline_chart(t, 20) == R"(3 |||| |||| |||| |||
+------------------X
0              2m 8s
X expires at 2m 6s after attempt 18; | an attempt, 2-9 or # (ten or more) attempts in one column
)");
}

TEST_CASE("timeline_chart counts a summarized tail in closed form", "[timeline_cmd]") {
  // 1s apart for 7 days: every column holds far more than ten attempts.
  const kumo::simulate::Timeline t = simulate(1, 1, 604800);
  REQUIRE(t.summary);
  CHECK(kumo::report::timeline_chart(t, 20).substr(0, 21) == "####################\n");
}

TEST_CASE("timeline_chart flags an expiry that jitter decides", "[timeline_cmd]") {
  // The defaults with max_age 10s short of the 9th failure's next retry: the
  // earliest jitter draws let one more retry happen.
  const kumo::simulate::Timeline t = simulate(1200, std::nullopt, 613190);
  REQUIRE(t.expiry);
  CHECK(t.expiry->depends_on_jitter);
  CHECK(kumo::report::timeline_chart(t, 30) == R"(5| |   |      |
+-------------?..............+
0             7days 2h 19m 50s
? expires at 3days 13h after attempt 9 (jitter decides whether the last retry happens); | an attempt, 2-9 or # (ten or more) attempts in one column
)");
}

TEST_CASE("timeline --seed draws no jitter-decides mark: the draw decided", "[timeline_cmd]") {
  // The schedule of the test above, whose unseeded chart has '?'.
  for (const char* seed : {"1", "3"}) {
    CliResult r = timeline({"--config", "max_age=613190", "--seed", seed, "--chart-width", "30"});
    INFO("seed " << seed << "\n" << r.out);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find('?') == std::string::npos);
    CHECK(r.out.find("jitter decides") == std::string::npos);
    CHECK(r.out.find("  X expires at ") != std::string::npos);
  }
}

TEST_CASE("timeline_chart marks endless retries and widens narrow charts", "[timeline_cmd]") {
  const kumo::simulate::Timeline t = simulate(0, std::nullopt, 3600);
  CHECK(kumo::report::timeline_chart(t, 1) == R"(#
+------------------+
0                 1h
never expires: every delay truncates to 0s, kumod retries without pause; | an attempt, 2-9 or # (ten or more) attempts in one column
)");
}

TEST_CASE("timeline --config max_message_rate previews a burst", "[timeline_cmd][rate_preview]") {
  CliResult r =
      timeline({"--config", "retry_interval=20m", "--config", "max_age=2h", "--config", "max_message_rate=10/h"});
  CHECK(r.exit_code == 0);
  CHECK(
      r.out ==
      R"(--config:1: warning: last attempt at 1h of max_age=2h (the next retry would be at 2h 20m): consider max_retry_interval [KQ203]
--config:1: warning: max_message_rate '10/h' (one every 6m) defers a burst of 100 messages for up to 9h: 71 would reach max_age=2h and expire without a delivery attempt [KQ304]
retry_interval=20m max_retry_interval=none max_age=2h
  attempt  at   earliest..latest  then waits
  1        0s   0s..0s            20m
  2        20m  19m 30s..20m 29s  40m
  3        1h   59m..1h 58s       -
  expired after attempt 3 at 1h: Next delivery time would be 2h 20m after creation, which exceeds max_age=2h
  max_message_rate 10/h: of a burst of 100 messages, 10 go at once, the rest one every 6m; the last is promoted after 9h, deferred 90 times (throttle deferrals count no attempt and have no jitter); 71 would be due at or after max_age=2h and expire untried
  (approximates the local throttle backend for a burst due at once in a cold bucket; redis backends differ, and a throttle_insert_ready_queue delay becomes a random 0-59s)

  |         |                   |
  +-----------------------------X............................+
  0                                                         2h
  X expires at 1h after attempt 3; | an attempt, 2-9 or # (ten or more) attempts in one column
)");

  CliResult small = timeline({"--config", "max_message_rate=6/m", "--burst", "6", "--format", "json"});
  const auto doc = nlohmann::json::parse(small.out);
  const auto& rate = doc["timeline"]["rate_limit"];
  CHECK(rate["at_once"] == 6);
  CHECK(rate["drain_seconds"] == 0);
  CHECK(rate["expires_before_first_attempt"] == false);
  CliResult none = timeline({"--format", "json"});
  CHECK(nlohmann::json::parse(none.out)["timeline"]["rate_limit"].is_null());
}

TEST_CASE("timeline --spool-in says what kumod does with a spooled message at restart", "[timeline_cmd]") {
  // kumod's spool_in_delay table (retry 2s, max_age 256s): at age 10s it
  // infers 2 attempts, and its delay is 0 (reference §4.4 and open question 3).
  auto due =
      timeline({"--config", "retry_interval=2", "--config", "max_age=256", "--spool-in", "10", "--color", "never"});
  CHECK(due.exit_code == 0);
  CHECK(last_line(due.out) ==
        "spool-in at age 10s: kumod infers 2 attempts made and retries it at once (kumod sums the delays after "
        "the first failure, which never reach the message's age: a spooled message is due as soon as kumod restarts)");
  auto expired = timeline({"--spool-in", "8days", "--color", "never"});
  CHECK(last_line(expired.out) ==
        "spool-in at age 8days: kumod infers 9 attempts made and expires the message at restart (its age or its next "
        "retry is past max_age)");
  auto hangs = timeline({"--config", "retry_interval=0", "--spool-in", "1h", "--color", "never"});
  CHECK(last_line(hangs.out) ==
        "spool-in at age 1h: every retry delay is 0s, so kumod's count of the attempts made never ends: startup "
        "hangs on this message");

  auto json = nlohmann::json::parse(timeline({"--spool-in", "2days", "--format", "json"}).out);
  CHECK(json["spool_in"] == nlohmann::json{{"age", "2days"},
                                           {"age_seconds", 172800},
                                           {"expired", false},
                                           {"hangs", false},
                                           {"inferred_attempts", 7},
                                           {"next_attempt_in_seconds", 0}});
  CHECK_FALSE(nlohmann::json::parse(timeline({"--format", "json"}).out).contains("spool_in"));

  auto bad = timeline({"--spool-in", "2x"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.rfind("kumo-lint: error: --spool-in \"2x\": ", 0) == 0);
}
