// `kumo-lint test`'s output: text (one line per failed expectation, then the
// count) and JUnit XML (a testsuite per expectation file, a testcase per
// [[expect]] block). Pure: the same results give the same bytes.
#include "core/report/expectations.hpp"
#include "core/report/findings.hpp"
#include "core/util/named_rows.hpp"
#include "core/util/text.hpp"

namespace kumo::report {

namespace {

std::string failure_line(const std::string& file, const ExpectationFailure& f) {
  return util::escape_for_terminal(file + ":" + std::to_string(f.line) + ": queue " + f.queue + ": " + f.key +
                                   ": expected " + f.expected + ", got " + f.actual) +
         "\n";
}

std::string load_error_line(const ExpectationFileResult& r) {
  return util::escape_for_terminal(r.path + ": policy " + r.policy + " did not load: " + r.load_error.value_or("")) +
         "\n";
}

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string block_name(const ExpectBlockResult& b) { return b.queue + " (line " + std::to_string(b.line) + ")"; }

std::string counts(std::size_t tests, std::size_t failures, std::size_t errors) {
  return " tests=\"" + std::to_string(tests) + "\" failures=\"" + std::to_string(failures) + "\" errors=\"" +
         std::to_string(errors) + "\"";
}

std::string block_xml(const ExpectationFileResult& file, const ExpectBlockResult& b) {
  std::string out =
      "    <testcase classname=\"" + xml_escape(file.path) + "\" name=\"" + xml_escape(block_name(b)) + "\"";
  if (b.failures.empty()) {
    return out + "/>\n";
  }
  std::string lines;
  for (const auto& f : b.failures) {
    lines += failure_line(file.path, f);
  }
  const ExpectationFailure& first = b.failures.front();
  return out + ">\n      <failure type=\"expectation\" message=\"" +
         xml_escape(first.key + ": expected " + first.expected + ", got " + first.actual) + "\">" +
         xml_escape_lines(lines) + "</failure>\n    </testcase>\n";
}

std::string suite_xml(const ExpectationFileResult& file) {
  std::string head = "  <testsuite name=\"" + xml_escape(file.path) + "\"";
  if (file.load_error) {
    return head + counts(1, 0, 1) + " skipped=\"0\">\n    <testcase classname=\"" + xml_escape(file.path) +
           "\" name=\"(policy load)\">\n      <error type=\"policy-load\" message=\"" + xml_escape(*file.load_error) +
           "\">" + xml_escape_lines(load_error_line(file)) + "</error>\n    </testcase>\n  </testsuite>\n";
  }
  std::size_t failed = 0;
  std::string cases;
  for (const auto& b : file.blocks) {
    failed += b.failures.empty() ? 0 : 1;
    cases += block_xml(file, b);
  }
  return head + counts(file.blocks.size(), failed, 0) + " skipped=\"0\">\n" + cases + "  </testsuite>\n";
}

}  // namespace

ExpectationSummary summarize(const std::vector<ExpectationFileResult>& files) {
  ExpectationSummary s;
  s.files = files.size();
  for (const auto& f : files) {
    s.unloaded += f.load_error ? 1 : 0;
    for (const auto& b : f.blocks) {
      s.checks += b.checks;
      s.failed += b.failed;
    }
  }
  return s;
}

const std::vector<ExpectationFormatInfo>& expectation_formats() {
  static const std::vector<ExpectationFormatInfo> table = {
      {ExpectationFormat::text, "text", "a line per failed expectation, then the counts (default)"},
      {ExpectationFormat::junit, "junit", "JUnit XML: a testsuite per file, a testcase per [[expect]] block"},
  };
  return table;
}

std::optional<ExpectationFormat> expectation_format_named(std::string_view name) {
  return util::id_named(expectation_formats(), name);
}

std::string render_expectations(const std::vector<ExpectationFileResult>& files, ExpectationFormat format) {
  switch (format) {
    case ExpectationFormat::text: return render_expectations_text(files);
    case ExpectationFormat::junit: return render_expectations_junit(files);
  }
  return render_expectations_text(files);
}

std::string render_expectations_text(const std::vector<ExpectationFileResult>& files) {
  std::string out;
  for (const auto& f : files) {
    if (f.load_error) {
      out += load_error_line(f);
    }
    for (const auto& b : f.blocks) {
      for (const auto& failure : b.failures) {
        out += failure_line(f.path, failure);
      }
    }
  }
  const ExpectationSummary s = summarize(files);
  out += "kumo-lint test: " + plural(s.files, "file", "files") + ", " +
         plural(s.checks, "expectation", "expectations") + ", " + std::to_string(s.failed) + " failed";
  if (s.unloaded > 0) {
    out += ", " + plural(s.unloaded, "policy", "policies") + " not loaded";
  }
  return out + "\n";
}

std::string render_expectations_junit(const std::vector<ExpectationFileResult>& files) {
  std::size_t tests = 0;
  std::size_t failures = 0;
  std::size_t errors = 0;
  std::string suites;
  for (const auto& f : files) {
    if (f.load_error) {
      ++tests;
      ++errors;
    }
    for (const auto& b : f.blocks) {
      ++tests;
      failures += b.failures.empty() ? 0 : 1;
    }
    suites += suite_xml(f);
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"kumo-lint test\"" +
         counts(tests, failures, errors) + ">\n" + suites + "</testsuites>\n";
}

}  // namespace kumo::report
