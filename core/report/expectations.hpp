// What `kumo-lint test` found: for each expectation file, which of its
// expectations did not hold. Computed by core/pipeline/expectations, read
// by the renderers (render_expectations.cpp).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/named_rows.hpp"

namespace kumo::report {

// One expectation that did not hold: `key` of `queue`'s block at `line`.
// `expected` and `actual` are already in the form a reader compares them
// in (KumoMTA's serialized JSON for config keys).
struct ExpectationFailure {
  int line = 0;
  std::string queue;
  std::string key;  // a config key path (protocol.smtp.mx_list), attempts, expires_after, findings, no_findings
  std::string expected;
  std::string actual;
};

// One [[expect]] block: its queue, where it is, and what failed in it.
struct ExpectBlockResult {
  int line = 0;
  std::string queue;
  std::size_t checks = 0;  // expectations the block holds
  std::size_t failed = 0;  // of them, those that do not hold (a list may fail on several lines)
  std::vector<ExpectationFailure> failures;
};

struct ExpectationFileResult {
  std::string path;    // the expectation file, as given
  std::string policy;  // the policy it tests, as the working directory names it
  // The policy did not load: why (its first error), and no block ran.
  std::optional<std::string> load_error;
  std::vector<ExpectBlockResult> blocks;
};

// Totals over a run.
struct ExpectationSummary {
  std::size_t files = 0;
  std::size_t checks = 0;
  std::size_t failed = 0;    // expectations that do not hold
  std::size_t unloaded = 0;  // files whose policy did not load
};

ExpectationSummary summarize(const std::vector<ExpectationFileResult>& files);

enum class ExpectationFormat { text, junit };

using ExpectationFormatInfo = util::NamedRow<ExpectationFormat>;

// Every format `test` writes, declared once (its --format reads this).
const std::vector<ExpectationFormatInfo>& expectation_formats();
// The row of expectation_formats() called `name`; none for a name it does not have.
std::optional<ExpectationFormat> expectation_format_named(std::string_view name);

// --- Pure renderers ---

// The results in `format`.
std::string render_expectations(const std::vector<ExpectationFileResult>& files, ExpectationFormat format);

// One line per failed expectation, "FILE:LINE: queue Q: KEY: expected X, got Y",
// then "kumo-lint test: N files, M expectations, K failed".
std::string render_expectations_text(const std::vector<ExpectationFileResult>& files);
// A JUnit XML report: a testsuite per file, a testcase per [[expect]] block.
std::string render_expectations_junit(const std::vector<ExpectationFileResult>& files);

}  // namespace kumo::report
