#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/explain/explain.hpp"
#include "core/explain/render_explain.hpp"

using kumo::explain::classify;
using kumo::explain::explain_value;
using kumo::explain::format_explanation_text;
using kumo::explain::ValueKind;

TEST_CASE("classify follows its rules in order", "[explain]") {
  struct Row {
    const char* input;
    ValueKind kind;
  };
  const std::vector<Row> rows = {
      // 1. a slash is a throttle, whatever else is there
      {"10/seconds", ValueKind::throttle},
      {"local:100/h", ValueKind::throttle},
      {"1,000/hr", ValueKind::throttle},
      {"/run/sock", ValueKind::throttle},
      // 2. queue-name separators
      {"c:t@d!r", ValueKind::queue_name},
      {"tenant@foo.com", ValueKind::queue_name},
      {"foo.com!relay", ValueKind::queue_name},
      {"foo.com:2025", ValueKind::queue_name},
      {"local:10", ValueKind::queue_name},
      // 3. digits only: seconds
      {"0", ValueKind::duration},
      {"123", ValueKind::duration},
      {"99999999999999999999", ValueKind::duration},
      // 4. domains, including numeric first labels
      {"gmail.com", ValueKind::queue_name},
      {"163.com", ValueKind::queue_name},
      {"mx-1.example.net", ValueKind::queue_name},
      // 5. humantime
      {"2h 37min", ValueKind::duration},
      {"4.2s", ValueKind::duration},
      {"1.5h", ValueKind::duration},
      {"12.1min", ValueKind::duration},
      {"s", ValueKind::queue_name},  // humantime needs a number: a one-label name
      // 6. meant as durations, though invalid
      {"20 minuts", ValueKind::duration},
      {"five minutes", ValueKind::duration},
      {"-5s", ValueKind::duration},
      {".5s", ValueKind::duration},
      {"", ValueKind::duration},
      // 7. the rest
      {"localhost", ValueKind::queue_name},
      {"a.b.", ValueKind::queue_name},
  };
  for (const auto& row : rows) {
    INFO(row.input);
    CHECK(classify(row.input) == row.kind);
  }
}

TEST_CASE("durations: seconds, nanos, canonical form", "[explain]") {
  auto e = explain_value("4.2s");
  REQUIRE(e.valid());
  REQUIRE(e.duration);
  CHECK(e.duration->duration.seconds == 4);
  CHECK(e.duration->duration.nanos == 200'000'000);
  CHECK(e.duration->canonical == "4s 200ms");
  CHECK_FALSE(e.duration->integer_seconds);

  auto digits = explain_value("600");
  REQUIRE(digits.valid());
  CHECK(digits.duration->duration.seconds == 600);
  CHECK(digits.duration->canonical == "10m");
  CHECK(digits.duration->integer_seconds);
}

TEST_CASE("an invalid duration carries the parser's and kumod's words", "[explain]") {
  auto e = explain_value("20 minuts");
  CHECK(e.kind == ValueKind::duration);
  REQUIRE_FALSE(e.valid());
  CHECK(e.error->message == R"("20 minuts": unknown unit "minuts" at 3; did you mean "minutes"?)");
  CHECK(e.error->kumo_message == R"(invalid value: string "20 minuts", expected a duration)");
  CHECK(e.error->position == 3u);
  CHECK_FALSE(e.duration);
}

TEST_CASE("digits too big for a Lua integer are a float, as Lua reads them", "[explain]") {
  auto e = explain_value("99999999999999999999");
  REQUIRE_FALSE(e.valid());
  CHECK(e.error->crashes_kumod);
  CHECK(e.error->kumo_message == "cannot convert float seconds to Duration: value is either too big or NaN");
}

TEST_CASE("throttles: canonical form, rates and local GCRA facts", "[explain]") {
  auto e = explain_value("1,000/hr");
  REQUIRE(e.valid());
  REQUIRE(e.throttle);
  CHECK(e.throttle->canonical == "1000/h");
  CHECK(e.throttle->spec.limit == 1000);
  CHECK(e.throttle->spec.period == 3600);
  CHECK(e.throttle->explanation.per_hour == Approx(1000.0));
  CHECK(e.throttle->explanation.emission_interval_ns == 3'600'000'000u);
  REQUIRE(e.throttle->kumo_explain.size() == 3);
  CHECK(e.throttle->kumo_explain[0] == "1000/h");

  auto zero = explain_value("10/0s");
  REQUIRE(zero.valid());
  CHECK(zero.throttle->explanation.zero_rate);
}

TEST_CASE("an invalid throttle carries the parser's and kumod's words", "[explain]") {
  auto e = explain_value("10/seconds");
  CHECK(e.kind == ValueKind::throttle);
  REQUIRE_FALSE(e.valid());
  CHECK(e.error->message == R"("10/seconds": unknown period "seconds"; KumoMTA accepts s, sec, second (no plurals))");
  CHECK(e.error->kumo_message == "unknown period quantity seconds");
  CHECK(e.error->position == 3u);
}

TEST_CASE("queue names keep nil and empty parts apart", "[explain]") {
  auto e = explain_value("campaign:@foo.com");
  REQUIRE(e.valid());
  REQUIRE(e.queue_name);
  CHECK(e.queue_name->campaign == "campaign");
  CHECK(e.queue_name->tenant == "");
  CHECK(e.queue_name->domain == "foo.com");
  CHECK_FALSE(e.queue_name->routing_domain);
  CHECK(format_explanation_text(e) ==
        "\"campaign:@foo.com\": queue name\n"
        "  campaign: \"campaign\"\n"
        "  tenant: \"\"\n"
        "  domain: \"foo.com\"\n"
        "  routing_domain: nil\n");
}

TEST_CASE("text shows warnings for throttles that never delay or always fail", "[explain]") {
  CHECK(format_explanation_text(explain_value("2000/s"))
            .find("  warning: the emission interval is under 1ms: the local throttle never delays a message\n") !=
        std::string::npos);
  CHECK(format_explanation_text(explain_value("10/0s"))
            .find("  warning: the emission interval truncates to 0ns: every throttle call fails with "
                  "\"Zero rates are not supported\"\n") != std::string::npos);
}

TEST_CASE("text for a bare number of seconds notes that strings need a unit", "[explain]") {
  CHECK(format_explanation_text(explain_value("123")) ==
        "\"123\": duration\n"
        "  seconds: 123\n"
        "  canonical: 2m 3s\n"
        "  note: seconds as a Lua number; as a string kumod needs a unit, e.g. \"123s\"\n");
}

// mod_kumo.rs explain_throttle calls ThrottleSpec::interval(), whose
// Duration::from_secs_f64(period / limit) panics at 2^64 seconds: kumod dies
// there, so no lines are shown, only the panic.
TEST_CASE("a throttle whose interval overflows a Duration explains as kumod's panic", "[explain]") {
  auto e = explain_value("1/18446744073709551615s");
  REQUIRE(e.valid());
  REQUIRE(e.throttle);
  REQUIRE(e.throttle->kumo_explain_panic);
  CHECK(*e.throttle->kumo_explain_panic == "cannot convert float seconds to Duration: value is either too big or NaN");
  CHECK(e.throttle->kumo_explain.empty());
  const std::string text = kumo::explain::format_explanation_text(e);
  CHECK(text.find("kumod explain: panics: cannot convert float seconds to Duration") != std::string::npos);
  CHECK(text.find("implied burst rate") == std::string::npos);

  // 2^64 - 2049 is the largest u64 below 2^64 as a double: kumod explains it.
  auto below = explain_value("1/18446744073709549567s");
  REQUIRE(below.valid());
  CHECK_FALSE(below.throttle->kumo_explain_panic);
  CHECK(below.throttle->kumo_explain.size() == 3);

  // Dividing by the limit brings it back into range.
  auto shared = explain_value("2/18446744073709551615s");
  REQUIRE(shared.valid());
  CHECK_FALSE(shared.throttle->kumo_explain_panic);
}
