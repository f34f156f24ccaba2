#include <algorithm>

#include "core/config/serialize.hpp"
#include "core/report/json_writer.hpp"
#include "core/report/render.hpp"
#include "core/util/bounded_cache.hpp"
#include "core/util/json.hpp"
#include "core/values/duration.hpp"

namespace kumo::report {

namespace {

using nlohmann::json;

json optional_string(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }

void write_provenance(JsonWriter& w, const std::vector<KeyOrigin>& provenance);
void write_handler(JsonWriter& w, const std::optional<lua::HandlerRef>& handler);
void write_diagnostic(JsonWriter& w, const diag::Diagnostic& d,
                      std::pair<std::size_t, std::size_t>* queue_value = nullptr);

// A finding's text but for its "queue", kept for the last finding written:
// a check that fires on every queue of a tenant (a retry schedule's KQ203)
// gives the same finding for each, and laying it out (some 2,600
// instructions, its message checked for escapes character by character)
// was the most of a JSON result beyond its cached pieces.
class FindingMemo {
 public:
  // `d` as write_diagnostic writes it, at `w`'s next value.
  void write(JsonWriter& w, const diag::Diagnostic& d) {
    if (!same_but_queue(d, w.depth())) {
      JsonWriter nested = w.nested();
      write_diagnostic(nested, d, &m_queue_value);
      m_text = nested.take_text();
      m_last = d;
      m_depth = w.depth();
    }
    m_scratch.assign(m_text, 0, m_queue_value.first);
    if (d.queue) {
      append_json_string(m_scratch, *d.queue);
    } else {
      m_scratch += "null";
    }
    m_scratch.append(m_text, m_queue_value.second);
    w.raw(m_scratch);
  }

 private:
  bool same_but_queue(const diag::Diagnostic& d, int depth) const {
    return m_last && m_depth == depth && diag::same_but_queue(*m_last, d);
  }

  std::optional<diag::Diagnostic> m_last;
  int m_depth = -1;
  std::string m_text;  // m_last laid out, its queue's value at m_queue_value
  std::pair<std::size_t, std::size_t> m_queue_value{0, 0};
  std::string m_scratch;
};

// Queues that share a config share its "config" and "timeline" text (the
// timeline is a function of the config within one run): the sink lays them
// out once per config value, where a result's members go, and writes the
// text into each result.
class FragmentCache {
 public:
  struct Fragments {
    SharedText config;
    SharedText timeline;
  };

  // `writer` is where the fragments go: inside a result, after its key.
  const Fragments& get(const QueueReport& r, const JsonWriter& writer) {
    auto render = [&r, &writer](const config::SharedConfig& c) {
      return Fragments{shared(writer.nested_text(config_json(*c))),
                       shared(r.timeline ? writer.nested_text(timeline_json(*r.timeline)) : "null")};
    };
    // A key keeps its config alive: counted as its text's size again.
    return m_entries.get(r.config, render,
                         [](const Fragments& f) { return 2 * f.config->size() + f.timeline->size(); });
  }

  // The "provenance" member's text: queues built by the same call with the
  // same values share it (some 70 members each). Found first by the list's
  // identity (the queues of one call site share one list), which spares
  // hashing and comparing the whole list on every queue; then by its value.
  const SharedText& provenance(const Provenance& origins, const JsonWriter& writer) {
    auto render = [&writer](const std::vector<KeyOrigin>& o) {
      JsonWriter nested = writer.nested();
      write_provenance(nested, o);
      return shared(nested.take_text());
    };
    auto by_value = [&](const Provenance& p) {
      return m_provenance.get(*p, render, [](const SharedText& text) { return text->size(); });
    };
    // A key keeps its list alive: counted at about the size of its text.
    return m_provenance_by_list.get(origins, by_value, [](const SharedText& text) { return 2 * text->size(); });
  }

  FindingMemo findings;

  // The "handler" member's text, for `writer`'s next value: the same for
  // every queue one handler answers (kept for the last handler).
  std::string_view handler(const lua::HandlerRef& h, const JsonWriter& writer) {
    if (m_handler_depth != writer.depth() || m_handler.index != h.index || m_handler.location.line != h.location.line ||
        m_handler.location.file != h.location.file) {
      JsonWriter nested = writer.nested();
      write_handler(nested, h);
      m_handler_text = nested.take_text();
      m_handler = h;
      m_handler_depth = writer.depth();
    }
    return m_handler_text;
  }

 private:
  static SharedText shared(std::string text) { return std::make_shared<const std::string>(std::move(text)); }

  struct OriginsHash {
    std::size_t operator()(const std::vector<KeyOrigin>& origins) const {
      std::size_t h = origins.size();
      auto mix = [&h](std::size_t v) { h = h * 1'000'003 ^ v; };
      for (const auto& o : origins) {
        mix(std::hash<std::string>{}(o.key));
        mix(static_cast<std::size_t>(o.from));
        if (o.location) {
          mix(std::hash<std::string>{}(o.location->file));
          mix(static_cast<std::size_t>(o.location->line));
          mix(static_cast<std::size_t>(o.location->column.value_or(-1)));
        }
      }
      return h;
    }
  };
  static constexpr std::size_t k_budget_bytes = 16u << 20;
  util::BoundedCache<config::SharedConfig, Fragments, config::SharedConfigHash> m_entries{k_budget_bytes};
  util::BoundedCache<std::vector<KeyOrigin>, SharedText, OriginsHash> m_provenance{k_budget_bytes};
  util::BoundedCache<Provenance, SharedText, std::hash<Provenance>> m_provenance_by_list{k_budget_bytes};
  lua::HandlerRef m_handler{-1, {}};  // none yet: no handler has a negative index
  int m_handler_depth = -1;
  std::string m_handler_text;
};

// A line number, column or handler index: null when unknown (not positive).
void write_position_member(JsonWriter& w, LiteralKey name, std::optional<int> n) {
  if (n && *n > 0) {
    w.member(name, std::int64_t{*n});
  } else {
    w.null_member(name);
  }
}

// diagnostic_json(d), written directly (keys in nlohmann's sorted order).
// With `queue_value`, where the "queue" member's value starts and ends in
// w.text() is kept there.
void write_diagnostic(JsonWriter& w, const diag::Diagnostic& d, std::pair<std::size_t, std::size_t>* queue_value) {
  w.begin_object();
  if (d.baselined) {
    w.key("baselined");
    w.boolean(true);
  }
  w.member("code", d.code);
  if (d.location.column) {
    w.member("column", std::int64_t{*d.location.column});
  } else {
    w.null_member("column");
  }
  if (d.detail.empty()) {
    w.null_member("detail");
  } else {
    w.member("detail", d.detail);
  }
  w.member("file", d.location.file);
  if (d.key && !d.key->empty()) {
    w.member("key", *d.key);
  } else {
    w.null_member("key");
  }
  write_position_member(w, "line", d.location.line);
  w.member("message", d.message);
  if (queue_value) {
    w.key("queue");  // written with what goes before the value
    queue_value->first = w.text().size();
    w.optional_string(d.queue);
    queue_value->second = w.text().size();
  } else {
    w.optional_member("queue", d.queue);
  }
  w.member("severity", diag::severity_name(d.severity));
  if (d.suppressed) {
    w.key("suppressed");
    w.boolean(true);
  }
  w.end_object();
}

// A result's findings go through `memo`; the policy's, written once, not.
void write_diagnostics(JsonWriter& w, const std::vector<diag::Diagnostic>& diagnostics, FindingMemo* memo = nullptr) {
  if (diagnostics.empty()) {
    w.raw("[]");  // what begin_array() and end_array() write for an empty array
    return;
  }
  w.begin_array();
  for (const auto& d : diagnostics) {
    if (memo) {
      memo->write(w, d);
    } else {
      write_diagnostic(w, d);
    }
  }
  w.end_array();
}

// log_json(l), written directly.
void write_logs(JsonWriter& w, const std::vector<lua::LogLine>& logs) {
  if (logs.empty()) {
    w.raw("[]");  // what begin_array() and end_array() write for an empty array
    return;
  }
  w.begin_array();
  for (const auto& l : logs) {
    w.begin_object();
    w.member("file", l.location.file);
    w.member("level", l.level);
    write_position_member(w, "line", l.location.line);
    w.member("text", l.text);
    w.end_object();
  }
  w.end_array();
}

void write_handler(JsonWriter& w, const std::optional<lua::HandlerRef>& handler) {
  if (!handler) {
    w.null();
    return;
  }
  w.begin_object();
  w.member("file", handler->location.file);
  w.member("index", std::int64_t{handler->index});
  w.member("line", std::int64_t{handler->location.line});
  w.end_object();
}

// provenance_json(p), written directly: 13 members per queue.
void write_provenance(JsonWriter& w, const std::vector<KeyOrigin>& provenance) {
  if (provenance.empty()) {
    w.null();
    return;
  }
  std::vector<const KeyOrigin*> sorted;
  sorted.reserve(provenance.size());
  for (const auto& o : provenance) {
    sorted.push_back(&o);
  }
  std::sort(sorted.begin(), sorted.end(), [](const KeyOrigin* a, const KeyOrigin* b) { return a->key < b->key; });
  w.begin_object();
  for (const KeyOrigin* o : sorted) {
    w.any_key(o->key);
    w.begin_object();
    write_position_member(w, "column", o->location ? o->location->column : std::nullopt);
    if (o->location) {
      w.member("file", o->location->file);
    } else {
      w.null_member("file");
    }
    w.member("from", origin_name(o->from));
    write_position_member(w, "line", o->location ? std::optional<int>(o->location->line) : std::nullopt);
    w.end_object();
  }
  w.end_object();
}

// One result: queue_json(r)'s members in its sorted order; the config and
// timeline from the cache. A jsonl line (`jsonl_policy` given) also has
// "kind": "result" and "policy", in their sorted places. With `findings_at`,
// the "diagnostics" value is left out and its place in w.text() kept there.
void write_result(JsonWriter& w, const QueueReport& r, FragmentCache& cache, const std::string* jsonl_policy = nullptr,
                  std::size_t* findings_at = nullptr) {
  w.begin_object();
  w.optional_member("campaign", r.parts.campaign);
  w.key("config");
  const FragmentCache::Fragments* fragments = r.config ? &cache.get(r, w) : nullptr;
  if (fragments) {
    w.raw(fragments->config);
  } else {
    w.null();
  }
  w.key("diagnostics");
  if (findings_at) {
    *findings_at = w.text().size();
  } else {
    write_diagnostics(w, r.diagnostics, &cache.findings);
  }
  w.member("domain", r.parts.domain);
  w.key("handler");
  if (r.handler) {
    w.raw(cache.handler(*r.handler, w));
  } else {
    w.null();
  }
  if (jsonl_policy) {
    w.key("kind");
    w.string("result");
  }
  w.key("logs");
  write_logs(w, r.logs);
  if (jsonl_policy) {
    w.key("policy");
    w.string(*jsonl_policy);
  }
  w.key("provenance");
  if (!r.provenance || r.provenance->empty()) {
    w.null();
  } else {
    w.raw(cache.provenance(r.provenance, w));
  }
  w.member("queue", r.queue);
  w.optional_member("routing_domain", r.parts.routing_domain);
  w.optional_member("tenant", r.parts.tenant);
  w.key("timeline");
  if (fragments) {
    w.raw(fragments->timeline);
  } else if (r.timeline) {
    w.value(timeline_json(*r.timeline));
  } else {
    w.null();
  }
  w.end_object();
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

// Lays out results on a worker thread (with --jobs) as a JSON sink would,
// but for the findings: the sink writes those at findings_at, in a writer
// one level into the result (write_laid_out).
class JsonRenderer : public QueueRenderer {
 public:
  // `indent` and `depth` are the sink's where results go; `jsonl_policy`
  // is set for jsonl lines.
  JsonRenderer(int indent, int depth, std::optional<std::string> jsonl_policy)
      : m_indent(indent), m_depth(depth), m_jsonl_policy(std::move(jsonl_policy)) {}

  std::size_t render(const QueueReport& r, BatchText& out) override {
    const std::size_t start = out.text.size();
    JsonWriter w(m_indent, m_depth, std::move(out.text));  // written on from the end of `out`
    w.splice_into(&out.splices, start);
    // Most results have no findings: their empty list is laid out here,
    // and the sink writes the result whole.
    const bool findings = !r.diagnostics.empty();
    std::size_t findings_at = 0;
    write_result(w, r, m_fragments, m_jsonl_policy ? &*m_jsonl_policy : nullptr, findings ? &findings_at : nullptr);
    if (m_jsonl_policy) {
      w.raw("\n");
    }
    out.text = w.take_text();
    return findings ? findings_at - start : RenderedQueue::k_no_findings;
  }

 private:
  int m_indent;
  int m_depth;
  std::optional<std::string> m_jsonl_policy;
  FragmentCache m_fragments;
};

// A result a JsonRenderer laid out for `w`'s next value, its findings now
// final, written to `out` after what `w` holds: the laid-out text and its
// splices go straight to the stream.
void write_laid_out(JsonWriter& w, std::ostream& out, const QueueReport& r, const RenderedQueue& laid_out,
                    FindingMemo& memo) {
  w.raw("");  // the separator before a value
  w.write_to(out);
  write_rendered(out, w.shared_out_for(out), laid_out, [&] {
    JsonWriter findings = w.nested_member();
    write_diagnostics(findings, r.diagnostics, &memo);
    findings.write_to(out);
  });
}

// What write_laid_out lent to `out`, written out.
void release_lent(const JsonWriter& w, std::ostream& out) {
  if (const SharedTextOut* shared = w.shared_out_for(out)) {
    shared->release();
  }
}

constexpr int k_json_format_version = 2;
constexpr int k_jsonl_format_version = 1;

// One JSON document (format_version 2), streamed: each result is written
// as it comes, in input order, and leaves nothing behind; every result holds
// its own findings. A run of one policy is one object: {format_version,
// policy, results, diagnostics, logs, summary}, where "diagnostics" holds
// only the policy's own findings (from loading it, and the late ones:
// suppression comments that covered nothing), sorted, after the results.
// A run of several is {format_version, policies: [that object without
// format_version, per policy], summary: the total with "policies"}.
// Memory: the policy's own findings and logs, and the bounded fragment cache.
class JsonSink : public ReportSink {
 public:
  JsonSink(std::ostream& out, std::size_t policy_count) : m_out(out), m_several(policy_count > 1) {
    m_writer.pass_through(&m_out);
  }

  void begin(const std::string& policy_path) override {
    if (!m_several || m_policies == 0) {
      m_writer.begin_object();
      m_writer.key("format_version");
      m_writer.integer(k_json_format_version);
    }
    if (m_several) {
      if (m_policies == 0) {
        m_writer.key("policies");
        m_writer.begin_array();
      }
      m_writer.begin_object();
    }
    ++m_policies;
    m_writer.key("policy");
    m_writer.string(policy_path);
    m_writer.key("results");
    m_writer.begin_array();
    m_writer.write_to(m_out);
  }

  void policy(const std::vector<diag::Diagnostic>& diagnostics, const std::vector<lua::LogLine>& logs) override {
    m_diagnostics = diagnostics;
    m_logs = logs;
  }

  void queue(const QueueReport& r) override {
    write_result(m_writer, r, m_fragments);
    m_writer.write_to(m_out);
  }

  std::unique_ptr<QueueRenderer> renderer() override {
    return std::make_unique<JsonRenderer>(k_indent, m_writer.depth(), std::nullopt);
  }

  void rendered(const QueueReport& r, const RenderedQueue& laid_out) override {
    write_laid_out(m_writer, m_out, r, laid_out, m_fragments.findings);
  }

  void release_rendered() override { release_lent(m_writer, m_out); }

  void late(const std::vector<diag::Diagnostic>& diagnostics) override {
    m_diagnostics.insert(m_diagnostics.end(), diagnostics.begin(), diagnostics.end());
  }

  void end(const Summary& s) override {
    m_writer.end_array();
    std::stable_sort(m_diagnostics.begin(), m_diagnostics.end(), diag::diagnostic_less);
    m_writer.key("diagnostics");
    write_diagnostics(m_writer, m_diagnostics);
    m_writer.key("logs");
    write_logs(m_writer, m_logs);
    m_writer.key("summary");
    m_writer.value(summary_json(s, false));
    m_writer.end_object();
    if (!m_several) {
      m_writer.raw("\n");
    }
    m_writer.write_to(m_out);
    m_diagnostics.clear();
    m_logs.clear();
  }

  void finish(const Summary& total) override {
    if (m_several) {
      m_writer.end_array();
      m_writer.key("summary");
      m_writer.value(summary_json(total, true));
      m_writer.end_object();
      m_writer.raw("\n");
      m_writer.write_to(m_out);
    }
  }

 private:
  std::ostream& m_out;
  const bool m_several;
  std::size_t m_policies = 0;
  static constexpr int k_indent = 2;
  JsonWriter m_writer{k_indent};
  FragmentCache m_fragments;
  std::vector<diag::Diagnostic> m_diagnostics;  // the policy's own: loading's and late()'s
  std::vector<lua::LogLine> m_logs;
};

// --format jsonl (format_version 1): one JSON object per line (keys sorted,
// no spaces), each written as it happens, so a run of any size streams in
// constant memory:
//   {"diagnostics", "format_version", "kind": "policy", "logs", "policy"}   what loading found
//   {"kind": "result", "policy", ...the members of a json result}          one per queue
//   {"diagnostics", "kind": "policy_end", "policy", "summary"}             late findings, the policy's totals
//   {"format_version", "kind": "summary", "summary"}                       the run's totals, last
// The run's summary has "policies" (how many were checked).
class JsonlSink : public ReportSink {
 public:
  explicit JsonlSink(std::ostream& out) : m_out(out) { m_writer.pass_through(&m_out); }

  void begin(const std::string& policy_path) override { m_policy = policy_path; }

  void policy(const std::vector<diag::Diagnostic>& diagnostics, const std::vector<lua::LogLine>& logs) override {
    m_writer.begin_object();
    m_writer.key("diagnostics");
    write_diagnostics(m_writer, diagnostics);
    m_writer.key("format_version");
    m_writer.integer(k_jsonl_format_version);
    m_writer.key("kind");
    m_writer.string("policy");
    m_writer.key("logs");
    write_logs(m_writer, logs);
    m_writer.key("policy");
    m_writer.string(m_policy);
    end_line();
  }

  void queue(const QueueReport& r) override {
    write_result(m_writer, r, m_fragments, &m_policy);
    m_writer.raw("\n");
    m_writer.write_to(m_out);
  }

  std::unique_ptr<QueueRenderer> renderer() override {
    return std::make_unique<JsonRenderer>(-1, m_writer.depth(), m_policy);
  }

  void rendered(const QueueReport& r, const RenderedQueue& laid_out) override {
    write_laid_out(m_writer, m_out, r, laid_out, m_fragments.findings);  // the laid-out line ends with its "\n"
  }

  void release_rendered() override { release_lent(m_writer, m_out); }

  void late(const std::vector<diag::Diagnostic>& diagnostics) override { m_late = diagnostics; }

  void end(const Summary& s) override {
    m_writer.begin_object();
    m_writer.key("diagnostics");
    write_diagnostics(m_writer, m_late);
    m_writer.key("kind");
    m_writer.string("policy_end");
    m_writer.key("policy");
    m_writer.string(m_policy);
    m_writer.key("summary");
    m_writer.value(summary_json(s, false));
    end_line();
    m_late.clear();
  }

  void finish(const Summary& total) override {
    m_writer.begin_object();
    m_writer.key("format_version");
    m_writer.integer(k_jsonl_format_version);
    m_writer.key("kind");
    m_writer.string("summary");
    m_writer.key("summary");
    m_writer.value(summary_json(total, true));
    end_line();
  }

 private:
  void end_line() {
    m_writer.end_object();
    m_writer.raw("\n");
    m_writer.write_to(m_out);
  }

  std::ostream& m_out;
  std::string m_policy;
  JsonWriter m_writer;  // compact
  FragmentCache m_fragments;
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
          {"provenance",
           with_provenance ? provenance_json(r.provenance ? *r.provenance : std::vector<KeyOrigin>{}) : json(nullptr)}};
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
  // Written member by member to keep the documented key order.
  JsonWriter w(2);
  w.begin_object();
  w.key("format_version");
  w.integer(1);
  w.key("settings");
  w.value(settings_json);
  w.key("timeline");
  w.value(timeline ? timeline_json(*timeline) : json(nullptr));
  if (spool_in) {
    const simulate::SpoolIn& d = spool_in->decision;
    const bool due = !d.hangs && !d.expired;
    w.key("spool_in");
    w.value({{"age", values::format_humantime(spool_in->age)},
             {"age_seconds", spool_in->age.seconds},
             {"hangs", d.hangs},
             {"inferred_attempts", d.hangs ? json(nullptr) : json(d.num_attempts)},
             {"expired", d.expired},
             {"next_attempt_in_seconds", due ? json(d.delay.seconds) : json(nullptr)}});
  }
  w.key("diagnostics");
  w.value(diagnostics_json);
  w.end_object();
  w.raw("\n");
  return w.text();
}

std::unique_ptr<ReportSink> make_json_sink(std::ostream& out, std::size_t policy_count) {
  return std::make_unique<JsonSink>(out, policy_count);
}

std::unique_ptr<ReportSink> make_jsonl_sink(std::ostream& out) { return std::make_unique<JsonlSink>(out); }

}  // namespace kumo::report
