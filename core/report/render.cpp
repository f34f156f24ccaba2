#include "core/report/render.hpp"

#include "core/config/serialize.hpp"
#include "core/util/gather_output.hpp"
#include "core/util/named_rows.hpp"
#include "core/util/text.hpp"

namespace kumo::report {

std::unique_ptr<ReportSink> make_text_sink(std::ostream& out, std::ostream& err, RenderOptions options);
std::unique_ptr<ReportSink> make_json_sink(std::ostream& out, std::size_t policy_count);
std::unique_ptr<ReportSink> make_jsonl_sink(std::ostream& out);
std::unique_ptr<ReportSink> make_sarif_sink(std::ostream& out, std::ostream& err, RenderOptions options);
std::unique_ptr<ReportSink> make_github_sink(std::ostream& out, std::ostream& err, RenderOptions options);
std::unique_ptr<ReportSink> make_junit_sink(std::ostream& out, std::ostream& err, RenderOptions options);
std::unique_ptr<ReportSink> make_checkstyle_sink(std::ostream& out, std::ostream& err, RenderOptions options);

namespace {

void cut_strings(nlohmann::json& value) {
  if (value.is_string()) {
    auto& text = value.get_ref<std::string&>();
    if (text.size() > diag::k_max_message_bytes) {
      text = util::cut_text(text, diag::k_max_message_bytes);
    }
  } else if (value.is_structured()) {
    for (auto& member : value) {
      cut_strings(member);
    }
  }
}

}  // namespace

nlohmann::json config_json(const config::QueueConfig& c) {
  nlohmann::json value = config::to_kumo_json(c);
  cut_strings(value);
  return value;
}

const std::vector<FormatInfo>& formats() {
  static const std::vector<FormatInfo> table = {
      {Format::text, "text",
       "a gcc-style line per finding (file:line:col: error: message [KQnnn]), then each "
       "queue's normalized config (default)"},
      {Format::json, "json", "one JSON document: results, diagnostics, logs, summary"},
      {Format::jsonl, "jsonl",
       "one JSON object per line, written as results are produced (constant memory at any "
       "size): the policy, a result per queue, the policy's totals, the run's totals",
       k_check_only},
      {Format::sarif, "sarif",
       "SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps): a rule per code used, "
       "a result per finding and queue",
       k_check_only},
      {Format::github, "github",
       "GitHub Actions workflow commands: an ::error/::warning/::notice annotation per "
       "finding (one for all queues it occurs in), then the count",
       k_check_only},
      {Format::junit, "junit",
       "JUnit XML: a testsuite for the policy, a testcase per queue that fails on its "
       "errors (GitLab, Jenkins)",
       k_check_only},
      {Format::checkstyle, "checkstyle", "Checkstyle XML: findings grouped by file (reviewdog, Jenkins)", k_check_only},
      {Format::svg, "svg",
       "a standalone SVG picture of the retry schedule: each attempt with its jitter window on a time axis, the "
       "waits, max_age and the expiry, the max_message_rate burst",
       k_timeline_only},
  };
  return table;
}

std::optional<Format> format_named(std::string_view name) { return util::id_named(formats(), name); }

std::unique_ptr<ReportSink> make_sink(Format format, std::ostream& out, std::ostream& err, RenderOptions options) {
  switch (format) {
    case Format::text: return make_text_sink(out, err, options);
    case Format::json: return make_json_sink(out, options.policy_count);
    case Format::jsonl: return make_jsonl_sink(out);
    case Format::sarif: return make_sarif_sink(out, err, options);
    case Format::github: return make_github_sink(out, err, options);
    case Format::junit: return make_junit_sink(out, err, options);
    case Format::checkstyle: return make_checkstyle_sink(out, err, options);
    case Format::svg: break;  // timeline's only: check's --format never offers it
  }
  return make_text_sink(out, err, options);
}

namespace {

// Laid-out text between splices: lent when the result says it may be.
void write_piece(std::ostream& out, const SharedTextOut* shared, const RenderedQueue& laid_out,
                 std::string_view piece) {
  if (laid_out.lend && shared != nullptr) {
    shared->write_view(piece);
  } else {
    util::write_text(out, piece);
  }
}

}  // namespace

void write_rendered_range(std::ostream& out, const SharedTextOut* shared, const RenderedQueue& laid_out,
                          std::size_t from, std::size_t to, std::size_t& next) {
  const std::string_view text = laid_out.text;
  for (; next < laid_out.splices.size(); ++next) {
    const Splice& splice = laid_out.splices[next];
    const std::size_t at = std::clamp(splice.at, from, text.size());
    if (at > to) {
      break;
    }
    write_piece(out, shared, laid_out, text.substr(from, at - from));
    shared->write(splice.text);
    from = at;
  }
  write_piece(out, shared, laid_out, text.substr(from, to - from));
}

}  // namespace kumo::report
