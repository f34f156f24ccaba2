#include <catch2/catch.hpp>

#include <optional>

#include <nlohmann/json.hpp>

#include "core/report/render.hpp"
#include "core/simulate/retry_timeline.hpp"

using kumo::report::timeline_json;
using kumo::simulate::RetryPolicy;
using kumo::simulate::simulate_retries;
using kumo::simulate::TimelineOptions;
using kumo::values::Duration;

TEST_CASE("JSON for the defaults", "[timeline]") {
  const nlohmann::json expected = nlohmann::json::parse(R"({
    "attempt_count": 9, "expires_at_seconds": 306000, "max_age_seconds": 604800,
    "unbounded": false,
    "attempts": [
      {"attempt": 1, "at_seconds": 0, "at": "0s", "earliest_seconds": 0, "latest_seconds": 0, "delay_after_seconds": 1200},
      {"attempt": 2, "at_seconds": 1200, "at": "20m", "earliest_seconds": 1170, "latest_seconds": 1229, "delay_after_seconds": 2400},
      {"attempt": 3, "at_seconds": 3600, "at": "1h", "earliest_seconds": 3540, "latest_seconds": 3658, "delay_after_seconds": 4800},
      {"attempt": 4, "at_seconds": 8400, "at": "2h 20m", "earliest_seconds": 8310, "latest_seconds": 8487, "delay_after_seconds": 9600},
      {"attempt": 5, "at_seconds": 18000, "at": "5h", "earliest_seconds": 17880, "latest_seconds": 18116, "delay_after_seconds": 19200},
      {"attempt": 6, "at_seconds": 37200, "at": "10h 20m", "earliest_seconds": 37050, "latest_seconds": 37345, "delay_after_seconds": 38400},
      {"attempt": 7, "at_seconds": 75600, "at": "21h", "earliest_seconds": 75420, "latest_seconds": 75774, "delay_after_seconds": 76800},
      {"attempt": 8, "at_seconds": 152400, "at": "1day 18h 20m", "earliest_seconds": 152190, "latest_seconds": 152603, "delay_after_seconds": 153600},
      {"attempt": 9, "at_seconds": 306000, "at": "3days 13h", "earliest_seconds": 305760, "latest_seconds": 306232, "delay_after_seconds": null}
    ],
    "expiry": {"after_attempt": 9, "at_seconds": 306000,
               "reason": "Next delivery time would be 7days 2h 20m after creation, which exceeds max_age=7days",
               "depends_on_jitter": false},
    "summary": null,
    "rate_limit": null
  })");
  const nlohmann::json actual = timeline_json(simulate_retries(RetryPolicy{}));
  CHECK(actual == expected);
  CHECK(actual.dump() == expected.dump());
}

TEST_CASE("JSON for an endless loop and a summarized tail", "[timeline]") {
  TimelineOptions one;
  one.max_attempts_shown = 1;
  const nlohmann::json loop =
      timeline_json(simulate_retries(RetryPolicy{Duration{0, 0}, std::nullopt, Duration{60, 0}}, one));
  CHECK(
      loop.dump() ==
      R"({"attempt_count":null,"attempts":[{"at":"0s","at_seconds":0,"attempt":1,"delay_after_seconds":0,"earliest_seconds":0,"latest_seconds":0}],"expires_at_seconds":null,"expiry":null,"max_age_seconds":60,"rate_limit":null,"summary":null,"unbounded":true})");
  const nlohmann::json tail =
      timeline_json(simulate_retries(RetryPolicy{Duration{1, 0}, Duration{1, 0}, Duration{604800, 0}}, one));
  CHECK(tail["summary"].dump() ==
        R"({"count":604800,"first_at_seconds":1,"first_attempt":2,"last_at_seconds":604800,"period_seconds":1})");
}
