// The KQ2xx findings about a retry schedule (core/simulate/retry_findings):
// which code each schedule gets, with its exact message and severity.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/simulate/retry_findings.hpp"
#include "tests/support/retry_policies.hpp"

using kumo::diag::Severity;
using kumo::simulate::RetryPolicy;
using kumo::test::policy;
using kumo::test::secs;

namespace {

std::vector<kumo::diag::Diagnostic> findings_for(const RetryPolicy& p) {
  return kumo::simulate::timeline_findings(p, kumo::simulate::simulate_retries(p));
}

std::vector<std::string> finding_codes(const std::vector<kumo::diag::Diagnostic>& ds) {
  std::vector<std::string> out;
  for (const auto& d : ds) {
    out.push_back(d.code);
  }
  return out;
}

}  // namespace

TEST_CASE("retry findings: KumoMTA's defaults stop retrying halfway through max_age (KQ203)", "[retry_findings]") {
  const auto defaults = findings_for(RetryPolicy{});
  REQUIRE(finding_codes(defaults) == std::vector<std::string>{"KQ203"});
  CHECK(defaults[0].message ==
        "last attempt at 3days 13h of max_age=7days (the next retry would be at 7days 2h 20m): "
        "consider max_retry_interval");
  CHECK(defaults[0].severity == Severity::warning);
  // Location, queue and key are the caller's to fill.
  CHECK(defaults[0].location == kumo::diag::Location{});
}

TEST_CASE("retry findings: a capped schedule that uses its max_age has none", "[retry_findings]") {
  CHECK(findings_for(policy(secs(1200), secs(3600), secs(86400))).empty());
}

TEST_CASE("retry findings: a first retry after max_age means no retry at all (KQ201)", "[retry_findings]") {
  const auto never = findings_for(policy(secs(7200), std::nullopt, secs(3600)));
  REQUIRE(finding_codes(never) == std::vector<std::string>{"KQ201"});
  CHECK(never[0].message ==
        "the first retry would be at 2h, after max_age=1h: a failed message is never retried "
        "(retry_interval=2h)");
}

TEST_CASE("retry findings: a cap below the interval fixes every wait (KQ202, info)", "[retry_findings]") {
  const auto fixed = findings_for(policy(secs(1200), secs(600), secs(86400)));
  REQUIRE(finding_codes(fixed) == std::vector<std::string>{"KQ202"});
  CHECK(fixed[0].message ==
        "max_retry_interval=10m is below retry_interval=20m: every retry waits 10m, without "
        "doubling");
  CHECK(fixed[0].severity == Severity::info);
}

TEST_CASE("retry findings: a cap within the jitter, and too many attempts (KQ204, KQ205)", "[retry_findings]") {
  const auto jitter = findings_for(policy(secs(1200), secs(10), secs(604800)));
  REQUIRE(finding_codes(jitter) == std::vector<std::string>{"KQ202", "KQ204", "KQ205"});
  CHECK(jitter[1].message ==
        "max_retry_interval=10s is within the retry jitter of up to 30s early (sized from "
        "retry_interval=20m): some retries are immediate");
  CHECK(jitter[2].message ==
        "60481 delivery attempts per message within max_age=7days: consider a longer "
        "max_retry_interval");
  CHECK(finding_codes(findings_for(policy(secs(1), secs(1), secs(604800)))) == std::vector<std::string>{"KQ205"});
}

TEST_CASE("retry findings: a delay that truncates to 0s hangs kumod at spool-in (KQ206, error)", "[retry_findings]") {
  const auto zero = findings_for(policy(secs(0, 500'000'000), std::nullopt, secs(604800)));
  REQUIRE(finding_codes(zero) == std::vector<std::string>{"KQ206"});
  CHECK(zero[0].message ==
        "retry_interval=500ms truncates to 0s: every retry is immediate and kumod hangs at "
        "spool-in on any spooled message of this queue");
  CHECK(zero[0].severity == Severity::error);
  CHECK(finding_codes(findings_for(policy(secs(1200), secs(0), secs(604800)))) == std::vector<std::string>{"KQ206"});
}

TEST_CASE("retry findings: max_age = 0 expires every message at its first failure (KQ207)", "[retry_findings]") {
  const auto no_age = findings_for(policy(secs(1200), std::nullopt, secs(0)));
  REQUIRE(finding_codes(no_age) == std::vector<std::string>{"KQ207"});
  CHECK(no_age[0].message == "max_age=0s: every message expires at its first transient failure");
}
