// --baseline (core/pipeline/baseline.hpp): which findings of a new run an
// earlier JSON output holds, matched without line numbers.
#include <catch2/catch.hpp>

#include <algorithm>

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

namespace {

// A queue's finding as format_version 1 wrote it: in its result and again in
// the top-level list; format 2 writes it in its result only.
const std::string k_result_with_finding = R"json({"queue": "gmail.com", "diagnostics": [
  {"code": "KQ203", "queue": "gmail.com", "key": "max_age", "message": "kumod's default schedule"}]})json";

std::size_t baselined_count(Baseline& b, std::vector<Diagnostic> ds) {
  b.apply(ds);
  return static_cast<std::size_t>(std::count_if(ds.begin(), ds.end(), [](const Diagnostic& d) { return d.baselined; }));
}

}  // namespace

TEST_CASE("baseline: a format_version 1 document counts its top-level list once, not the results again", "[baseline]") {
  const std::string v1 = R"json({"format_version": 1, "policy": "p.lua", "results": [)json" + k_result_with_finding +
                         R"json(], "diagnostics": [
    {"code": "KQ203", "queue": "gmail.com", "key": "max_age", "message": "kumod's default schedule"},
    {"code": "KQ101", "queue": null, "key": null, "message": "policy-level"}]})json";
  auto b = Baseline::from_json(v1);
  REQUIRE(b);
  CHECK(b->size() == 2);
  auto same = baseline_finding("KQ203", "gmail.com", "kumod's default schedule");
  CHECK(baselined_count(*b, {same, same}) == 1);
}

TEST_CASE("baseline: a format_version 2 document counts the results' findings and the policy's own", "[baseline]") {
  const std::string v2 = R"json({"format_version": 2, "policy": "p.lua", "results": [)json" + k_result_with_finding +
                         R"json(], "diagnostics": [
    {"code": "KQ101", "queue": null, "key": null, "message": "policy-level"}]})json";
  auto b = Baseline::from_json(v2);
  REQUIRE(b);
  CHECK(b->size() == 2);
  auto same = baseline_finding("KQ203", "gmail.com", "kumod's default schedule");
  Diagnostic policy_level;
  policy_level.code = "KQ101";
  policy_level.message = "policy-level";
  CHECK(baselined_count(*b, {same, same, policy_level}) == 2);
}

TEST_CASE("baseline: a run of several policies reads each policy's results in format_version 2 and not in 1",
          "[baseline]") {
  auto several = [](int version) {
    const std::string policy =
        R"json({"policy": "a.lua", "results": [)json" + k_result_with_finding + R"json(], "diagnostics": []})json";
    return R"json({"format_version": )json" + std::to_string(version) + R"json(, "policies": [)json" + policy + ", " +
           policy + "]}";
  };
  auto v2 = Baseline::by_policy(several(2));
  REQUIRE(v2);
  CHECK(v2->at("a.lua").size() == 2);
  auto v1 = Baseline::by_policy(several(1));
  REQUIRE(v1);
  CHECK(v1->at("a.lua").size() == 0);
}
