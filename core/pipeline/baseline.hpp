// --baseline: the findings of an earlier `check --format json` run, which a
// new run reports as baselined (counted, shown on request, never failing
// the run), so that only new findings fail CI. docs/usage.md, "Baseline".
#pragma once

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/diag/diagnostic.hpp"
#include "core/util/expected.hpp"

namespace kumo::pipeline {

class Baseline {
 public:
  // The findings of a `check --format json` document (format_version 1:
  // its top-level "diagnostics"; 2: those and each result's; suppressed and
  // baselined ones are left out: they were not reported), or what is wrong
  // with the document.
  static util::Expected<Baseline, std::string> from_json(const std::string& text);

  // The findings of a `check --format json` document by policy path: one
  // entry for a run of one policy, one per policy for a run of several.
  static util::Expected<std::map<std::string, Baseline>, std::string> by_policy(const std::string& text);

  // The baseline of `policy_path` in a run of `policies_in_run` policies:
  // none without a baseline file; a file of one policy applies to a run of
  // one whatever the policy is now called (it may have moved); otherwise
  // the entry for that path, or an empty baseline (all its findings new).
  static std::optional<Baseline> for_policy(const std::map<std::string, Baseline>& baselines,
                                            const std::string& policy_path, std::size_t policies_in_run);

  // Marks `baselined` each finding of `diagnostics` the baseline holds (not
  // already suppressed), matched on code, queue, key and message, with
  // line and column numbers in the message ignored; each baseline entry
  // matches one finding at most.
  void apply(std::vector<diag::Diagnostic>& diagnostics);

  std::size_t size() const { return m_count; }

 private:
  // `with_results`: the results' findings too (format_version 2).
  static util::Expected<Baseline, std::string> from_document(const nlohmann::json& doc, bool with_results);
  // Counts the reported findings of a "diagnostics" array.
  void take(const nlohmann::json& diagnostics);
  void merge(const Baseline& other);

  using Key = std::tuple<std::string, std::string, std::string, std::string>;
  static Key key_of(const std::string& code, const std::string& queue, const std::string& key,
                    const std::string& message);
  std::map<Key, std::size_t> m_left;  // entries not yet matched, by key
  std::size_t m_count = 0;
};

// `message` with every ":N" (a line or column number) written ":#", so a
// finding still matches its baseline entry after lines moved.
std::string without_line_numbers(const std::string& message);

}  // namespace kumo::pipeline
