#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/support/run_cli.hpp"

using kumo::test::run_cli;

namespace {

// The brief's example: one invalid throttle, one valid throttle, a duration
// and a queue name.
const std::vector<std::string> k_explain_example = {"explain", "10/seconds", "1,000/hr", "2h 37min", "c:t@d!r"};

const char* const k_example_text = R"text("10/seconds": invalid throttle spec
  error: "10/seconds": unknown period "seconds"; KumoMTA accepts s, sec, second (no plurals)
  kumod says: unknown period quantity seconds

"1,000/hr": throttle spec
  canonical: 1000/h
  limit: 1000 per 3600s (1h)
  burst: 1000 (implied: the limit)
  rate: 0.278/s, 16.667/m, 1000/h, 24000/d
  nominal interval: 3.6s
  local GCRA: emission interval 3s 600ms, 1000 immediate events from a cold start
  kumod explain (verbatim, rounded as kumod rounds; the rate line above is exact):
    1000/h
    implied burst rate 1000 every 3s 600ms, or: 278/s, 16,667/m, 1,000,001/h, 24,000,001/d in that period.
    overall rate 0.278/s, 17/m, 1,001/h, 24,001/d

"2h 37min": duration
  seconds: 9420
  canonical: 2h 37m

"c:t@d!r": queue name
  campaign: "c"
  tenant: "t"
  domain: "d"
  routing_domain: "r"
)text";

const char* const k_example_json = R"json({
  "format_version": 1,
  "values": [
    {
      "error": {
        "crashes_kumod": false,
        "kumo_message": "unknown period quantity seconds",
        "message": "\"10/seconds\": unknown period \"seconds\"; KumoMTA accepts s, sec, second (no plurals)",
        "position": 3
      },
      "input": "10/seconds",
      "kind": "throttle",
      "valid": false
    },
    {
      "burst": 1000,
      "canonical": "1000/h",
      "error": null,
      "explicit_burst": false,
      "force_local": false,
      "input": "1,000/hr",
      "interval_seconds": 3.6,
      "kind": "throttle",
      "kumo_explain": [
        "1000/h",
        "implied burst rate 1000 every 3s 600ms, or: 278/s, 16,667/m, 1,000,001/h, 24,000,001/d in that period.",
        "overall rate 0.278/s, 17/m, 1,001/h, 24,001/d"
      ],
      "kumo_explain_panic": null,
      "limit": 1000,
      "local_gcra": {
        "emission_interval_ns": 3600000000,
        "immediate_events": 1000,
        "never_delays": false,
        "zero_rate": false
      },
      "max_burst": null,
      "period_seconds": 3600,
      "rate": {
        "per_day": 24000.000000000004,
        "per_hour": 1000.0000000000001,
        "per_minute": 16.666666666666668,
        "per_second": 0.2777777777777778
      },
      "valid": true
    },
    {
      "canonical": "2h 37m",
      "error": null,
      "input": "2h 37min",
      "integer_seconds": false,
      "kind": "duration",
      "nanos": 0,
      "seconds": 9420,
      "valid": true
    },
    {
      "campaign": "c",
      "domain": "d",
      "error": null,
      "input": "c:t@d!r",
      "kind": "queue_name",
      "routing_domain": "r",
      "tenant": "t",
      "valid": true
    }
  ]
}
)json";

}  // namespace

TEST_CASE("explain prints each value's kind and meaning as text", "[explain]") {
  const auto r = run_cli(k_explain_example);
  CHECK(r.out == k_example_text);
  CHECK(r.err.empty());
  CHECK(r.exit_code == 1);
}

TEST_CASE("explain --format json prints one document with sorted keys", "[explain]") {
  auto args = k_explain_example;
  args.insert(args.begin() + 1, {"--format", "json"});
  const auto r = run_cli(args);
  CHECK(r.out == k_example_json);
  CHECK(r.err.empty());
  CHECK(r.exit_code == 1);
}

TEST_CASE("explain exits 0 when every value is valid", "[explain]") {
  const auto r = run_cli({"explain", "4.2s", "600", "tenant@example.com"});
  CHECK(r.exit_code == 0);
  CHECK(r.out ==
        "\"4.2s\": duration\n"
        "  seconds: 4.2\n"
        "  canonical: 4s 200ms\n"
        "\n"
        "\"600\": duration\n"
        "  seconds: 600\n"
        "  canonical: 10m\n"
        "  note: seconds as a Lua number; as a string kumod needs a unit, e.g. \"600s\"\n"
        "\n"
        "\"tenant@example.com\": queue name\n"
        "  campaign: nil\n"
        "  tenant: \"tenant\"\n"
        "  domain: \"example.com\"\n"
        "  routing_domain: nil\n");
}

TEST_CASE("explain exits 1 when one value is invalid", "[explain]") {
  const auto r = run_cli({"explain", "20 minuts"});
  CHECK(r.exit_code == 1);
  CHECK(r.out ==
        "\"20 minuts\": invalid duration\n"
        "  error: \"20 minuts\": unknown unit \"minuts\" at 3; did you mean \"minutes\"?\n"
        "  kumod says: invalid value: string \"20 minuts\", expected a duration\n");
}

TEST_CASE("explain exits 2 on usage errors", "[explain]") {
  CHECK(run_cli({"explain"}).exit_code == 2);
  CHECK(run_cli({"explain", "--format", "xml", "1s"}).exit_code == 2);
  CHECK(run_cli({"explain", "--no-such-flag", "1s"}).exit_code == 2);
}

TEST_CASE("explain --help lists the classification rules and exits 0", "[explain]") {
  const auto r = run_cli({"explain", "--help"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("contains '/' -> throttle spec") != std::string::npos);
  CHECK(r.out.find("Exit codes:") != std::string::npos);
}
