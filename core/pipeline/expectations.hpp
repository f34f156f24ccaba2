// `kumo-lint test`: expectations about what a policy does for a queue, as an
// expectation file writes them (docs/usage.md, "test"), and whether a
// checked queue meets them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/pipeline/check.hpp"
#include "core/report/expectations.hpp"
#include "core/report/report.hpp"
#include "core/values/duration.hpp"

namespace kumo::pipeline {

// `key = value` of an [[expect]] block about a config key, one per value
// the file writes: a table (protocol.smtp.mx_list = [...], or an inline
// table) gives one per leaf, its path dotted. The value is in KumoMTA's
// serialized form; a list must equal element for element; a string that is
// a duration or a rate holds for any spelling KumoMTA reads as the same
// value ("72h" for "3days", "100/hr" for "100/h").
struct KeyExpectation {
  std::string path;  // "egress_pool", "protocol.smtp.mx_list"
  nlohmann::json expected;
  int line = 0;
};

// One [[expect]] block.
struct Expectation {
  int line = 0;
  std::string queue;
  std::vector<KeyExpectation> keys;
  std::optional<std::uint64_t> attempts;  // the timeline's attempt count
  struct Expiry {
    values::Duration at_most;  // the timeline expires at or before this
    std::string text;          // as written
    int line = 0;
  };
  std::optional<Expiry> expires_after;
  std::optional<std::vector<std::string>> findings;  // exactly these codes (active findings of the queue)
  bool no_findings = false;
  int attempts_line = 0, findings_line = 0, no_findings_line = 0;
};

// The words an [[expect]] block takes besides the config keys.
const std::vector<std::string_view>& expectation_words();

// What in `e` does not hold for `r` (the queue's check result).
report::ExpectBlockResult evaluate_expectation(const Expectation& e, const report::QueueReport& r);

// Checks `request`'s policy for the queues of `expectations` (request.queues
// is replaced by theirs, each once, in file order) and evaluates every
// block. A policy that does not load gives load_error and no blocks.
report::ExpectationFileResult run_expectations(CheckRequest request, const std::vector<Expectation>& expectations,
                                               const std::string& file);

}  // namespace kumo::pipeline
