// --baseline (core/pipeline/baseline.hpp): which findings of a new run an
// earlier JSON output holds, matched without line numbers.
#include <catch2/catch.hpp>

#include "core/pipeline/baseline.hpp"

using kumo::diag::Diagnostic;
using kumo::pipeline::Baseline;

namespace {

Diagnostic baseline_finding(const std::string& code, const std::string& queue, const std::string& message) {
  Diagnostic d;
  d.code = code;
  d.message = message;
  d.queue = queue;
  d.key = "max_age";
  d.location = {"p.lua", 40, 3};
  return d;
}

const std::string k_document = R"json({"format_version": 1, "results": [], "diagnostics": [
  {"code": "KQ003", "queue": "gmail.com", "key": "max_age", "message": "bad (passed to make_queue_config at p.lua:12)", "line": 3},
  {"code": "KQ003", "queue": "gmail.com", "key": "max_age", "message": "bad (passed to make_queue_config at p.lua:12)", "line": 3},
  {"code": "KQ203", "queue": "gmail.com", "key": "max_age", "message": "old", "suppressed": true},
  {"code": "KQ101", "queue": null, "key": null, "message": "policy-level"}
]})json";

}  // namespace

TEST_CASE("baseline: findings match on code, queue, key and message, lines ignored", "[baseline]") {
  auto b = Baseline::from_json(k_document);
  REQUIRE(b);
  CHECK(b->size() == 3);  // the suppressed entry was never reported
  std::vector<Diagnostic> ds = {baseline_finding("KQ003", "gmail.com", "bad (passed to make_queue_config at p.lua:19)"),
                                baseline_finding("KQ003", "yahoo.com", "bad (passed to make_queue_config at p.lua:19)"),
                                baseline_finding("KQ203", "gmail.com", "old")};
  b->apply(ds);
  CHECK(ds[0].baselined);
  CHECK_FALSE(ds[1].baselined);  // another queue
  CHECK_FALSE(ds[2].baselined);  // suppressed in the baseline, so not in it
}

TEST_CASE("baseline: each entry matches one finding at most", "[baseline]") {
  auto b = Baseline::from_json(k_document);
  REQUIRE(b);
  auto same = baseline_finding("KQ003", "gmail.com", "bad (passed to make_queue_config at p.lua:12)");
  std::vector<Diagnostic> ds = {same, same, same};
  b->apply(ds);
  CHECK(ds[0].baselined);
  CHECK(ds[1].baselined);
  CHECK_FALSE(ds[2].baselined);
}

TEST_CASE("baseline: a finding without queue or key matches an entry with nulls", "[baseline]") {
  auto b = Baseline::from_json(k_document);
  REQUIRE(b);
  Diagnostic d;
  d.code = "KQ101";
  d.message = "policy-level";
  std::vector<Diagnostic> ds = {d};
  b->apply(ds);
  CHECK(ds[0].baselined);
}

TEST_CASE("baseline: only kumo-lint's JSON output is a baseline", "[baseline]") {
  auto not_json = Baseline::from_json("queue gmail.com: handler #1");
  REQUIRE_FALSE(not_json);
  CHECK(not_json.error() == "is not a JSON document; give the output of `kumo-lint check --format json`");
  auto other = Baseline::from_json(R"({"runs": []})");
  REQUIRE_FALSE(other);
  CHECK(other.error() == "is JSON but not `kumo-lint check --format json` output (no format_version and diagnostics)");
}

TEST_CASE("baseline: line and column numbers in messages are ignored", "[baseline]") {
  CHECK(kumo::pipeline::without_line_numbers("at p.lua:12:5 and x:y") == "at p.lua:#:# and x:y");
  CHECK(kumo::pipeline::without_line_numbers("rate 10/h") == "rate 10/h");
}
