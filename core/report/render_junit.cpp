// --format junit: JUnit XML as GitLab, Jenkins and most CI test viewers read
// it. One testsuite for the policy; a first testcase "(policy load)" for
// what loading found (and the data files it read), then one testcase per
// queue named as the queue. A testcase fails when it has a finding at the
// fail level (--fail-level); its failure holds all its findings as text
// lines, and a passing testcase shows its findings in system-out. No
// timings, no timestamps, no host name: the same input gives the same file.
#include <sstream>

#include "core/report/render.hpp"
#include "core/util/spill.hpp"

namespace kumo::report {

namespace {

constexpr const char* k_load_case = "(policy load)";

struct TestCase {
  std::string name;
  std::vector<diag::Diagnostic> findings;
};

bool fails(const diag::Diagnostic& d, diag::Severity fail_level) {
  // Severities are ordered error < warning < info.
  return static_cast<int>(d.severity) <= static_cast<int>(fail_level);
}

const diag::Diagnostic* first_failing(const TestCase& c, diag::Severity fail_level) {
  for (const auto& d : c.findings) {
    if (fails(d, fail_level)) {
      return &d;
    }
  }
  return nullptr;
}

std::string findings_text(const TestCase& c) {
  std::string text;
  for (const auto& d : c.findings) {
    text += format_diagnostic(d, false);
  }
  return xml_escape_lines(text);
}

std::string testcase_xml(const std::string& suite, const TestCase& c, diag::Severity fail_level) {
  std::string out = "    <testcase classname=\"" + xml_escape(suite) + "\" name=\"" + xml_escape(c.name) + "\"";
  if (c.findings.empty()) {
    return out + "/>\n";
  }
  out += ">\n";
  if (const diag::Diagnostic* failing = first_failing(c, fail_level)) {
    out += "      <failure type=\"" + xml_escape(failing->code) + "\" message=\"" + xml_escape(failing->message) +
           "\">" + findings_text(c) + "</failure>\n";
  } else {
    out += "      <system-out>" + findings_text(c) + "</system-out>\n";
  }
  return out + "    </testcase>\n";
}

class JunitSink : public ReportSink {
 public:
  JunitSink(std::ostream& out, std::ostream& err, RenderOptions options) : m_out(out), m_err(err), m_options(options) {}

  void begin(const std::string& policy_path) override {
    m_suites.push_back({policy_path, m_cases.size(), m_cases.size(), 0, 0});
  }

  void policy(const std::vector<diag::Diagnostic>& diagnostics, const std::vector<lua::LogLine>& logs) override {
    add(k_load_case, diagnostics, logs);
  }

  void queue(const QueueReport& r) override { add(r.queue, r.diagnostics, r.logs); }

  // Comments that suppressed nothing concern no queue: a case of their own.
  void late(const std::vector<diag::Diagnostic>& diagnostics) override {
    if (!diagnostics.empty()) {
      add("kumo-lint suppression comments", diagnostics, {});
    }
  }

  void end(const Summary&) override {}

  // A testsuite per policy, inside one testsuites whose counts are the sums:
  // the counts come first, so the cases wait (within a memory budget, then
  // in a temporary file) until every one is known.
  void finish(const Summary&) override {
    std::size_t tests = 0;
    std::size_t failures = 0;
    for (const auto& suite : m_suites) {
      tests += suite.tests;
      failures += suite.failures;
    }
    m_out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          << "<testsuites name=\"kumo-lint\"" << counts(tests, failures) << ">\n";
    for (const auto& suite : m_suites) {
      m_out << "  <testsuite name=\"" << xml_escape(suite.policy) << "\"" << counts(suite.tests, suite.failures)
            << " skipped=\"0\">\n";
      m_cases.write_to(m_out, suite.begin, suite.end);
      m_out << "  </testsuite>\n";
    }
    m_out << "</testsuites>\n";
  }

 private:
  struct Suite {
    std::string policy;
    std::size_t begin, end;  // its testcases, in m_cases
    std::size_t tests, failures;
  };

  static std::string counts(std::size_t tests, std::size_t failures) {
    return " tests=\"" + std::to_string(tests) + "\" failures=\"" + std::to_string(failures) + "\" errors=\"0\"";
  }

  void add(const std::string& name, const std::vector<diag::Diagnostic>& diagnostics,
           const std::vector<lua::LogLine>& logs) {
    for (const auto& l : logs) {
      m_err << format_log(l);
    }
    TestCase c{name, {}};
    std::copy_if(diagnostics.begin(), diagnostics.end(), std::back_inserter(c.findings),
                 [](const diag::Diagnostic& d) { return diag::is_active(d); });
    Suite& suite = m_suites.back();
    ++suite.tests;
    suite.failures += first_failing(c, m_options.fail_level) != nullptr ? 1 : 0;
    m_cases.append(testcase_xml(suite.policy, c, m_options.fail_level));
    suite.end = m_cases.size();
  }

  std::ostream& m_out;
  std::ostream& m_err;
  RenderOptions m_options;
  std::vector<Suite> m_suites;                      // one per policy, in run order
  util::SpillBuffer m_cases{m_options.hold_bytes};  // every suite's testcases, laid out
};

}  // namespace

std::unique_ptr<ReportSink> make_junit_sink(std::ostream& out, std::ostream& err, RenderOptions options) {
  return std::make_unique<JunitSink>(out, err, std::move(options));
}

}  // namespace kumo::report
