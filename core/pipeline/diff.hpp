// `kumo-lint diff OLD NEW`: each side is a policy, evaluated by run_check as
// `check` evaluates it, or a saved `check --format json` document; the two
// sides' per-queue results are compared into a report::DiffReport.
// docs/usage.md, "diff".
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/diag/diagnostic.hpp"
#include "core/pipeline/check.hpp"
#include "core/report/diff.hpp"
#include "core/util/expected.hpp"

namespace kumo::pipeline {

// One queue's result as diff compares it.
struct DiffQueue {
  std::string queue;
  nlohmann::json config;  // KumoMTA's serialized form; null without a config
  std::optional<report::TimelineDigest> timeline;
  std::vector<report::DiffFinding> findings;  // the active ones
};

// One side's results, in the order it produced them.
struct DiffSide {
  std::vector<DiffQueue> queues;
  // The policy they are of (a saved document's "policy"): findings name it
  // in their messages ("... at init.lua:12"), which must not make a finding
  // look new when OLD and NEW are the same policy under two names.
  std::string policy_path;
};

struct DiffRequest {
  std::string old_name;  // as given, for the report
  std::string new_name;
  // A policy to evaluate (its `queues` is set by run_diff) or the results
  // of a saved check document.
  std::variant<CheckRequest, DiffSide> old_side;
  std::variant<CheckRequest, DiffSide> new_side;
  // -q and --queues-file, in order; none: the union of both sides' default
  // samples (a document's: its results), each policy evaluated on all of them.
  std::optional<std::vector<QueueInput>> queues;
};

struct DiffOutcome {
  report::DiffReport report;
  // A policy that could not be loaded: its path (the report is empty then)
  // and the findings of loading it.
  std::optional<std::string> failed_policy;
  std::vector<diag::Diagnostic> load_findings;
};

// --- Interface ---

// Whether `text` is a JSON document (then it is no policy: a Lua chunk is
// never valid JSON).
bool is_json_document(const std::string& text);

// The results of a `check --format json` document of one policy, or what
// is wrong with it.
util::Expected<DiffSide, std::string> side_from_check_document(const std::string& text);

// One result object of a check document (its "queue", "config", "timeline"
// and "diagnostics").
DiffQueue diff_queue_from_result(const nlohmann::json& result);

// Evaluates the policy sides and compares them.
DiffOutcome run_diff(const DiffRequest& request);

// The queues of `order` compared: present on one side only (added,
// removed), or changed, or counted unchanged.
report::DiffReport diff_sides(const DiffSide& old_side, const DiffSide& new_side,
                              const std::vector<std::string>& order);

// The keys whose values differ, each at the deepest key that did: two
// objects are compared key by key (a key one of them lacks is null there:
// protocol's smtp and maildir variants are two changes); anything else (an
// array, a scalar) is one change at its key. A side without a config (null)
// is one change, "config". Depth first, keys sorted at each level.
std::vector<report::ConfigChange> config_changes(const nlohmann::json& old_config, const nlohmann::json& new_config);

// Findings of `new_findings` that `old_findings` does not hold (first) and
// the reverse (second), matched on code, key and message with line numbers
// ignored (without_line_numbers, as --baseline matches) and each side's
// policy path, when given, read as the same name; each finding matches one
// at most.
std::pair<std::vector<report::DiffFinding>, std::vector<report::DiffFinding>> finding_changes(
    const std::vector<report::DiffFinding>& old_findings, const std::vector<report::DiffFinding>& new_findings,
    const std::string& old_policy = "", const std::string& new_policy = "");

}  // namespace kumo::pipeline
