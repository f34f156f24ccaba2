// Renderers: a Report's pieces to text. Pure functions produce the strings;
// the sinks only write them in order.
#pragma once

#include <algorithm>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/report/findings.hpp"
#include "core/report/report.hpp"
#include "core/util/bounded_cache.hpp"

namespace kumo::report {

enum class Format { text, json, jsonl, sarif, github, junit, checkstyle, svg };

// The commands whose --format offers a format.
struct FormatUsers {
  bool check = true;
  bool timeline = true;
  bool explain = true;
};
// A report of findings for another program (code scanning, annotations, a
// test report): only `check` writes it.
inline constexpr FormatUsers k_check_only{true, false, false};
// A picture of one retry schedule: only `timeline` draws it.
inline constexpr FormatUsers k_timeline_only{false, true, false};

struct FormatInfo {
  Format id;
  std::string_view name;
  std::string_view description;
  FormatUsers users;
};

// Every output format, declared once (the CLI's --format reads this).
const std::vector<FormatInfo>& formats();
// The row of formats() called `name`; none for a name it does not have.
std::optional<Format> format_named(std::string_view name);

inline constexpr int k_default_chart_width = 60;
inline constexpr int k_min_chart_width = 20;

struct RenderOptions {
  bool color = false;            // ANSI colors for severities (text only)
  bool timeline_table = false;   // text: the full attempt table, not just its summary line
  bool config = true;            // text: each queue's normalized config after its findings
  bool provenance = false;       // text: where each config key was set, after the config (--explain-keys)
  bool quiet = false;            // text: findings and the count only, a finding shared by queues once
  bool show_suppressed = false;  // text: also suppressed and baselined findings, marked
  bool with_baseline = false;    // sarif: a --baseline was given (results carry baselineState)
  diag::Severity fail_level = diag::Severity::error;  // junit: a queue with a finding this severe fails
  ArtifactPaths paths;                                // sarif, github, checkstyle: how files are named
  // Policies in the run: with more than one, every format says which
  // policy each result is for (a run of one looks as it always did).
  std::size_t policy_count = 1;
  // --quiet, github, junit, checkstyle: what they hold in memory until the
  // end, before the rest goes to a temporary file (util/spill.hpp).
  std::size_t hold_bytes = FindingGroups::k_default_budget;
};

// --- Pure renderers ---

// "file:line:col: severity: message [code]" (gcc's form: severity error,
// warning or note; the line is reported_line's, the column only when
// known), then " " + `note` when given, then a "  kumod: detail" line when
// kumod words it differently.
std::string format_diagnostic(const diag::Diagnostic& d, bool color, const std::string& note = "");
// The same, appended to `out`.
void append_diagnostic(std::string& out, const diag::Diagnostic& d, bool color, std::string_view note);
// "  set by:" and one line per config key: "    max_age = data etc/queues.toml:12:11".
std::string format_provenance_text(const std::vector<KeyOrigin>& provenance);
// format_diagnostic for each active finding (with options.show_suppressed,
// also the suppressed and baselined ones, noted "(suppressed)", "(baselined)"),
// appended to `out`.
void append_findings(std::string& out, const std::vector<diag::Diagnostic>& diagnostics, const RenderOptions& options);
// "file:line: print: text" for what the policy printed.
std::string format_log(const lua::LogLine& log);
// The parts of a queue's text that many queues share, rendered once: the
// handler's header, the text of each timeline (by the shared timeline; at
// most k_max_timelines kept), and each config value's (bounded by bytes).
// The output is the same with or without them.
class QueueTextPieces {
 public:
  explicit QueueTextPieces(bool timeline_table) : m_timeline_table(timeline_table) {}
  const std::string& handler_text(const lua::HandlerRef& h);
  // The summary line and, with the table asked for, the indented table.
  const std::string& timeline_text(const std::shared_ptr<const simulate::Timeline>& t);
  const std::string& config_text(const config::SharedConfig& c);

 private:
  static constexpr std::size_t k_max_timelines = 4096;
  static constexpr std::size_t k_config_budget_bytes = 8u << 20;
  bool m_timeline_table;
  std::optional<std::pair<lua::HandlerRef, std::string>> m_handler;
  std::unordered_map<const simulate::Timeline*, std::pair<std::shared_ptr<const simulate::Timeline>, std::string>>
      m_timelines;
  util::BoundedCache<config::SharedConfig, std::string, config::SharedConfigHash> m_configs{k_config_budget_bytes};
};

// One queue: header, its findings, its retry summary, its normalized config
// (unless options.config is false), appended to `out`.
void append_queue_text(std::string& out, const QueueReport& r, const RenderOptions& options, QueueTextPieces& pieces);
// Its two parts around the findings: the "queue NAME: ..." line, and the
// rest (retry summary, config, provenance).
void append_queue_head(std::string& out, const QueueReport& r, QueueTextPieces& pieces);
void append_queue_body(std::string& out, const QueueReport& r, const RenderOptions& options, QueueTextPieces& pieces);
// The same, as a string.
std::string format_queue_text(const QueueReport& r, const RenderOptions& options);
// The normalized config as indented JSON lines.
std::string format_config_text(const config::QueueConfig& c);
// "kumo-lint: 9 queues, 0 errors, 1 warning, 2 notes"; a run's total of
// several policies starts "kumo-lint: 2 policies, ".
std::string format_summary(const Summary& s);

// "9 attempts, the last at 3days 13h; expires at 3days 13h of max_age=7days".
std::string timeline_summary(const simulate::Timeline& t);
// The attempts as a table (columns as wide as their cells), then the
// periodic tail, the expiry line and the rate preview.
std::string timeline_table(const simulate::Timeline& t);
// What max_message_rate does to a burst (after the table's expiry line):
// "max_message_rate 10/h: of a burst of 100 messages, 10 go at once, ..."
// and a line naming the approximation. Lines indented like the table's.
std::string rate_preview_text(const simulate::RatePreview& p);
// "retry_interval=20m max_retry_interval=none max_age=7days".
std::string timeline_settings(const simulate::RetryPolicy& p);
// The same, then the simulation flags that change the schedule when they
// are set: " attempt_duration=5m seed=7".
std::string timeline_settings(const simulate::RetryPolicy& p, const simulate::TimelineOptions& simulation);
// An ASCII chart, `width` columns from 0 to max_age (narrower widths are
// raised to k_min_chart_width): a mark row (| one attempt, 2-9 that many in
// one column, # ten or more), an axis row (X expiry, ? expiry that jitter can
// move, . max_age left unused), a label row and a legend line. No color.
std::string timeline_chart(const simulate::Timeline& t, int width = k_default_chart_width);

// Options of timeline_text.
struct TimelineTextOptions {
  bool color = false;  // ANSI colors for the findings' severities
  int chart_width = k_default_chart_width;
  // Its attempt duration and seed, when set, are named in the settings line.
  simulate::TimelineOptions simulation;
};

// `timeline`'s text: the findings; then, when the policy loaded, the
// settings line ("queue NAME: " first for a policy's queue), the attempt
// table and the chart, or why there is no timeline.
std::string timeline_text(const TimelineResult& r, const TimelineTextOptions& options);

// `timeline --format json`: {"format_version": 1, "settings": {retry_interval,
// max_retry_interval, max_age as humantime or null}, "timeline", "diagnostics"},
// keys in that order; settings and timeline are null without a config.
// With --spool-in, "spool_in": {"age", "age_seconds", "hangs",
// "inferred_attempts", "expired", "next_attempt_in_seconds" (null when
// expired or hanging)} follows "timeline".
std::string timeline_document(const std::optional<simulate::RetryPolicy>& settings,
                              const std::optional<simulate::Timeline>& timeline,
                              const std::vector<diag::Diagnostic>& diagnostics,
                              const std::optional<SpoolInResult>& spool_in = std::nullopt);
// One line: what kumod does with a spooled message of that age at restart.
std::string spool_in_text(const SpoolInResult& s);
// timeline_document of a result; only its findings when the policy did not load.
std::string timeline_document(const TimelineResult& r);

// `timeline --format svg`: one standalone SVG 1.1 document (UTF-8, no
// script, no external reference) with a panel per result, stacked top to
// bottom in the given order. A panel: the title (the queue, escaped) and
// settings line, the findings, then a time axis from 0 to max_age with ticks
// at human steps (timeline_tick_step); each listed attempt as a mark over its
// jitter window (earliest..latest) as a band, numbered and with the wait to
// the next attempt labelled where the label fits (skipped, never overlapped,
// when it does not), the periodic tail as one band, max_age, and the expiry
// with its reason; with a max_message_rate, a strip of the burst's messages
// promoted over time. Text that comes from a policy goes through xml_escape.
// Coordinates are fixed-point decimals: the same input, the same bytes.
std::string timeline_svg(const std::vector<TimelineResult>& results, const simulate::TimelineOptions& simulation);
// The distance between the ticks of a time axis `span_seconds` long: the
// smallest human step (1, 2, 5, 10, 15, 30 s or min; 1, 2, 3, 6, 12 h; 1, 2
// days, 1, 2 weeks; 1, 2, 3, 6 months; then 1, 2, 5 × 10^n years) that puts
// at most k_max_axis_ticks intervals on the axis.
std::int64_t timeline_tick_step(std::int64_t span_seconds);
// A tick's label: humantime ("1day 12h"), except on an axis stepping in
// months or years, where it counts that unit ("18months", "10years") so it
// never shows humantime's remainders of 30.44-day months.
std::string timeline_tick_label(std::int64_t seconds, std::int64_t step);
inline constexpr std::int64_t k_max_axis_ticks = 10;

// The config in KumoMTA's serialized form, each string in it (a policy's
// egress_pool, mx_list names, ...) cut to diag::k_max_message_bytes: the
// one place both renderers get a config from.
nlohmann::json config_json(const config::QueueConfig& c);

// A retry timeline: {attempt_count, expires_at_seconds, max_age_seconds,
// unbounded, attempts[{attempt, at_seconds, at, earliest_seconds,
// latest_seconds, delay_after_seconds}], expiry, summary, rate_limit
// (rate_preview_json, or null)}.
nlohmann::json timeline_json(const simulate::Timeline& timeline);
// A max_message_rate preview: {spec, regime, backend, emission_interval_ns,
// immediate_events, burst, at_once, drain_seconds, last_delay_seconds,
// last_deferrals, leak, max_age_seconds, expired, expires_before_first_attempt}.
nlohmann::json rate_preview_json(const simulate::RatePreview& preview);

nlohmann::json diagnostic_json(const diag::Diagnostic& d);
nlohmann::json log_json(const lua::LogLine& log);
// One result; with_config = false leaves "config" and "timeline" null (the
// JSON sink fills them from its cache).
nlohmann::json queue_json(const QueueReport& r, bool with_config = true, bool with_provenance = true);

// A sink that writes `format` to `out`. What the policy printed goes to
// `err`, except in JSON, whose one document holds it.
std::unique_ptr<ReportSink> make_sink(Format format, std::ostream& out, std::ostream& err, RenderOptions options);

// A result a worker laid out (ReportSink::rendered), written by its sink:
// text[from, to) with the splices that go there (through `shared`, given
// whenever it has splices), `next` the first splice not written yet (moved
// past those written). A splice past the text's end goes at its end.
void write_rendered_range(std::ostream& out, const SharedTextOut* shared, const RenderedQueue& laid_out,
                          std::size_t from, std::size_t to, std::size_t& next);
// All of it, with what `write_findings()` writes at findings_at. `shared`:
// how `out` takes shared and lent text, when the sink found it once (else
// found here, for a result with splices or lent text: a dynamic_cast per
// result).
template <typename WriteFindings>
void write_rendered(std::ostream& out, const SharedTextOut* shared, const RenderedQueue& laid_out,
                    WriteFindings&& write_findings) {
  const std::size_t at = std::min(laid_out.findings_at, laid_out.text.size());
  std::size_t next = 0;
  std::optional<SharedTextOut> found;  // text results have no splices: no stream asked
  if (shared == nullptr && (!laid_out.splices.empty() || laid_out.lend)) {
    shared = &found.emplace(out);
  }
  if (laid_out.findings_at == RenderedQueue::k_no_findings) {
    write_rendered_range(out, shared, laid_out, 0, laid_out.text.size(), next);
    return;
  }
  write_rendered_range(out, shared, laid_out, 0, at, next);
  write_findings();
  write_rendered_range(out, shared, laid_out, at, laid_out.text.size(), next);
}

}  // namespace kumo::report
