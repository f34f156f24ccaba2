// --format sarif: one SARIF 2.1.0 log (OASIS; the schema is
// ../shared/schemas/sarif-2.1.0-rtm.5.json, which ctest validates every
// testdata run against). One run, one result per finding and queue (as in
// JSON), the rules those results use, files as the repository names them.
// Written as the run goes (SarifSink): memory does not grow with the queues.
#include <algorithm>
#include <map>
#include <optional>

#include "core/diag/codes.hpp"
#include "core/report/json_writer.hpp"
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

// [{"physicalLocation": {"artifactLocation": {"uri"}, "region": {...}}}],
// keys in the sorted order the rest of the log has.
void write_locations(JsonWriter& w, const diag::Location& l, const std::string& uri) {
  w.begin_array();
  w.begin_object();
  w.key("physicalLocation");
  w.begin_object();
  w.key("artifactLocation");
  w.begin_object();
  w.key("uri");
  w.string(uri);
  w.end_object();
  // SARIF wants no empty region: a finding whose line is unknown names the file only.
  if (l.line > 0) {
    w.key("region");
    w.begin_object();
    if (l.column) {
      w.key("startColumn");
      w.integer(*l.column);
    }
    w.key("startLine");
    w.integer(l.line);
    w.end_object();
  }
  w.end_object();
  w.end_object();
  w.end_array();
}

// Streams: each finding is written as it comes, in input order (per
// policy: loading's findings, then every queue's, then the late ones, each
// group sorted), and nothing of it is kept. The keys of the log are sorted,
// so "results" comes before "tool": the rules, bounded by the codes table,
// follow the results, in the order the results first use them (so each
// result's ruleIndex is known when it is written).
class SarifSink : public ReportSink {
 public:
  SarifSink(std::ostream& out, std::ostream& err, RenderOptions options)
      : m_out(out), m_err(err), m_options(std::move(options)) {}

  void begin(const std::string& policy_path) override {
    start();
    m_policy = policy_path;
  }

  void policy(const std::vector<diag::Diagnostic>& diagnostics, const std::vector<lua::LogLine>& logs) override {
    write_logs(logs);
    write_sorted(diagnostics, m_policy_occurrences);
  }

  // A queue's findings are sorted already; identical ones are numbered
  // within the queue (its name is in the fingerprint, and no name is
  // checked twice), so nothing is remembered from one queue to the next.
  void queue(const QueueReport& r) override {
    write_logs(r.logs);
    Occurrences occurrences;
    for (const auto& d : r.diagnostics) {
      write_result(d, occurrences);
    }
    m_writer.write_to(m_out);
  }

  void late(const std::vector<diag::Diagnostic>& diagnostics) override {
    write_sorted(diagnostics, m_policy_occurrences);
  }

  void end(const Summary&) override {}

  // One run for every policy: code scanning takes one run per tool and
  // category, and each result's file already says where it is.
  void finish(const Summary&) override {
    start();
    m_writer.end_array();
    const ToolInfo& tool = tool_info();
    json rules = json::array();
    for (const diag::CodeInfo* info : m_rules) {
      rules.push_back(rule_json(*info));
    }
    m_writer.key("tool");
    m_writer.value({{"driver",
                     {{"name", tool.name},
                      {"version", tool.version},
                      {"informationUri", tool.homepage},
                      {"rules", std::move(rules)}}}});
    m_writer.end_object();
    m_writer.end_array();
    m_writer.key("version");
    m_writer.string("2.1.0");
    m_writer.end_object();
    m_writer.raw("\n");
    m_writer.write_to(m_out);
  }

 private:
  using Occurrences = std::map<std::string, std::size_t>;  // per fingerprint, in output order

  // The log's opening, up to the first result, once.
  void start() {
    if (m_started) {
      return;
    }
    m_started = true;
    m_writer.begin_object();
    m_writer.key("$schema");
    m_writer.string("https://json.schemastore.org/sarif-2.1.0.json");
    m_writer.key("runs");
    m_writer.begin_array();
    m_writer.begin_object();
    m_writer.key("results");
    m_writer.begin_array();
  }

  void write_logs(const std::vector<lua::LogLine>& logs) {
    for (const auto& l : logs) {
      m_err << format_log(l);
    }
  }

  // The policy's own findings (few): sorted, numbered across the run.
  void write_sorted(std::vector<diag::Diagnostic> diagnostics, Occurrences& occurrences) {
    std::stable_sort(diagnostics.begin(), diagnostics.end(), diag::diagnostic_less);
    for (const auto& d : diagnostics) {
      write_result(d, occurrences);
    }
    m_writer.write_to(m_out);
  }

  // The index of the rule for `code` in the rules written at the end,
  // added on its first use; none for a code the table lacks.
  std::optional<std::size_t> rule_index(const std::string& code) {
    for (std::size_t i = 0; i < m_rules.size(); ++i) {
      if (m_rules[i]->code == code) {
        return i;
      }
    }
    for (const auto& info : diag::code_table()) {
      if (info.code == code) {
        m_rules.push_back(&info);
        return m_rules.size() - 1;
      }
    }
    return std::nullopt;
  }

  // One result, written member by member (no tree per finding), its keys
  // sorted as dump_json sorts an object's.
  void write_result(const diag::Diagnostic& d, Occurrences& occurrences) {
    const ArtifactNames::Names& where = m_artifacts.of(d.location.file);
    const std::string fingerprint = finding_fingerprint(d, where.path);
    const std::size_t occurrence = ++occurrences[fingerprint];
    const std::optional<std::size_t> index = rule_index(d.code);
    JsonWriter& w = m_writer;
    w.begin_object();
    // With --baseline, every result says whether it was there before.
    if (m_options.with_baseline) {
      w.key("baselineState");
      w.string(d.baselined ? "unchanged" : "new");
    }
    w.key("level");
    w.string(sarif_level(d.severity));
    w.key("locations");
    write_locations(w, d.location, where.uri);
    w.key("message");
    w.begin_object();
    w.key("text");
    w.string(result_message(d, policy_note(m_policy, m_options.policy_count)));
    w.end_object();
    w.key("partialFingerprints");
    w.begin_object();
    w.key("kumoLintFinding/v1");
    w.string(fingerprint + ":" + std::to_string(occurrence));
    w.end_object();
    // Several policies may share a module or a data file: the result says
    // which policy's run it came from.
    const bool has_key = d.key && !d.key->empty();
    const bool has_policy = m_options.policy_count > 1;
    if (d.queue || has_key || has_policy) {
      w.key("properties");
      w.begin_object();
      if (has_key) {
        w.key("key");
        w.string(*d.key);
      }
      if (has_policy) {
        w.key("policy");
        w.string(m_policy);
      }
      if (d.queue) {
        w.key("queue");
        w.string(*d.queue);
      }
      w.end_object();
    }
    w.key("ruleId");
    w.string(d.code);
    if (index) {
      w.key("ruleIndex");
      w.integer(static_cast<std::int64_t>(*index));
    }
    // SARIF's own way to say a finding was accepted in the source: viewers
    // (GitHub code scanning among them) show it as dismissed, not open.
    if (d.suppressed) {
      w.key("suppressions");
      w.begin_array();
      w.begin_object();
      w.key("kind");
      w.string("inSource");
      w.end_object();
      w.end_array();
    }
    w.end_object();
  }

  std::ostream& m_out;
  std::ostream& m_err;
  RenderOptions m_options;
  JsonWriter m_writer{2};
  bool m_started = false;
  std::string m_policy;                        // the current one's path
  Occurrences m_policy_occurrences;            // the policies' own findings, across the run
  std::vector<const diag::CodeInfo*> m_rules;  // in order of first use
  ArtifactNames m_artifacts{m_options.paths};
};

}  // namespace

std::unique_ptr<ReportSink> make_sarif_sink(std::ostream& out, std::ostream& err, RenderOptions options) {
  return std::make_unique<SarifSink>(out, err, std::move(options));
}

}  // namespace kumo::report
