#include "core/report/render_diff.hpp"

#include <algorithm>

#include "core/util/json.hpp"
#include "core/util/named_rows.hpp"
#include "core/util/text.hpp"
#include "core/values/duration.hpp"

namespace kumo::report {

const char* status_name(QueueStatus status) {
  switch (status) {
    case QueueStatus::changed: return "changed";
    case QueueStatus::added: return "added";
    case QueueStatus::removed: return "removed";
  }
  return "changed";
}

const std::vector<DiffFormatInfo>& diff_formats() {
  static const std::vector<DiffFormatInfo> table = {
      {DiffFormat::text, "text", "one block per queue that differs, then the counts (default)"},
      {DiffFormat::json, "json", "one JSON document: queues that differ, with their changes, and the counts"},
      {DiffFormat::markdown, "markdown", "a table to paste as a pull-request comment"},
  };
  return table;
}

std::optional<DiffFormat> diff_format_named(std::string_view name) { return util::id_named(diff_formats(), name); }

namespace {

using nlohmann::json;

// Negative times print as 0s, as the simulator's own texts do.
std::string since_creation(std::int64_t seconds) {
  return values::format_humantime(values::Duration{static_cast<std::uint64_t>(std::max<std::int64_t>(seconds, 0)), 0});
}

// "21 attempts, the last at 2days 23h; expires at 3days: REASON" (unescaped).
std::string digest_text(const std::optional<TimelineDigest>& digest) {
  if (!digest) {
    return "no config, no retries";
  }
  if (!digest->attempt_count) {
    return "retries forever";
  }
  const std::uint64_t count = *digest->attempt_count;
  std::string out = std::to_string(count) + (count == 1 ? " attempt" : " attempts");
  if (digest->last_attempt_seconds && count > 1) {
    out += ", the last at " + since_creation(*digest->last_attempt_seconds);
  }
  if (digest->expires_at_seconds) {
    out += "; expires at " + since_creation(*digest->expires_at_seconds);
  } else {
    out += "; never expires";
  }
  if (digest->expiry_reason && !digest->expiry_reason->empty()) {
    out += ": " + *digest->expiry_reason;
  }
  return out;
}

// "warning[KQ203] max_age: message" (unescaped).
std::string finding_text(const DiffFinding& f) {
  return f.severity + "[" + f.code + "]" + (f.key ? " " + *f.key : std::string()) + ": " + f.message;
}

std::string counts_text(const DiffSummary& s) {
  return std::to_string(s.changed) + " changed, " + std::to_string(s.added) + " added, " + std::to_string(s.removed) +
         " removed, " + std::to_string(s.unchanged) + " unchanged";
}

// --- text ---

// Every piece that came from a policy or the command line is escaped for
// the terminal before it is put into a line.
std::string safe(std::string_view text) { return util::escape_for_terminal(text); }

std::string queue_block_text(const QueueDiff& q) {
  std::string out = safe(q.queue) + ": " + status_name(q.status) + "\n";
  for (const auto& c : q.changes) {
    out += "  " + safe(c.key) + ": " + safe(util::dump_json(c.old_value)) + " -> " +
           safe(util::dump_json(c.new_value)) + "\n";
  }
  if (q.timeline) {
    out += "  retry timeline:\n    old: " + safe(digest_text(q.timeline->old_side)) +
           "\n    new: " + safe(digest_text(q.timeline->new_side)) + "\n";
  }
  for (const auto& f : q.findings_removed) {
    out += "  fixed: " + safe(finding_text(f)) + "\n";
  }
  for (const auto& f : q.findings_added) {
    out += "  new: " + safe(finding_text(f)) + "\n";
  }
  return out;
}

// --- markdown ---

// `text` as a table cell's code span: a backtick inside takes a double-
// backtick span, a '|' is escaped (GitHub splits cells on it even there).
std::string md_code(std::string_view text) {
  std::string body;
  for (char c : text) {
    body += c == '|' ? std::string("\\|") : c == '\n' || c == '\r' ? std::string(" ") : std::string(1, c);
  }
  if (body.empty()) {
    return "";
  }
  return body.find('`') == std::string::npos ? "`" + body + "`" : "`` " + body + " ``";
}

// `text` as a table cell's prose: the punctuation Markdown or HTML would
// act on is backslash-escaped, line breaks are spaces.
std::string md_text(std::string_view text) {
  static constexpr std::string_view k_special = "\\`*_[]<>|#!~&";
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == '\r') {
      out += ' ';
      continue;
    }
    if (k_special.find(c) != std::string_view::npos) {
      out += '\\';
    }
    out += c;
  }
  return out;
}

// "warning `KQ203` `max_age`: message".
std::string md_finding(const DiffFinding& f) {
  return f.severity + " " + md_code(f.code) + (f.key ? " " + md_code(*f.key) : std::string()) + ": " +
         md_text(f.message);
}

std::string md_row(const std::string& queue, const std::string& status, const std::string& what,
                   const std::string& old_cell, const std::string& new_cell) {
  return "| " + queue + " | " + status + " | " + what + " | " + old_cell + " | " + new_cell + " |\n";
}

std::string queue_rows_markdown(const QueueDiff& q) {
  const std::string queue = md_code(q.queue);
  const std::string status = status_name(q.status);
  if (q.status != QueueStatus::changed) {
    return md_row(queue, status, "", "", "");
  }
  std::string out;
  for (const auto& c : q.changes) {
    out += md_row(queue, status, md_code(c.key), md_code(util::dump_json(c.old_value)),
                  md_code(util::dump_json(c.new_value)));
  }
  if (q.timeline) {
    out += md_row(queue, status, "retry timeline", md_text(digest_text(q.timeline->old_side)),
                  md_text(digest_text(q.timeline->new_side)));
  }
  for (const auto& f : q.findings_removed) {
    out += md_row(queue, status, "finding fixed", md_finding(f), "");
  }
  for (const auto& f : q.findings_added) {
    out += md_row(queue, status, "new finding", "", md_finding(f));
  }
  return out;
}

json nullable(const auto& value) { return value ? json(*value) : json(nullptr); }

json findings_json(const std::vector<DiffFinding>& findings) {
  json out = json::array();
  for (const auto& f : findings) {
    out.push_back(diff_finding_json(f));
  }
  return out;
}

json queue_diff_json(const QueueDiff& q) {
  json changes = json::array();
  for (const auto& c : q.changes) {
    changes.push_back({{"key", c.key}, {"old", c.old_value}, {"new", c.new_value}});
  }
  json timeline = nullptr;
  if (q.timeline) {
    auto side = [](const std::optional<TimelineDigest>& d) { return d ? timeline_digest_json(*d) : json(nullptr); };
    timeline = {{"old", side(q.timeline->old_side)}, {"new", side(q.timeline->new_side)}};
  }
  return {{"queue", q.queue},
          {"status", status_name(q.status)},
          {"changes", changes},
          {"timeline", timeline},
          {"findings", {{"added", findings_json(q.findings_added)}, {"removed", findings_json(q.findings_removed)}}}};
}

}  // namespace

json timeline_digest_json(const TimelineDigest& d) {
  return {{"attempt_count", nullable(d.attempt_count)},
          {"expires_at_seconds", nullable(d.expires_at_seconds)},
          {"expiry_reason", nullable(d.expiry_reason)},
          {"last_attempt_seconds", nullable(d.last_attempt_seconds)}};
}

json diff_finding_json(const DiffFinding& f) {
  return {{"code", f.code},       {"severity", f.severity}, {"key", nullable(f.key)},
          {"message", f.message}, {"file", f.file},         {"line", nullable(f.line)}};
}

std::string diff_text(const DiffReport& report) {
  std::string out = "--- " + safe(report.old_name) + "\n+++ " + safe(report.new_name) + "\n";
  for (const auto& q : report.queues) {
    out += queue_block_text(q);
  }
  return out + "kumo-lint diff: " + counts_text(report.summary) + "\n";
}

std::string diff_json(const DiffReport& report) {
  json queues = json::array();
  for (const auto& q : report.queues) {
    queues.push_back(queue_diff_json(q));
  }
  const DiffSummary& s = report.summary;
  json doc = {
      {"format_version", 1},
      {"old", report.old_name},
      {"new", report.new_name},
      {"queues", queues},
      {"summary", {{"changed", s.changed}, {"added", s.added}, {"removed", s.removed}, {"unchanged", s.unchanged}}}};
  return util::dump_json(doc, 2) + "\n";
}

std::string diff_markdown(const DiffReport& report) {
  std::string out = "### kumo-lint diff\n\n" + md_code(report.old_name) + " → " + md_code(report.new_name) + ": " +
                    counts_text(report.summary) + "\n";
  if (!report.differs()) {
    return out;
  }
  out += "\n| queue | status | what | old | new |\n| --- | --- | --- | --- | --- |\n";
  for (const auto& q : report.queues) {
    out += queue_rows_markdown(q);
  }
  return out;
}

std::string render_diff(const DiffReport& report, DiffFormat format) {
  switch (format) {
    case DiffFormat::text: return diff_text(report);
    case DiffFormat::json: return diff_json(report);
    case DiffFormat::markdown: return diff_markdown(report);
  }
  return diff_text(report);
}

}  // namespace kumo::report
