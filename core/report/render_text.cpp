#include <sstream>

#include "core/util/json.hpp"
#include "core/config/serialize.hpp"
#include "core/report/render.hpp"
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

std::string location_prefix(const diag::Location& l) {
  std::string out = l.file;
  if (l.line > 0) {
    out += ":" + std::to_string(l.line);
    if (l.column) {
      out += ":" + std::to_string(*l.column);
    }
  }
  return out;
}

std::string plural(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
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

// A queue name as typed, or quoted and escaped when it holds bytes that
// would garble a terminal.
std::string display_name(const std::string& name) {
  bool plain = util::is_valid_utf8(name);
  for (char c : name) {
    plain = plain && static_cast<unsigned char>(c) >= 0x20 && c != 0x7f;
  }
  return plain ? name : util::quoted(name);
}

// Queues that share a config (most do) share its rendering: the sink keeps
// the last few rendered configs. The output is the same either way.
class ConfigTextCache {
 public:
  const std::string& get(const config::QueueConfig& c) {
    for (const auto& [cached, text] : m_entries) {
      if (cached == c) {
        return text;
      }
    }
    if (m_entries.size() == k_capacity) {
      m_entries.erase(m_entries.begin());
    }
    m_entries.emplace_back(c, format_config_text(c));
    return m_entries.back().second;
  }

 private:
  static constexpr std::size_t k_capacity = 16;
  std::vector<std::pair<config::QueueConfig, std::string>> m_entries;
};

class TextSink : public ReportSink {
 public:
  TextSink(std::ostream& out, std::ostream& err, RenderOptions options) : m_out(out), m_err(err), m_options(options) {}

  void begin(const std::string&) override {}

  void policy(const std::vector<diag::Diagnostic>& diagnostics, const std::vector<lua::LogLine>& logs) override {
    for (const auto& l : logs) {
      m_err << format_log(l);
    }
    for (const auto& d : diagnostics) {
      m_out << format_diagnostic(d, m_options.color);
    }
  }

  void queue(const QueueReport& r) override {
    for (const auto& l : r.logs) {
      m_err << format_log(l);
    }
    m_out << format_queue_text(r, m_options, r.config ? &m_configs.get(*r.config) : nullptr);
  }

  void end(const Summary& s) override { m_out << format_summary(s); }

 private:
  std::ostream& m_out;
  std::ostream& m_err;
  RenderOptions m_options;
  ConfigTextCache m_configs;
};

}  // namespace

std::string format_diagnostic(const diag::Diagnostic& d, bool color) {
  std::string severity = diag::severity_name(d.severity);
  if (color) {
    severity = severity_color(d.severity) + severity + "\x1b[0m";
  }
  std::string out = location_prefix(d.location) + ": " + severity + "[" + d.code + "]: " + d.message + "\n";
  if (!d.detail.empty() && d.detail != d.message) {
    out += "  kumod: " + d.detail + "\n";
  }
  return out;
}

std::string format_log(const lua::LogLine& log) {
  return location_prefix(log.location) + ": " + log.level + ": " + log.text + "\n";
}

std::string format_config_text(const config::QueueConfig& c) { return indent(util::dump_json(config::to_kumo_json(c), 2), "  "); }

std::string format_queue_text(const QueueReport& r, const RenderOptions& options, const std::string* config_text) {
  std::string out = "queue " + display_name(r.queue) + ": ";
  if (r.handler) {
    out += "handler #" + std::to_string(r.handler->index) + " (" + location_prefix(r.handler->location) + ")";
  } else if (!r.evaluated) {
    out += "not evaluated";
  } else if (r.config) {
    out += "built-in default config";
  } else {
    out += "no config (kumod would fail to create this queue)";
  }
  out += "\n";
  for (const auto& d : r.diagnostics) {
    out += indent(format_diagnostic(d, options.color), "  ");
  }
  if (r.timeline) {
    out += "  retries: " + timeline_summary(*r.timeline) + "\n";
    if (options.timeline_table) {
      out += indent(timeline_table(*r.timeline), "  ");
    }
  }
  if (r.config) {
    out += config_text != nullptr ? *config_text : format_config_text(*r.config);
  }
  return out;
}

std::string format_summary(const Summary& s) {
  std::string out = "kumo-lint: ";
  if (!s.policy_loaded) {
    out += "the policy could not be loaded; ";
  }
  out += plural(s.queues, "queue") + ", " + plural(s.errors, "error") + ", " + plural(s.warnings, "warning");
  if (s.infos > 0) {
    out += ", " + plural(s.infos, "note");
  }
  return out + "\n";
}

std::unique_ptr<ReportSink> make_text_sink(std::ostream& out, std::ostream& err, RenderOptions options) {
  return std::make_unique<TextSink>(out, err, options);
}

}  // namespace kumo::report
