#include <algorithm>
#include <sstream>

#include "core/config/serialize.hpp"
#include "core/report/render.hpp"
#include "core/util/bounded_cache.hpp"
#include "core/util/json.hpp"
#include "core/values/duration.hpp"

namespace kumo::report {

namespace {

using nlohmann::json;

json optional_string(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }

// Indents every line of `text` but the first by `prefix`.
std::string indent_after_first(const std::string& text, const std::string& prefix) {
  std::string out;
  out.reserve(text.size() + text.size() / 4);
  std::size_t start = 0;
  for (std::size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', start)) {
    out.append(text, start, nl + 1 - start);
    out += prefix;
    start = nl + 1;
  }
  out.append(text, start, std::string::npos);
  return out;
}

// A dumped value nested in the envelope at `prefix`.
std::string nest(const json& value, const std::string& prefix) {
  return indent_after_first(util::dump_json(value, 2), prefix);
}

// Queues that share a config share its "config" and "timeline" text (the
// timeline is a function of the config within one run): the sink dumps
// them once per config value and splices them into each result. The output
// is byte for byte what dumping the whole result would give.
class FragmentCache {
 public:
  struct Fragments {
    std::string config;
    std::string timeline;
  };

  // Indented as members of a pretty-printed result, or `compact` (jsonl).
  explicit FragmentCache(bool compact = false) : m_compact(compact) {}

  const Fragments& get(const QueueReport& r) {
    auto render = [&r, this](const config::QueueConfig& c) {
      return Fragments{dumped(config_json(c)), r.timeline ? dumped(timeline_json(*r.timeline)) : "null"};
    };
    return m_entries.get(*r.config, render, [](const Fragments& f) { return f.config.size() + f.timeline.size(); });
  }

 private:
  // Members of a pretty-printed result sit one level (two spaces) inside it.
  std::string dumped(const json& value) const { return m_compact ? util::dump_json(value) : nest(value, "  "); }

  static constexpr std::size_t k_budget_bytes = 16u << 20;
  bool m_compact;
  util::BoundedCache<config::QueueConfig, Fragments, config::QueueConfigHash> m_entries{k_budget_bytes};
};

// Placeholders that cannot occur in real output (control characters are
// escaped by the dump), replaced by cached fragments.
constexpr const char* k_config_slot = "\x01config\x01";
constexpr const char* k_timeline_slot = "\x01timeline\x01";
constexpr const char* k_provenance_slot = "\x01provenance\x01";

// provenance_json(p) as dump_json(..., 2) would print it as a member of a
// result object, written directly: it has 13 members per queue, and building
// and dumping a tree for each was most of a JSON run's time.
std::string provenance_text(const std::vector<KeyOrigin>& provenance) {
  if (provenance.empty()) {
    return "null";
  }
  std::vector<const KeyOrigin*> sorted;
  for (const auto& o : provenance) {
    sorted.push_back(&o);
  }
  std::sort(sorted.begin(), sorted.end(), [](const KeyOrigin* a, const KeyOrigin* b) { return a->key < b->key; });
  auto number = [](const std::optional<int>& n) { return n && *n > 0 ? std::to_string(*n) : std::string("null"); };
  std::string out = "{";
  for (const KeyOrigin* o : sorted) {
    out += out.size() == 1 ? "\n    " : ",\n    ";
    out += util::dump_json(json(o->key)) + ": {\n      \"column\": ";
    out += o->location ? number(o->location->column) : "null";
    out += ",\n      \"file\": ";
    out += o->location ? util::dump_json(json(o->location->file)) : "null";
    out += ",\n      \"from\": \"" + std::string(origin_name(o->from)) + "\",\n      \"line\": ";
    out += o->location ? number(o->location->line) : "null";
    out += "\n    }";
  }
  return out + "\n  }";
}

// Keys are sorted, so "config" is the second member (after "campaign", which
// cannot hold control characters) and "timeline" the last: the placeholder
// is found from the matching end, never inside a policy's printed text.
void splice(std::string& text, const std::string& slot_value, const std::string& fragment, bool from_end) {
  const std::string placeholder = util::dump_json(json(slot_value));
  std::size_t at = from_end ? text.rfind(placeholder) : text.find(placeholder);
  if (at != std::string::npos) {
    text.replace(at, placeholder.size(), fragment);
  }
}

// One result's text, from the cache where the config was seen before.
std::string queue_text(const QueueReport& r, FragmentCache& cache) {
  if (!r.config) {
    return util::dump_json(queue_json(r), 2);
  }
  json skeleton = queue_json(r, /*with_config=*/false, /*with_provenance=*/false);
  skeleton["config"] = k_config_slot;
  skeleton["timeline"] = k_timeline_slot;
  skeleton["provenance"] = k_provenance_slot;
  std::string text = util::dump_json(skeleton, 2);
  const auto& fragments = cache.get(r);
  splice(text, k_timeline_slot, fragments.timeline, true);
  splice(text, k_provenance_slot, provenance_text(r.provenance), false);
  splice(text, k_config_slot, fragments.config, false);
  return text;
}

json summary_json(const Summary& s, bool with_policies) {
  json out = {
      {"queues", s.queues},         {"errors", s.errors},       {"warnings", s.warnings},          {"infos", s.infos},
      {"suppressed", s.suppressed}, {"baselined", s.baselined}, {"policy_loaded", s.policy_loaded}};
  if (with_policies) {
    out["policies"] = s.policies;
  }
  return out;
}

// One JSON document, streamed: the envelope is written by hand so results
// need not be held in memory; every value inside is dumped by nlohmann
// (sorted keys, two-space indent). A run of one policy is one object:
// {format_version, policy, results, diagnostics, logs, summary}. A run of
// several is {format_version, policies: [that object without
// format_version, per policy], summary: the total with "policies"}.
class JsonSink : public ReportSink {
 public:
  JsonSink(std::ostream& out, std::size_t policy_count)
      : m_out(out), m_several(policy_count > 1), m_pad(m_several ? "    " : "") {}

  void begin(const std::string& policy_path) override {
    if (!m_several) {
      m_out << "{\n  \"format_version\": 2,\n  \"policy\": ";
    } else {
      m_out << (m_policies == 0 ? "{\n  \"format_version\": 2,\n  \"policies\": [\n    {\n      \"policy\": "
                                : ",\n    {\n      \"policy\": ");
    }
    ++m_policies;
    m_out << util::dump_json(json(policy_path)) << ",\n" << m_pad << "  \"results\": [";
    m_first = true;
  }

  void policy(const std::vector<diag::Diagnostic>& diagnostics, const std::vector<lua::LogLine>& logs) override {
    m_diagnostics = diagnostics;
    m_logs = logs;
  }

  void queue(const QueueReport& r) override {
    m_out << (m_first ? "\n    " : ",\n    ") << m_pad
          << indent_after_first(queue_text(r, m_fragments), "    " + m_pad);
    m_first = false;
  }

  void late(const std::vector<diag::Diagnostic>& diagnostics) override {
    m_diagnostics.insert(m_diagnostics.end(), diagnostics.begin(), diagnostics.end());
  }

  void end(const Summary& s) override {
    const std::string inner = "  " + m_pad;
    m_out << (m_first ? "]" : "\n" + inner + "]") << ",\n" << inner << "\"diagnostics\": ";
    std::stable_sort(m_diagnostics.begin(), m_diagnostics.end(), diag::diagnostic_less);
    json diagnostics = json::array();
    for (const auto& d : m_diagnostics) {
      diagnostics.push_back(diagnostic_json(d));
    }
    json logs = json::array();
    for (const auto& l : m_logs) {
      logs.push_back(log_json(l));
    }
    m_out << nest(diagnostics, inner) << ",\n"
          << inner << "\"logs\": " << nest(logs, inner) << ",\n"
          << inner << "\"summary\": " << nest(summary_json(s, false), inner) << "\n"
          << (m_several ? "    }" : "}\n");
    m_diagnostics.clear();
    m_logs.clear();
  }

  void finish(const Summary& total) override {
    if (m_several) {
      m_out << "\n  ],\n  \"summary\": " << nest(summary_json(total, true), "  ") << "\n}\n";
    }
  }

 private:
  std::ostream& m_out;
  const bool m_several;
  const std::string m_pad;  // what a policy's members are indented by beyond a run of one's
  std::size_t m_policies = 0;
  bool m_first = true;
  FragmentCache m_fragments;
  std::vector<diag::Diagnostic> m_diagnostics;
  std::vector<lua::LogLine> m_logs;
};

// --format jsonl: one JSON object per line (keys sorted, no spaces), each
// written as it happens, so a run of any size streams in constant memory:
//   {"diagnostics", "format_version", "kind": "policy", "logs", "policy"}   what loading found
//   {"kind": "result", "policy", ...the members of a json result}          one per queue
//   {"diagnostics", "kind": "policy_end", "policy", "summary"}             late findings, the policy's totals
//   {"format_version", "kind": "summary", "summary"}                       the run's totals, last
// The run's summary has "policies" (how many were checked).
class JsonlSink : public ReportSink {
 public:
  explicit JsonlSink(std::ostream& out) : m_out(out) {}

  void begin(const std::string& policy_path) override { m_policy = policy_path; }

  void policy(const std::vector<diag::Diagnostic>& diagnostics, const std::vector<lua::LogLine>& logs) override {
    json logs_json = json::array();
    for (const auto& l : logs) {
      logs_json.push_back(log_json(l));
    }
    write({{"kind", "policy"},
           {"format_version", 1},
           {"policy", m_policy},
           {"diagnostics", diagnostics_json(diagnostics)},
           {"logs", logs_json}});
  }

  void queue(const QueueReport& r) override {
    json line = queue_json(r, /*with_config=*/!r.config);
    line["kind"] = "result";
    line["policy"] = m_policy;
    if (!r.config) {
      write(line);
      return;
    }
    line["config"] = k_config_slot;
    line["timeline"] = k_timeline_slot;
    std::string text = util::dump_json(line);
    const auto& fragments = m_fragments.get(r);
    splice(text, k_timeline_slot, fragments.timeline, true);
    splice(text, k_config_slot, fragments.config, false);
    m_out << text << '\n';
  }

  void late(const std::vector<diag::Diagnostic>& diagnostics) override { m_late = diagnostics; }

  void end(const Summary& s) override {
    write({{"kind", "policy_end"},
           {"policy", m_policy},
           {"diagnostics", diagnostics_json(m_late)},
           {"summary", summary_json(s, false)}});
    m_late.clear();
  }

  void finish(const Summary& total) override {
    write({{"kind", "summary"}, {"format_version", 1}, {"summary", summary_json(total, true)}});
  }

 private:
  static json diagnostics_json(const std::vector<diag::Diagnostic>& diagnostics) {
    json out = json::array();
    for (const auto& d : diagnostics) {
      out.push_back(diagnostic_json(d));
    }
    return out;
  }

  void write(const json& line) { m_out << util::dump_json(line) << '\n'; }

  std::ostream& m_out;
  std::string m_policy;
  FragmentCache m_fragments{/*compact=*/true};
  std::vector<diag::Diagnostic> m_late;
};

}  // namespace

json diagnostic_json(const diag::Diagnostic& d) {
  json out = {{"code", d.code},
              {"severity", diag::severity_name(d.severity)},
              {"message", d.message},
              {"detail", d.detail.empty() ? json(nullptr) : json(d.detail)},
              {"file", d.location.file},
              {"line", d.location.line > 0 ? json(d.location.line) : json(nullptr)},
              {"column", d.location.column ? json(*d.location.column) : json(nullptr)},
              {"queue", optional_string(d.queue)},
              {"key", d.key && !d.key->empty() ? json(*d.key) : json(nullptr)}};
  // Only when true: a finding without it is reported.
  if (d.suppressed) {
    out["suppressed"] = true;
  }
  if (d.baselined) {
    out["baselined"] = true;
  }
  return out;
}

json log_json(const lua::LogLine& log) {
  return {{"file", log.location.file},
          {"line", log.location.line > 0 ? json(log.location.line) : json(nullptr)},
          {"level", log.level},
          {"text", log.text}};
}

// {"max_age": {"from": "data", "file": "etc/queues.toml", "line": 12, "column": 11}, ...}
json provenance_json(const std::vector<KeyOrigin>& provenance) {
  if (provenance.empty()) {
    return nullptr;
  }
  json out = json::object();
  for (const auto& o : provenance) {
    json origin = {{"from", origin_name(o.from)}, {"file", nullptr}, {"line", nullptr}, {"column", nullptr}};
    if (o.location) {
      origin["file"] = o.location->file;
      origin["line"] = o.location->line > 0 ? json(o.location->line) : json(nullptr);
      origin["column"] = o.location->column ? json(*o.location->column) : json(nullptr);
    }
    out[o.key] = std::move(origin);
  }
  return out;
}

json queue_json(const QueueReport& r, bool with_config, bool with_provenance) {
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
          {"config", r.config && with_config ? config_json(*r.config) : json(nullptr)},
          {"handler", handler},
          {"timeline", r.timeline && with_config ? timeline_json(*r.timeline) : json(nullptr)},
          {"diagnostics", diagnostics},
          {"logs", logs},
          {"provenance", with_provenance ? provenance_json(r.provenance) : json(nullptr)}};
}

std::string timeline_document(const std::optional<simulate::RetryPolicy>& settings,
                              const std::optional<simulate::Timeline>& timeline,
                              const std::vector<diag::Diagnostic>& diagnostics,
                              const std::optional<SpoolInResult>& spool_in) {
  json settings_json = nullptr;
  if (settings) {
    settings_json = {
        {"retry_interval", values::format_humantime(settings->retry_interval)},
        {"max_retry_interval",
         settings->max_retry_interval ? json(values::format_humantime(*settings->max_retry_interval)) : json(nullptr)},
        {"max_age", values::format_humantime(settings->max_age)}};
  }
  json diagnostics_json = json::array();
  for (const auto& d : diagnostics) {
    diagnostics_json.push_back(diagnostic_json(d));
  }
  // The envelope by hand, like JsonSink's, to keep the documented key order.
  std::string spool_in_member;
  if (spool_in) {
    const simulate::SpoolIn& d = spool_in->decision;
    const bool due = !d.hangs && !d.expired;
    json spool = {{"age", values::format_humantime(spool_in->age)},
                  {"age_seconds", spool_in->age.seconds},
                  {"hangs", d.hangs},
                  {"inferred_attempts", d.hangs ? json(nullptr) : json(d.num_attempts)},
                  {"expired", d.expired},
                  {"next_attempt_in_seconds", due ? json(d.delay.seconds) : json(nullptr)}};
    spool_in_member = ",\n  \"spool_in\": " + nest(spool, "  ");
  }
  return "{\n  \"format_version\": 1,\n  \"settings\": " + nest(settings_json, "  ") +
         ",\n  \"timeline\": " + nest(timeline ? timeline_json(*timeline) : json(nullptr), "  ") + spool_in_member +
         ",\n  \"diagnostics\": " + nest(diagnostics_json, "  ") + "\n}\n";
}

std::unique_ptr<ReportSink> make_json_sink(std::ostream& out, std::size_t policy_count) {
  return std::make_unique<JsonSink>(out, policy_count);
}

std::unique_ptr<ReportSink> make_jsonl_sink(std::ostream& out) { return std::make_unique<JsonlSink>(out); }

}  // namespace kumo::report
