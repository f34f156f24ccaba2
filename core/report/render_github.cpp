// --format github: GitHub Actions workflow commands, which the runner turns
// into annotations on the pull request's files:
//   ::error file=F,line=L,col=C,title=KQnnn::message
// GitHub shows only the first few annotations of each severity per step,
// so a finding that several queues share is one annotation naming them
// (as --quiet text does), not one per queue.
#include "core/report/render.hpp"
#include "core/util/text.hpp"

namespace kumo::report {

namespace {

std::string_view command_name(diag::Severity s) {
  switch (s) {
    case diag::Severity::error: return "error";
    case diag::Severity::warning: return "warning";
    case diag::Severity::info: return "notice";
  }
  return "error";
}

// Policy-controlled text is escaped as for a terminal (no escape sequence
// reaches the log) before GitHub's own escaping; the line break before
// kumod's wording is ours, and becomes %0A.
std::string annotation_message(const FindingGroup& group, const std::string& policy) {
  const diag::Diagnostic& d = group.finding;
  std::string text = util::escape_for_terminal(d.message);
  for (const std::string& note : {queues_note(group), policy}) {
    if (!note.empty()) {
      text += " " + note;
    }
  }
  if (!d.detail.empty() && d.detail != d.message) {
    text += "\nkumod: " + util::escape_for_terminal(d.detail);
  }
  return github_escape_data(text);
}

std::string workflow_command(const FindingGroup& group, const std::string& policy, const ArtifactPaths& paths) {
  const diag::Diagnostic& d = group.finding;
  std::string out = "::" + std::string(command_name(d.severity)) + " file=" +
                    github_escape_property(util::escape_for_terminal(artifact_path(d.location.file, paths))) +
                    ",line=" + std::to_string(reported_line(d.location));
  if (d.location.line > 0 && d.location.column) {
    out += ",col=" + std::to_string(*d.location.column);
  }
  return out + ",title=" + github_escape_property(d.code) + "::" + annotation_message(group, policy) + "\n";
}

class GithubSink : public ReportSink {
 public:
  GithubSink(std::ostream& out, std::ostream& err, RenderOptions options)
      : m_out(out), m_err(err), m_options(std::move(options)) {}

  void begin(const std::string& policy_path) override { m_policy = policy_note(policy_path, m_options.policy_count); }

  void policy(const std::vector<diag::Diagnostic>& diagnostics, const std::vector<lua::LogLine>& logs) override {
    take(diagnostics, logs);
  }

  void queue(const QueueReport& r) override { take(r.diagnostics, r.logs); }

  void late(const std::vector<diag::Diagnostic>& diagnostics) override { take(diagnostics, {}); }

  // The policy's annotations, once all its queues are seen.
  void end(const Summary&) override {
    m_findings.drain(
        [this](const FindingGroup& group) { m_out << workflow_command(group, m_policy, m_options.paths); });
  }

  void finish(const Summary& total) override { m_out << format_summary(total); }

 private:
  void take(const std::vector<diag::Diagnostic>& diagnostics, const std::vector<lua::LogLine>& logs) {
    for (const auto& l : logs) {
      m_err << format_log(l);
    }
    for (const auto& d : diagnostics) {
      if (diag::is_active(d)) {
        m_findings.add(d);
      }
    }
  }

  std::ostream& m_out;
  std::ostream& m_err;
  RenderOptions m_options;
  std::string m_policy;  // the current policy's policy_note
  FindingGroups m_findings{m_options.hold_bytes};
};

}  // namespace

std::unique_ptr<ReportSink> make_github_sink(std::ostream& out, std::ostream& err, RenderOptions options) {
  return std::make_unique<GithubSink>(out, err, std::move(options));
}

}  // namespace kumo::report
