// `diff` (core/pipeline/diff.hpp): config keys compared at the deepest key
// that changed, findings matched without line numbers, queues that one
// side lacks, and what a saved check document gives.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "core/pipeline/diff.hpp"

using kumo::pipeline::config_changes;
using kumo::pipeline::DiffQueue;
using kumo::pipeline::DiffSide;
using kumo::pipeline::finding_changes;
using kumo::report::DiffFinding;
using nlohmann::json;

namespace {

DiffFinding diff_finding(const std::string& code, const std::string& message, int line) {
  return {code, "warning", std::string("max_age"), message, "p.lua", line};
}

DiffQueue diff_queue(const std::string& name, const std::string& max_age) {
  return {name, json{{"max_age", max_age}}, std::nullopt, {}};
}

}  // namespace

TEST_CASE("diff: a nested key is reported at the deepest key that changed", "[diff]") {
  const json old_config = {{"max_age", "3days"},
                           {"protocol", {{"smtp", {{"mx_list", {"a"}}, {"treat_mx_list_as_secure", false}}}}}};
  json new_config = old_config;
  new_config["protocol"]["smtp"]["mx_list"] = {"a", "b"};
  new_config["max_age"] = "5days";
  const auto changes = config_changes(old_config, new_config);
  REQUIRE(changes.size() == 2);
  CHECK(changes[0].key == "max_age");
  CHECK(changes[0].old_value == "3days");
  CHECK(changes[0].new_value == "5days");
  CHECK(changes[1].key == "protocol.smtp.mx_list");
  CHECK(changes[1].old_value == json{"a"});
  CHECK(changes[1].new_value == json({"a", "b"}));
}

TEST_CASE("diff: equal configs have no changes, arrays change as a whole", "[diff]") {
  const json config = {{"shrink_policy", json::array({1, 2})}};
  CHECK(config_changes(config, config).empty());
  const auto changes = config_changes(config, json{{"shrink_policy", json::array({1})}});
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].key == "shrink_policy");
}

TEST_CASE("diff: a protocol variant that changed is two keys, a missing config is one", "[diff]") {
  const json smtp = {{"protocol", {{"smtp", {{"mx_list", json::array()}}}}}};
  const json maildir = {{"protocol", {{"maildir", {{"maildir_path", "/x"}}}}}};
  const auto changes = config_changes(smtp, maildir);
  REQUIRE(changes.size() == 2);
  CHECK(changes[0].key == "protocol.maildir");
  CHECK(changes[0].old_value.is_null());
  CHECK(changes[1].key == "protocol.smtp");
  CHECK(changes[1].new_value.is_null());
  const auto gone = config_changes(smtp, nullptr);
  REQUIRE(gone.size() == 1);
  CHECK(gone[0].key == "config");
}

TEST_CASE("diff: findings are matched on code, key and message, line numbers ignored", "[diff]") {
  const std::vector<DiffFinding> old_findings = {diff_finding("KQ204", "cap (at p.lua:12)", 12),
                                                 diff_finding("KQ203", "unused", 14)};
  const std::vector<DiffFinding> new_findings = {diff_finding("KQ204", "cap (at p.lua:15)", 15),
                                                 diff_finding("KQ205", "too many", 16)};
  const auto [added, removed] = finding_changes(old_findings, new_findings);
  REQUIRE(added.size() == 1);
  CHECK(added[0].code == "KQ205");
  REQUIRE(removed.size() == 1);
  CHECK(removed[0].code == "KQ203");
}

TEST_CASE("diff: a finding that names its policy matches under the other side's name", "[diff]") {
  const std::vector<DiffFinding> old_findings = {diff_finding("KQ101", "raised an error at /tmp/base.lua:12", 12)};
  const std::vector<DiffFinding> new_findings = {diff_finding("KQ101", "raised an error at init.lua:14", 14)};
  CHECK(finding_changes(old_findings, new_findings).first.size() == 1);
  const auto [added, removed] = finding_changes(old_findings, new_findings, "/tmp/base.lua", "init.lua");
  CHECK(added.empty());
  CHECK(removed.empty());
}

TEST_CASE("diff: each finding matches one other at most", "[diff]") {
  const std::vector<DiffFinding> one = {diff_finding("KQ204", "cap", 1)};
  const std::vector<DiffFinding> two = {diff_finding("KQ204", "cap", 1), diff_finding("KQ204", "cap", 2)};
  const auto [added, removed] = finding_changes(one, two);
  CHECK(added.size() == 1);
  CHECK(removed.empty());
}

TEST_CASE("diff: queues one side lacks are added or removed, equal ones counted", "[diff]") {
  const DiffSide old_side{{diff_queue("a.com", "3days"), diff_queue("b.com", "3days"), diff_queue("c.com", "1h")}};
  const DiffSide new_side{{diff_queue("a.com", "3days"), diff_queue("c.com", "2h"), diff_queue("d.com", "1h")}};
  const auto report = kumo::pipeline::diff_sides(old_side, new_side, {"a.com", "b.com", "c.com", "d.com", "e.com"});
  REQUIRE(report.queues.size() == 3);
  CHECK(report.queues[0].queue == "b.com");
  CHECK(report.queues[0].status == kumo::report::QueueStatus::removed);
  CHECK(report.queues[1].queue == "c.com");
  CHECK(report.queues[1].status == kumo::report::QueueStatus::changed);
  CHECK(report.queues[2].status == kumo::report::QueueStatus::added);
  CHECK(report.summary.unchanged == 1);
  CHECK(report.summary.changed == 1);
  CHECK(report.summary.added == 1);
  CHECK(report.summary.removed == 1);
}

TEST_CASE("diff: a saved check document gives its results, suppressed findings left out", "[diff]") {
  const std::string doc = R"json({"format_version": 1, "policy": "p.lua", "results": [
    {"queue": "a.com", "config": {"max_age": "3days"},
     "timeline": {"attempt_count": 3, "expires_at_seconds": 100, "expiry": {"reason": "r"}, "summary": null,
                  "attempts": [{"at_seconds": 0}, {"at_seconds": 40}]},
     "diagnostics": [{"code": "KQ204", "severity": "warning", "key": "max_age", "message": "m", "file": "p.lua", "line": 4},
                     {"code": "KQ203", "severity": "warning", "key": null, "message": "s", "suppressed": true}]}]})json";
  auto side = kumo::pipeline::side_from_check_document(doc);
  REQUIRE(side);
  REQUIRE(side->queues.size() == 1);
  const DiffQueue& q = side->queues[0];
  CHECK(q.config == json{{"max_age", "3days"}});
  REQUIRE(q.timeline);
  CHECK(q.timeline->attempt_count == 3u);
  CHECK(q.timeline->last_attempt_seconds == 40);
  CHECK(q.timeline->expires_at_seconds == 100);
  CHECK(q.timeline->expiry_reason == "r");
  REQUIRE(q.findings.size() == 1);
  CHECK(q.findings[0].line == 4);
}

TEST_CASE("diff: a document that is no check output of one policy is refused", "[diff]") {
  CHECK_FALSE(kumo::pipeline::side_from_check_document(R"({"results": []})"));
  CHECK_FALSE(kumo::pipeline::side_from_check_document(R"({"format_version": 1, "policies": [{}, {}]})"));
  CHECK(kumo::pipeline::is_json_document(R"({"a": 1})"));
  CHECK_FALSE(kumo::pipeline::is_json_document("local kumo = require 'kumo'\n"));
}

TEST_CASE("diff: a format_version 1 document and its format_version 2 form give the same side", "[diff]") {
  // Format 1 also listed every queue's finding in the top-level
  // "diagnostics"; format 2 lists there only the policy's own. diff reads
  // the results, which hold their queue's findings in both.
  const std::string result = R"json({"queue": "a.com", "config": {"max_age": "3days"}, "timeline": null,
     "diagnostics": [{"code": "KQ204", "severity": "warning", "key": "max_age", "message": "m", "file": "p.lua", "line": 4}]})json";
  const std::string finding = R"json({"code": "KQ204", "severity": "warning", "key": "max_age", "message": "m",
     "file": "p.lua", "line": 4, "queue": "a.com"})json";
  const std::string v1 = R"json({"format_version": 1, "policy": "p.lua", "results": [)json" + result +
                         R"json(], "diagnostics": [)json" + finding + "]}";
  const std::string v2 =
      R"json({"format_version": 2, "policy": "p.lua", "results": [)json" + result + R"json(], "diagnostics": []})json";
  auto old_side = kumo::pipeline::side_from_check_document(v1);
  auto new_side = kumo::pipeline::side_from_check_document(v2);
  REQUIRE(old_side);
  REQUIRE(new_side);
  REQUIRE(old_side->queues.size() == 1);
  REQUIRE(new_side->queues.size() == 1);
  CHECK(old_side->policy_path == new_side->policy_path);
  CHECK(old_side->queues[0].config == new_side->queues[0].config);
  CHECK(old_side->queues[0].findings.size() == 1);
  CHECK(old_side->queues[0].findings == new_side->queues[0].findings);
}
