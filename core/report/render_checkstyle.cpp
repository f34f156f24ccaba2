// --format checkstyle: Checkstyle's XML report, which reviewdog, Jenkins'
// warnings-ng and many editors read:
//   <checkstyle version="4.3"><file name="F"><error line="L" column="C"
//     severity="error" message="..." source="kumo-lint.KQnnn"/></file></checkstyle>
// One <file> per file with findings (the policy's always, so a clean run
// still names what was checked), files sorted by name; one <error> per
// finding and queue, its message naming the queue.
#include <algorithm>
#include <map>

#include "core/report/render.hpp"

namespace kumo::report {

namespace {

std::string error_message(const diag::Diagnostic& d, const std::string& policy) {
  std::string text = d.message;
  if (d.queue) {
    text += " (queue " + display_queue_name(*d.queue) + ")";
  }
  if (!policy.empty()) {
    text += " " + policy;
  }
  if (!d.detail.empty() && d.detail != d.message) {
    // Our line break, kept in the attribute as a character reference.
    return xml_escape(text) + "&#10;" + xml_escape("kumod: " + d.detail);
  }
  return xml_escape(text);
}

std::string error_xml(const diag::Diagnostic& d, const std::string& policy) {
  std::string out = "    <error line=\"" + std::to_string(reported_line(d.location)) + "\"";
  if (d.location.line > 0 && d.location.column) {
    out += " column=\"" + std::to_string(*d.location.column) + "\"";
  }
  return out + " severity=\"" + diag::severity_name(d.severity) + "\" message=\"" + error_message(d, policy) +
         "\" source=\"kumo-lint." + xml_escape(d.code) + "\"/>\n";
}

class CheckstyleSink : public ReportSink {
 public:
  CheckstyleSink(std::ostream& out, std::ostream& err, RenderOptions options)
      : m_out(out), m_err(err), m_options(std::move(options)) {}

  void begin(const std::string& policy_path) override {
    m_files[artifact_path(policy_path, m_options.paths)];
    m_policy = policy_note(policy_path, m_options.policy_count);
  }

  void policy(const std::vector<diag::Diagnostic>& diagnostics, const std::vector<lua::LogLine>& logs) override {
    take(diagnostics, logs);
  }

  void queue(const QueueReport& r) override { take(r.diagnostics, r.logs); }

  void late(const std::vector<diag::Diagnostic>& diagnostics) override { take(diagnostics, {}); }

  void end(const Summary&) override {}

  // Files of every policy, each once (policies may share modules).
  void finish(const Summary&) override {
    m_out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n";
    for (auto& [file, findings] : m_files) {
      std::stable_sort(findings.begin(), findings.end(),
                       [](const Finding& a, const Finding& b) { return diag::diagnostic_less(a.first, b.first); });
      m_out << "  <file name=\"" << xml_escape(file) << "\">\n";
      for (const auto& [d, policy] : findings) {
        m_out << error_xml(d, policy);
      }
      m_out << "  </file>\n";
    }
    m_out << "</checkstyle>\n";
  }

 private:
  void take(const std::vector<diag::Diagnostic>& diagnostics, const std::vector<lua::LogLine>& logs) {
    for (const auto& l : logs) {
      m_err << format_log(l);
    }
    for (const auto& d : diagnostics) {
      if (diag::is_active(d)) {
        m_files[artifact_path(d.location.file, m_options.paths)].emplace_back(d, m_policy);
      }
    }
  }

  std::ostream& m_out;
  std::ostream& m_err;
  RenderOptions m_options;
  using Finding = std::pair<diag::Diagnostic, std::string>;  // and its policy_note
  std::map<std::string, std::vector<Finding>> m_files;       // sorted by name
  std::string m_policy;                                      // the current policy's note
};

}  // namespace

std::unique_ptr<ReportSink> make_checkstyle_sink(std::ostream& out, std::ostream& err, RenderOptions options) {
  return std::make_unique<CheckstyleSink>(out, err, std::move(options));
}

}  // namespace kumo::report
