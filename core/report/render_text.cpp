#include <charconv>
#include <regex>
#include <sstream>

#include "core/config/serialize.hpp"
#include "core/report/findings.hpp"
#include "core/report/render.hpp"
#include "core/util/bounded_cache.hpp"
#include "core/util/gather_output.hpp"
#include "core/util/json.hpp"
#include "core/util/text.hpp"

namespace kumo::report {

namespace {

const char* severity_color(diag::Severity s) {
  switch (s) {
    case diag::Severity::error: return "\x1b[1;31m";
    case diag::Severity::warning: return "\x1b[1;35m";
    case diag::Severity::info: return "\x1b[1;36m";
  }
  return "";
}

// Every string that came from the policy, its files or the command line is
// passed through util::escape_for_terminal before it is put into a line:
// it cannot move the cursor, recolor, end the line or forge another one.
void append_number(std::string& out, long long value) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, end);
}

std::string location_prefix(const diag::Location& l) {
  std::string out = util::escape_for_terminal(l.file);
  if (l.line > 0) {
    out += ':';
    append_number(out, l.line);
    if (l.column) {
      out += ':';
      append_number(out, *l.column);
    }
  }
  return out;
}

// A finding's place as gcc writes it, which every CI problem matcher
// expects: always a line (reported_line), the column when known.
void append_finding_prefix(std::string& out, const diag::Location& l) {
  util::append_for_terminal(out, l.file);
  out += ':';
  append_number(out, reported_line(l));
  if (l.line > 0 && l.column) {
    out += ':';
    append_number(out, *l.column);
  }
}

// The kumod line under a finding is not a finding: a detail that quotes a
// policy's "x.lua:1: error: y" must not read as one to a problem matcher
// (`^(.*?):(\d+):(\d*):?\s+(?:fatal\s+)?(warning|error):\s+`), so when the
// line holds a ":N:" every space after a colon is written \x20.
std::string continuation_line(const std::string& text) {
  static const std::regex k_line_number(":[0-9]+:");
  if (!std::regex_search(text, k_line_number)) {
    return text;
  }
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    out += i > 0 && text[i] == ' ' && text[i - 1] == ':' ? std::string("\\x20") : std::string(1, text[i]);
  }
  return out;
}

std::string plural(std::size_t n, const char* word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

// In a run of several policies, each one's output starts with a line
// naming it (after a blank line from the one before); a run of one has none.
std::string policy_header(const std::string& policy_path, const RenderOptions& options, bool& begun) {
  if (options.policy_count <= 1) {
    return "";
  }
  const std::string gap = begun ? "\n" : "";
  begun = true;
  return gap + "policy " + util::escape_for_terminal(policy_path) + "\n";
}

// After several policies' own summary lines, the run's: "kumo-lint: 2
// policies, 24 queues, ...". A run of one has said it all.
std::string run_summary(const Summary& total, const RenderOptions& options) {
  return options.policy_count <= 1 ? "" : "\n" + format_summary(total);
}

std::string indent(const std::string& text, const std::string& prefix) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  bool line_start = true;
  for (char c : text) {
    if (line_start) {
      out += prefix;
    }
    out += c;
    line_start = c == '\n';
  }
  if (!line_start) {
    out += '\n';
  }
  return out;
}

class TextRenderer : public QueueRenderer {
 public:
  explicit TextRenderer(RenderOptions options) : m_options(options), m_pieces(options.timeline_table) {}

  std::size_t render(const QueueReport& r, BatchText& out) override {
    const std::size_t start = out.text.size();
    append_queue_head(out.text, r, m_pieces);
    const std::size_t findings_at = out.text.size() - start;
    append_queue_body(out.text, r, m_options, m_pieces);
    return findings_at;
  }

 private:
  RenderOptions m_options;
  QueueTextPieces m_pieces;
};

class TextSink : public ReportSink {
 public:
  TextSink(std::ostream& out, std::ostream& err, RenderOptions options)
      : m_shared_out(out), m_out(out), m_err(err), m_options(options), m_pieces(options.timeline_table) {}

  void begin(const std::string& policy_path) override { m_out << policy_header(policy_path, m_options, m_begun); }

  void policy(const std::vector<diag::Diagnostic>& diagnostics, const std::vector<lua::LogLine>& logs) override {
    for (const auto& l : logs) {
      m_err << format_log(l);
    }
    write_findings(diagnostics);
  }

  void late(const std::vector<diag::Diagnostic>& diagnostics) override { write_findings(diagnostics); }

  void queue(const QueueReport& r) override {
    write_logs(r);
    m_buffer.clear();
    append_queue_text(m_buffer, r, m_options, m_pieces);
    util::write_text(m_out, m_buffer);
  }

  std::unique_ptr<QueueRenderer> renderer() override { return std::make_unique<TextRenderer>(m_options); }

  void rendered(const QueueReport& r, const RenderedQueue& laid_out) override {
    write_logs(r);
    write_rendered(m_out, &m_shared_out, laid_out, [&] { write_findings(r.diagnostics); });
  }

  void release_rendered() override { m_shared_out.release(); }

  void end(const Summary& s) override { m_out << format_summary(s); }

  void finish(const Summary& total) override { m_out << run_summary(total, m_options); }

 private:
  // Findings laid out in the sink's buffer, then written: no string per call.
  void write_findings(const std::vector<diag::Diagnostic>& diagnostics) {
    if (diagnostics.empty()) {
      return;
    }
    m_buffer.clear();
    append_findings(m_buffer, diagnostics, m_options);
    util::write_text(m_out, m_buffer);
  }

  // What the policy printed for the queue: on stderr, before its text.
  void write_logs(const QueueReport& r) {
    for (const auto& l : r.logs) {
      m_err << format_log(l);
    }
  }

  const SharedTextOut m_shared_out;  // how m_out takes lent text, found once
  std::ostream& m_out;
  std::ostream& m_err;
  RenderOptions m_options;
  QueueTextPieces m_pieces;
  std::string m_buffer;  // one queue's text (or, laid out elsewhere, its findings), reused
  bool m_begun = false;
};

// --quiet: only findings and the count. A finding that several queues share
// is one line naming them, so "9 errors" for 3 problems reads as 3 lines;
// the lines come at the end, sorted, once every queue has been seen.
class QuietTextSink : public ReportSink {
 public:
  QuietTextSink(std::ostream& out, std::ostream& err, RenderOptions options)
      : m_out(out), m_err(err), m_options(options) {}

  void begin(const std::string& policy_path) override { m_out << policy_header(policy_path, m_options, m_begun); }

  void policy(const std::vector<diag::Diagnostic>& diagnostics, const std::vector<lua::LogLine>& logs) override {
    take(diagnostics, logs);
  }

  void queue(const QueueReport& r) override { take(r.diagnostics, r.logs); }

  void late(const std::vector<diag::Diagnostic>& diagnostics) override { take(diagnostics, {}); }

  void end(const Summary& s) override {
    m_findings.drain([this](const FindingGroup& group) {
      m_out << format_diagnostic(group.finding, m_options.color, queues_note(group));
    });
    m_out << format_summary(s);
  }

  void finish(const Summary& total) override { m_out << run_summary(total, m_options); }

 private:
  void take(const std::vector<diag::Diagnostic>& diagnostics, const std::vector<lua::LogLine>& logs) {
    for (const auto& l : logs) {
      m_err << format_log(l);
    }
    for (const auto& d : diagnostics) {
      if (diag::is_active(d) || m_options.show_suppressed) {
        m_findings.add(d);
      }
    }
  }

  std::ostream& m_out;
  std::ostream& m_err;
  RenderOptions m_options;
  FindingGroups m_findings{m_options.hold_bytes};
  bool m_begun = false;
};

}  // namespace

// Appended in place: a finding is written on every queue that has one.
void append_diagnostic(std::string& out, const diag::Diagnostic& d, bool color, std::string_view note) {
  append_finding_prefix(out, d.location);
  out += ": ";
  if (color) {
    out += severity_color(d.severity);
  }
  out += gcc_severity(d.severity);
  if (color) {
    out += "\x1b[0m";
  }
  out += ": ";
  util::append_for_terminal(out, d.message);
  out += " [";
  out += d.code;
  out += ']';
  if (!note.empty()) {
    out += ' ';
    out += note;
  }
  out += '\n';
  if (!d.detail.empty() && d.detail != d.message) {
    out += "  kumod: ";
    out += continuation_line(util::escape_for_terminal(d.detail));
    out += '\n';
  }
}

std::string format_diagnostic(const diag::Diagnostic& d, bool color, const std::string& note) {
  std::string out;
  append_diagnostic(out, d, color, note);
  return out;
}

void append_findings(std::string& out, const std::vector<diag::Diagnostic>& diagnostics, const RenderOptions& options) {
  for (const auto& d : diagnostics) {
    if (diag::is_active(d)) {
      append_diagnostic(out, d, options.color, {});
    } else if (options.show_suppressed) {
      append_diagnostic(out, d, options.color, d.suppressed ? "(suppressed)" : "(baselined)");
    }
  }
}

std::string format_log(const lua::LogLine& log) {
  return location_prefix(log.location) + ": " + util::escape_for_terminal(log.level) + ": " +
         util::escape_for_terminal(log.text) + "\n";
}

namespace {

// Inside the strings of a JSON dump, ": " becomes ":\u0020" (the same string
// to a JSON reader): a policy's value like "x.lua:1:1: note[KQ000]: fake"
// must not read as a finding to a CI problem matcher.
std::string break_finding_lookalikes(const std::string& json_text) {
  std::string out;
  out.reserve(json_text.size());
  bool in_string = false;
  bool escaped = false;
  for (std::size_t i = 0; i < json_text.size(); ++i) {
    const char c = json_text[i];
    if (in_string && c == ' ' && i > 0 && json_text[i - 1] == ':') {
      out += "\\u0020";
      continue;
    }
    out += c;
    if (escaped) {
      escaped = false;
    } else if (in_string && c == '\\') {
      escaped = true;
    } else if (c == '"') {
      in_string = !in_string;
    }
  }
  return out;
}

}  // namespace

// JSON escapes control characters in strings, but not DEL, C1 controls or
// bidirectional controls: each line of the dump is escaped too.
std::string format_config_text(const config::QueueConfig& c) {
  return indent(util::escape_lines_for_terminal(break_finding_lookalikes(util::dump_json(config_json(c), 2))), "  ");
}

void append_queue_text(std::string& out, const QueueReport& r, const RenderOptions& options, QueueTextPieces& pieces) {
  append_queue_head(out, r, pieces);
  append_findings(out, r.diagnostics, options);
  append_queue_body(out, r, options, pieces);
}

void append_queue_head(std::string& out, const QueueReport& r, QueueTextPieces& pieces) {
  out += "queue ";
  append_queue_name(out, r.queue);
  out += ": ";
  if (r.handler) {
    out += pieces.handler_text(*r.handler);
  } else if (!r.evaluated) {
    out += "not evaluated";
  } else if (r.config) {
    out += "built-in default config";
  } else {
    out += "no config (kumod would fail to create this queue)";
  }
  out += '\n';
}

void append_queue_body(std::string& out, const QueueReport& r, const RenderOptions& options, QueueTextPieces& pieces) {
  if (r.timeline) {
    out += "  retries: ";
    out += pieces.timeline_text(r.timeline);
  }
  if (r.config && options.config) {
    out += pieces.config_text(r.config);
  }
  if (options.provenance) {
    out += format_provenance_text(r.provenance ? *r.provenance : std::vector<KeyOrigin>{});
  }
}

std::string format_queue_text(const QueueReport& r, const RenderOptions& options) {
  std::string out;
  QueueTextPieces pieces(options.timeline_table);
  append_queue_text(out, r, options, pieces);
  return out;
}

const std::string& QueueTextPieces::handler_text(const lua::HandlerRef& h) {
  if (!m_handler || m_handler->first.index != h.index || !(m_handler->first.location == h.location)) {
    m_handler.emplace(h, "handler #" + std::to_string(h.index) + " (" + location_prefix(h.location) + ")");
  }
  return m_handler->second;
}

const std::string& QueueTextPieces::timeline_text(const std::shared_ptr<const simulate::Timeline>& t) {
  auto it = m_timelines.find(t.get());
  if (it == m_timelines.end()) {
    if (m_timelines.size() >= k_max_timelines) {
      m_timelines.clear();
    }
    std::string text = timeline_summary(*t) + "\n";
    if (m_timeline_table) {
      text += indent(timeline_table(*t), "  ");
    }
    // The entry keeps the timeline alive, so its address names it alone.
    it = m_timelines.emplace(t.get(), std::make_pair(t, std::move(text))).first;
  }
  return it->second.second;
}

// A key keeps its config alive: counted as its text's size again, about
// what the config holds.
const std::string& QueueTextPieces::config_text(const config::SharedConfig& c) {
  return m_configs.get(
      c, [](const config::SharedConfig& k) { return format_config_text(*k); },
      [](const std::string& text) { return 2 * text.size(); });
}

std::string format_provenance_text(const std::vector<KeyOrigin>& provenance) {
  if (provenance.empty()) {
    return "";
  }
  std::string out = "  set by:\n";
  for (const auto& o : provenance) {
    out += "    " + o.key + " = " + origin_name(o.from);
    if (o.location) {
      out += " " + location_prefix(*o.location);
    }
    out += "\n";
  }
  return out;
}

std::string format_summary(const Summary& s) {
  std::string out = "kumo-lint: ";
  if (s.policies > 1) {
    out += s.policy_loaded ? "" : "not every policy could be loaded; ";
    out += std::to_string(s.policies) + " policies, ";
  } else if (!s.policy_loaded) {
    out += "the policy could not be loaded; ";
  }
  out += plural(s.queues, "queue") + ", " + plural(s.errors, "error") + ", " + plural(s.warnings, "warning");
  if (s.infos > 0) {
    out += ", " + plural(s.infos, "note");
  }
  if (s.suppressed > 0) {
    out += ", " + std::to_string(s.suppressed) + " suppressed";
  }
  if (s.baselined > 0) {
    out += ", " + std::to_string(s.baselined) + " baselined";
  }
  return out + "\n";
}

std::unique_ptr<ReportSink> make_text_sink(std::ostream& out, std::ostream& err, RenderOptions options) {
  if (options.quiet) {
    return std::make_unique<QuietTextSink>(out, err, options);
  }
  return std::make_unique<TextSink>(out, err, options);
}

}  // namespace kumo::report
