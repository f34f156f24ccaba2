// --format sarif: one SARIF 2.1.0 log (OASIS; the schema is
// ../shared/schemas/sarif-2.1.0-rtm.5.json, which ctest validates every
// testdata run against). One run, one result per finding and queue (as in
// JSON), the rules those results use, files as the repository names them.
#include <map>
#include <set>

#include "core/diag/codes.hpp"
#include "core/report/render.hpp"
#include "core/util/json.hpp"
#include "core/util/text.hpp"

namespace kumo::report {

namespace {

using nlohmann::json;

std::string_view sarif_level(diag::Severity s) {
  switch (s) {
    case diag::Severity::error: return "error";
    case diag::Severity::warning: return "warning";
    case diag::Severity::info: return "note";
  }
  return "error";
}

json rule_json(const diag::CodeInfo& info) {
  const std::string help_uri = code_help_uri(info.code);
  const std::string level(sarif_level(info.severity));
  return {{"id", info.code},
          {"name", info.name},
          {"shortDescription", {{"text", info.summary}}},
          {"fullDescription",
           {{"text", std::string(info.code) + " " + std::string(info.name) + " (" + level +
                         " by default): " + std::string(info.summary) +
                         ". What it means, a policy that triggers it and the fix: " + help_uri}}},
          {"defaultConfiguration", {{"level", level}}},
          {"helpUri", help_uri}};
}

// The message names the queue, as a code-scanning alert shows no other
// field of the result; kumod's own wording follows on its own line (the
// one line break that is ours). Unlike JSON, which programs read, SARIF's
// message is shown to people in a review: policy-controlled text is
// escaped as for a terminal, so a U+202E or a forged line cannot disguise
// what the alert says. properties.queue and .key stay exact.
std::string result_message(const diag::Diagnostic& d, const std::string& policy) {
  std::string text = util::escape_for_terminal(d.message);
  if (d.queue) {
    text += " (queue " + display_queue_name(*d.queue) + ")";
  }
  if (!policy.empty()) {
    text += " " + policy;
  }
  if (!d.detail.empty() && d.detail != d.message) {
    text += "\nkumod: " + util::escape_for_terminal(d.detail);
  }
  return text;
}

json location_json(const diag::Location& l, const ArtifactPaths& paths) {
  json physical = {{"artifactLocation", {{"uri", artifact_uri(l.file, paths)}}}};
  // SARIF wants no empty region: a finding whose line is unknown names the file only.
  if (l.line > 0) {
    physical["region"] = {{"startLine", l.line}};
    if (l.column) {
      physical["region"]["startColumn"] = *l.column;
    }
  }
  return json::array({{{"physicalLocation", physical}}});
}

class SarifSink : public ReportSink {
 public:
  SarifSink(std::ostream& out, std::ostream& err, RenderOptions options)
      : m_out(out), m_err(err), m_options(std::move(options)) {}

  void begin(const std::string& policy_path) override { m_policies.push_back(policy_path); }

  void policy(const std::vector<diag::Diagnostic>& diagnostics, const std::vector<lua::LogLine>& logs) override {
    take(diagnostics, logs);
  }

  void queue(const QueueReport& r) override { take(r.diagnostics, r.logs); }

  void late(const std::vector<diag::Diagnostic>& diagnostics) override { take(diagnostics, {}); }

  // Each policy's results sorted, the policies in run order.
  void end(const Summary&) override {
    std::stable_sort(m_policy_findings.begin(), m_policy_findings.end(), diag::diagnostic_less);
    for (auto& d : m_policy_findings) {
      m_diagnostics.push_back({m_policies.size() - 1, std::move(d)});
    }
    m_policy_findings.clear();
  }

  // One run for every policy: code scanning takes one run per tool and
  // category, and each result's file already says where it is.
  void finish(const Summary&) override {
    const std::vector<const diag::CodeInfo*> rules = rules_used();
    json rules_json = json::array();
    std::map<std::string_view, std::size_t> rule_index;
    for (const diag::CodeInfo* info : rules) {
      rule_index[info->code] = rules_json.size();
      rules_json.push_back(rule_json(*info));
    }
    json results = json::array();
    std::map<std::string, std::size_t> occurrences;  // per fingerprint, in output order
    for (const auto& [policy, d] : m_diagnostics) {
      results.push_back(result_json(d, policy, rule_index, occurrences));
    }
    const ToolInfo& tool = tool_info();
    json driver = {
        {"name", tool.name}, {"version", tool.version}, {"informationUri", tool.homepage}, {"rules", rules_json}};
    json log = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                {"version", "2.1.0"},
                {"runs", json::array({{{"tool", {{"driver", driver}}}, {"results", results}}})}};
    m_out << util::dump_json(log, 2) << "\n";
  }

 private:
  void take(const std::vector<diag::Diagnostic>& diagnostics, const std::vector<lua::LogLine>& logs) {
    for (const auto& l : logs) {
      m_err << format_log(l);
    }
    m_policy_findings.insert(m_policy_findings.end(), diagnostics.begin(), diagnostics.end());
  }

  // The codes the results use, in the table's order.
  std::vector<const diag::CodeInfo*> rules_used() const {
    std::set<std::string_view> used;
    for (const auto& [policy, d] : m_diagnostics) {
      used.insert(d.code);
    }
    std::vector<const diag::CodeInfo*> rules;
    for (const auto& info : diag::code_table()) {
      if (used.count(info.code) != 0) {
        rules.push_back(&info);
      }
    }
    return rules;
  }

  json result_json(const diag::Diagnostic& d, std::size_t policy,
                   const std::map<std::string_view, std::size_t>& rule_index,
                   std::map<std::string, std::size_t>& occurrences) const {
    const std::string fingerprint = finding_fingerprint(d, artifact_path(d.location.file, m_options.paths));
    const std::size_t occurrence = ++occurrences[fingerprint];
    json result = {{"ruleId", d.code},
                   {"level", sarif_level(d.severity)},
                   {"message", {{"text", result_message(d, policy_note(m_policies[policy], m_policies.size()))}}},
                   {"locations", location_json(d.location, m_options.paths)},
                   {"partialFingerprints", {{"kumoLintFinding/v1", fingerprint + ":" + std::to_string(occurrence)}}}};
    if (auto it = rule_index.find(d.code); it != rule_index.end()) {
      result["ruleIndex"] = it->second;
    }
    json properties = json::object();
    if (d.queue) {
      properties["queue"] = *d.queue;
    }
    if (d.key && !d.key->empty()) {
      properties["key"] = *d.key;
    }
    // Several policies may share a module or a data file: the result says
    // which policy's run it came from.
    if (m_policies.size() > 1) {
      properties["policy"] = m_policies[policy];
    }
    if (!properties.empty()) {
      result["properties"] = properties;
    }
    // SARIF's own way to say a finding was accepted in the source: viewers
    // (GitHub code scanning among them) show it as dismissed, not open.
    if (d.suppressed) {
      result["suppressions"] = json::array({{{"kind", "inSource"}}});
    }
    // With --baseline, every result says whether it was there before.
    if (m_options.with_baseline) {
      result["baselineState"] = d.baselined ? "unchanged" : "new";
    }
    return result;
  }

  std::ostream& m_out;
  std::ostream& m_err;
  RenderOptions m_options;
  std::vector<std::string> m_policies;                                  // in run order
  std::vector<diag::Diagnostic> m_policy_findings;                      // the current policy's
  std::vector<std::pair<std::size_t, diag::Diagnostic>> m_diagnostics;  // every policy's: its index, the finding
};

}  // namespace

std::unique_ptr<ReportSink> make_sarif_sink(std::ostream& out, std::ostream& err, RenderOptions options) {
  return std::make_unique<SarifSink>(out, err, std::move(options));
}

}  // namespace kumo::report
