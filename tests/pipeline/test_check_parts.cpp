// The stateful pieces of the check pipeline (core/pipeline/check_parts.hpp),
// each on its own: queue names seen, timelines shared by retry settings,
// findings placed at their key, counted and sorted.
#include <catch2/catch.hpp>

#include "core/pipeline/check_parts.hpp"
#include "tests/support/loaded_policy.hpp"

using kumo::diag::Diagnostic;
using kumo::diag::Severity;
using kumo::pipeline::count_findings;
using kumo::pipeline::KeyLocator;
using kumo::pipeline::SeenNames;
using kumo::pipeline::sort_unique;
using kumo::pipeline::TimelineCache;

namespace {

Diagnostic parts_finding(const std::string& code, Severity severity, int line, const std::string& message = "m") {
  Diagnostic d;
  d.code = code;
  d.severity = severity;
  d.message = message;
  d.location = {"policy.lua", line, std::nullopt};
  return d;
}

}  // namespace

TEST_CASE("SeenNames: true the first time a name is offered, false after, across growth", "[check_parts]") {
  SeenNames seen;
  CHECK(seen.insert("gmail.com"));
  CHECK_FALSE(seen.insert("gmail.com"));
  CHECK(seen.insert("tenant@gmail.com"));
  CHECK(seen.insert(""));
  CHECK_FALSE(seen.insert(""));
  // Past several doublings of the table, every name is still known.
  std::size_t first_times = 0;
  for (int i = 0; i < 5000; ++i) {
    first_times += seen.insert("d" + std::to_string(i) + ".example.com") ? 1 : 0;
  }
  CHECK(first_times == 5000);
  std::size_t repeats = 0;
  for (int i = 0; i < 5000; ++i) {
    repeats += seen.insert("d" + std::to_string(i) + ".example.com") ? 0 : 1;
  }
  CHECK(repeats == 5000);
  CHECK_FALSE(seen.insert("gmail.com"));
}

TEST_CASE("count_findings: by severity, suppressed and baselined apart from them", "[check_parts]") {
  std::vector<Diagnostic> findings = {
      parts_finding("KQ001", Severity::error, 1),   parts_finding("KQ203", Severity::warning, 2),
      parts_finding("KQ905", Severity::info, 3),    parts_finding("KQ101", Severity::error, 4),
      parts_finding("KQ203", Severity::warning, 5), parts_finding("KQ001", Severity::error, 6)};
  findings[3].suppressed = true;
  findings[4].baselined = true;
  findings[5].suppressed = true;
  findings[5].baselined = true;  // suppressed wins: counted once
  kumo::report::Summary s;
  count_findings(s, findings);
  CHECK(s.errors == 1);
  CHECK(s.warnings == 1);
  CHECK(s.infos == 1);
  CHECK(s.suppressed == 2);
  CHECK(s.baselined == 1);
}

TEST_CASE("sort_unique: by file, line and code, exact repeats dropped", "[check_parts]") {
  std::vector<Diagnostic> findings = {
      parts_finding("KQ203", Severity::warning, 9), parts_finding("KQ001", Severity::error, 2),
      parts_finding("KQ203", Severity::warning, 9), parts_finding("KQ001", Severity::error, 2, "n")};
  sort_unique(findings);
  REQUIRE(findings.size() == 3);
  CHECK(findings[0].location.line == 2);
  CHECK(findings[0].message == "m");
  CHECK(findings[1].message == "n");
  CHECK(findings[2].code == "KQ203");
}

TEST_CASE("TimelineCache: configs with the same retry settings share one timeline", "[check_parts]") {
  using kumo::config::SharedConfig;
  TimelineCache cache({});
  kumo::config::QueueConfig a;
  a.egress_pool = "pool-a";
  kumo::config::QueueConfig b = a;
  b.egress_pool = "pool-b";
  const SharedConfig shared_a(a);
  const TimelineCache::Shared first = cache.get(shared_a);
  CHECK(cache.get(SharedConfig(b)).timeline == first.timeline);
  CHECK(cache.get(shared_a).timeline == first.timeline);         // the same object again
  CHECK(cache.get(SharedConfig(a)).timeline == first.timeline);  // an equal one
  CHECK(first.timeline->attempts.size() == kumo::pipeline::evaluate_timeline(a, {}).timeline.attempts.size());
  CHECK(first.findings.size() == 1);  // KumoMTA's default schedule: KQ203
  kumo::config::QueueConfig c = a;
  c.max_retry_interval = kumo::values::Duration{3600, 0};
  const TimelineCache::Shared other = cache.get(SharedConfig(c));
  CHECK(other.findings.empty());
  CHECK(other.timeline->attempts.size() != first.timeline->attempts.size());
}

TEST_CASE("KeyLocator: a finding with a key moves to where the key is written", "[check_parts]") {
  const std::string source = kumo::test::k_kumo_prelude +
                             "kumo.on('get_queue_config', function()\n"
                             "  return kumo.make_queue_config {\n"
                             "    egress_pool = 'pool',\n"
                             "    max_age = '3 days',\n"
                             "  }\n"
                             "end)\n";
  kumo::test::LoadedPolicy policy(source);
  KeyLocator locator("policy.lua", source, policy.host);
  Diagnostic d = parts_finding("KQ003", Severity::error, 3);
  d.key = "max_age";
  locator.refine(d);
  CHECK(d.location.line == 5);
  CHECK(d.location.column == 5);
  // A finding placed already (it has a column) keeps its place.
  Diagnostic placed = parts_finding("KQ003", Severity::error, 3);
  placed.key = "max_age";
  placed.location.column = 1;
  locator.refine(placed);
  CHECK(placed.location.line == 3);
  // No key, or a key the call does not write: the line of the call stays.
  Diagnostic unknown = parts_finding("KQ001", Severity::error, 3);
  unknown.key = "retry_interval";
  locator.refine(unknown);
  CHECK(unknown.location.line == 3);
  CHECK_FALSE(unknown.location.column);
}
