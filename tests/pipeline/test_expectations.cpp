// evaluate_expectation (core/pipeline/expectations.cpp): what holds, what
// fails and how a failure reads, on results built in memory.
#include <catch2/catch.hpp>

#include "core/pipeline/expectations.hpp"

using kumo::pipeline::evaluate_expectation;
using kumo::pipeline::Expectation;
using kumo::report::QueueReport;

namespace {

// The result of a queue that got KumoMTA's default config.
QueueReport default_config_result() {
  QueueReport r;
  r.queue = "gmail.com";
  r.config = kumo::config::SharedConfig(kumo::config::QueueConfig{});
  r.timeline = std::make_shared<const kumo::simulate::Timeline>(
      kumo::simulate::simulate_retries(kumo::pipeline::retry_policy(*r.config)));
  kumo::diag::Diagnostic d;
  d.code = "KQ203";
  r.diagnostics = {d, d};
  return r;
}

Expectation expecting(const std::string& path, nlohmann::json value) {
  Expectation e;
  e.line = 1;
  e.queue = "gmail.com";
  e.keys.push_back({path, std::move(value), 2});
  return e;
}

std::vector<std::string> failure_lines(const kumo::report::ExpectBlockResult& b) {
  std::vector<std::string> out;
  for (const auto& f : b.failures) {
    out.push_back(std::to_string(f.line) + " " + f.key + ": expected " + f.expected + ", got " + f.actual);
  }
  return out;
}

}  // namespace

TEST_CASE("expectations: a duration or rate holds in any spelling KumoMTA reads the same", "[expectations]") {
  const QueueReport r = default_config_result();
  for (const char* same : {"7days", "1week", "168h", "604800s", "7d"}) {
    INFO(same);
    auto b = evaluate_expectation(expecting("max_age", same), r);
    CHECK(b.failures.empty());
    CHECK(b.checks == 1);
  }
  auto b = evaluate_expectation(expecting("max_age", "6days"), r);
  CHECK(failure_lines(b) == std::vector<std::string>{"2 max_age: expected \"6days\", got \"7days\""});
  CHECK(b.failed == 1);
  // null is null: the default has no rate, and "null" is not a spelling of it.
  CHECK(evaluate_expectation(expecting("max_message_rate", nullptr), r).failures.empty());
  CHECK(evaluate_expectation(expecting("max_message_rate", "100/h"), r).failed == 1);
}

TEST_CASE("expectations: nested paths fail at the key the config lacks, lists element by element", "[expectations]") {
  const QueueReport r = default_config_result();
  CHECK(failure_lines(evaluate_expectation(expecting("protocol.smtp.nope", true), r)) ==
        std::vector<std::string>{"2 protocol.smtp.nope: expected true, got no such key in the config"});
  CHECK(failure_lines(evaluate_expectation(expecting("protocol.lmtp.mx_list", true), r)) ==
        std::vector<std::string>{"2 protocol.lmtp: expected true, got no such key in the config"});
  CHECK(evaluate_expectation(expecting("protocol.smtp.mx_list", nlohmann::json::array()), r).failures.empty());
  auto longer = evaluate_expectation(expecting("protocol.smtp.mx_list", nlohmann::json::array({"10.0.0.1"})), r);
  CHECK(failure_lines(longer) == std::vector<std::string>{"2 protocol.smtp.mx_list: expected [\"10.0.0.1\"], got []"});
}

TEST_CASE("expectations: timeline and findings, and a queue without a config", "[expectations]") {
  QueueReport r = default_config_result();
  Expectation e;
  e.line = 5;
  e.queue = "gmail.com";
  e.attempts = 9;
  e.attempts_line = 6;
  e.expires_after = Expectation::Expiry{kumo::values::Duration{3 * 86400, 0}, "3days", 7};
  e.findings = std::vector<std::string>{"KQ203", "KQ203"};
  e.findings_line = 8;
  auto b = evaluate_expectation(e, r);
  CHECK(failure_lines(b) ==
        std::vector<std::string>{"7 expires_after: expected at or before 3days, got expires at 3days 13h"});
  CHECK(b.checks == 3);

  // A suppressed finding is not one the queue has.
  r.diagnostics[0].suppressed = true;
  r.diagnostics[1].suppressed = true;
  e.expires_after.reset();
  CHECK(failure_lines(evaluate_expectation(e, r)) == std::vector<std::string>{"8 findings: expected [KQ203], got []"});

  QueueReport none;
  none.queue = "gmail.com";
  e.findings.reset();
  e.keys.push_back({"egress_pool", "pool-2", 9});
  CHECK(failure_lines(evaluate_expectation(e, none)) ==
        std::vector<std::string>{"6 attempts: expected 9, got no config (kumod would fail to create this queue)",
                                 "9 egress_pool: expected \"pool-2\", got no config (kumod would fail to create "
                                 "this queue)"});
}
