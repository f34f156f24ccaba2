#include <algorithm>
#include <sstream>

#include "core/util/json.hpp"
#include "core/config/serialize.hpp"
#include "core/report/render.hpp"
#include "core/values/duration.hpp"

namespace kumo::report {

using nlohmann::json;

namespace {

json optional_string(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }

// Indents every line but the first, to nest a dumped value in the envelope.
std::string nest(const json& value, const std::string& prefix) {
  std::string text = util::dump_json(value, 2);
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '\n') {
      out += prefix;
    }
  }
  return out;
}

// One JSON document, streamed: the envelope is written by hand so results
// need not be held in memory; every value inside is dumped by nlohmann
// (sorted keys, two-space indent).
class JsonSink : public ReportSink {
 public:
  explicit JsonSink(std::ostream& out) : m_out(out) {}

  void begin(const std::string& policy_path) override {
    m_out << "{\n  \"format_version\": 1,\n  \"policy\": " << util::dump_json(json(policy_path)) << ",\n  \"results\": [";
  }

  void policy(const std::vector<diag::Diagnostic>& diagnostics, const std::vector<lua::LogLine>& logs) override {
    m_diagnostics = diagnostics;
    m_logs = logs;
  }

  void queue(const QueueReport& r) override {
    m_out << (m_first ? "\n    " : ",\n    ") << nest(queue_json(r), "    ");
    m_first = false;
    m_diagnostics.insert(m_diagnostics.end(), r.diagnostics.begin(), r.diagnostics.end());
  }

  void end(const Summary& s) override {
    m_out << (m_first ? "]" : "\n  ]") << ",\n  \"diagnostics\": ";
    std::stable_sort(m_diagnostics.begin(), m_diagnostics.end(), diag::diagnostic_less);
    json diagnostics = json::array();
    for (const auto& d : m_diagnostics) {
      diagnostics.push_back(diagnostic_json(d));
    }
    json logs = json::array();
    for (const auto& l : m_logs) {
      logs.push_back(log_json(l));
    }
    json summary = {{"queues", s.queues},
                    {"errors", s.errors},
                    {"warnings", s.warnings},
                    {"infos", s.infos},
                    {"policy_loaded", s.policy_loaded}};
    m_out << nest(diagnostics, "  ") << ",\n  \"logs\": " << nest(logs, "  ") << ",\n  \"summary\": "
          << nest(summary, "  ") << "\n}\n";
  }

 private:
  std::ostream& m_out;
  bool m_first = true;
  std::vector<diag::Diagnostic> m_diagnostics;
  std::vector<lua::LogLine> m_logs;
};

}  // namespace

json diagnostic_json(const diag::Diagnostic& d) {
  return {{"code", d.code},
          {"severity", diag::severity_name(d.severity)},
          {"message", d.message},
          {"detail", d.detail.empty() ? json(nullptr) : json(d.detail)},
          {"file", d.location.file},
          {"line", d.location.line > 0 ? json(d.location.line) : json(nullptr)},
          {"column", d.location.column ? json(*d.location.column) : json(nullptr)},
          {"queue", optional_string(d.queue)},
          {"key", d.key && !d.key->empty() ? json(*d.key) : json(nullptr)}};
}

json log_json(const lua::LogLine& log) {
  return {{"file", log.location.file},
          {"line", log.location.line > 0 ? json(log.location.line) : json(nullptr)},
          {"level", log.level},
          {"text", log.text}};
}

json queue_json(const QueueReport& r) {
  json diagnostics = json::array();
  for (const auto& d : r.diagnostics) {
    diagnostics.push_back(diagnostic_json(d));
  }
  json logs = json::array();
  for (const auto& l : r.logs) {
    logs.push_back(log_json(l));
  }
  json handler = nullptr;
  if (r.handler) {
    handler = {{"index", r.handler->index}, {"file", r.handler->location.file}, {"line", r.handler->location.line}};
  }
  return {{"queue", r.queue},
          {"domain", r.parts.domain},
          {"tenant", optional_string(r.parts.tenant)},
          {"campaign", optional_string(r.parts.campaign)},
          {"routing_domain", optional_string(r.parts.routing_domain)},
          {"config", r.config ? config::to_kumo_json(*r.config) : json(nullptr)},
          {"handler", handler},
          {"timeline", r.timeline ? simulate::timeline_to_json(*r.timeline) : json(nullptr)},
          {"diagnostics", diagnostics},
          {"logs", logs}};
}

std::string timeline_document(const std::optional<simulate::RetryPolicy>& settings,
                              const std::optional<simulate::Timeline>& timeline,
                              const std::vector<diag::Diagnostic>& diagnostics) {
  json settings_json = nullptr;
  if (settings) {
    settings_json = {{"retry_interval", values::format_humantime(settings->retry_interval)},
                     {"max_retry_interval", settings->max_retry_interval
                                                ? json(values::format_humantime(*settings->max_retry_interval))
                                                : json(nullptr)},
                     {"max_age", values::format_humantime(settings->max_age)}};
  }
  json diagnostics_json = json::array();
  for (const auto& d : diagnostics) {
    diagnostics_json.push_back(diagnostic_json(d));
  }
  // The envelope by hand, like JsonSink's, to keep the documented key order.
  return "{\n  \"format_version\": 1,\n  \"settings\": " + nest(settings_json, "  ") + ",\n  \"timeline\": " +
         nest(timeline ? simulate::timeline_to_json(*timeline) : json(nullptr), "  ") + ",\n  \"diagnostics\": " +
         nest(diagnostics_json, "  ") + "\n}\n";
}

std::unique_ptr<ReportSink> make_json_sink(std::ostream& out) { return std::make_unique<JsonSink>(out); }

}  // namespace kumo::report
