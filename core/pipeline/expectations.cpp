#include "core/pipeline/expectations.hpp"

#include <algorithm>
#include <map>
#include <memory>

#include "core/config/serialize.hpp"
#include "core/util/text.hpp"
#include "core/values/throttle.hpp"

namespace kumo::pipeline {

namespace {

using nlohmann::json;

// A value as a failure line shows it: compact JSON, cut (the actual value
// is the policy's, and may be any size).
constexpr std::size_t k_max_shown_bytes = 200;

std::string shown(const json& value) { return util::cut_text(value.dump(), k_max_shown_bytes); }

const std::string k_no_config = "no config (kumod would fail to create this queue)";

// Two serialized strings that KumoMTA reads as the same duration or rate.
bool same_value_text(const std::string& expected, const std::string& actual) {
  if (expected == actual) {
    return true;
  }
  auto expected_duration = values::parse_humantime(expected);
  auto actual_duration = values::parse_humantime(actual);
  if (expected_duration && actual_duration) {
    return *expected_duration == *actual_duration;
  }
  auto expected_rate = values::parse_throttle(expected);
  auto actual_rate = values::parse_throttle(actual);
  return expected_rate && actual_rate && *expected_rate == *actual_rate;
}

bool same_scalar(const json& expected, const json& actual) {
  if (expected.is_string() && actual.is_string()) {
    return same_value_text(expected.get<std::string>(), actual.get<std::string>());
  }
  return expected == actual;
}

// Compares one expected value with the config's, down to the element of a
// list that differs.
class LeafComparer {
 public:
  LeafComparer(report::ExpectBlockResult& out, int line) : m_out(out), m_line(line) {}

  // Whether it held.
  bool compare(const json& expected, const json& actual, const std::string& path) {
    if (expected.is_array() && actual.is_array() && expected.size() == actual.size()) {
      bool held = true;
      for (std::size_t i = 0; i < expected.size(); ++i) {
        held = compare(expected[i], actual[i], path + "[" + std::to_string(i) + "]") && held;
      }
      return held;
    }
    if (expected.is_array() || expected.is_object() || !same_scalar(expected, actual)) {
      fail(path, shown(expected), shown(actual));
      return false;
    }
    return true;
  }

  void fail(const std::string& path, std::string expected, std::string actual) {
    m_out.failures.push_back({m_line, m_out.queue, path, std::move(expected), std::move(actual)});
  }

 private:
  report::ExpectBlockResult& m_out;
  int m_line;
};

// The config's value at a dotted path, or the path's first key it lacks.
struct Found {
  const json* value = nullptr;
  std::string missing;
};

Found find_path(const json& config, const std::string& path) {
  const json* at = &config;
  std::string walked;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t dot = std::min(path.find('.', start), path.size());
    const std::string key = path.substr(start, dot - start);
    walked += (walked.empty() ? "" : ".") + key;
    auto it = at->is_object() ? at->find(key) : at->end();
    if (!at->is_object() || it == at->end()) {
      return {nullptr, walked};
    }
    at = &*it;
    start = dot + 1;
  }
  return {at, ""};
}

std::vector<std::string> active_codes(const report::QueueReport& r) {
  std::vector<std::string> codes;
  for (const auto& d : r.diagnostics) {
    if (diag::is_active(d)) {
      codes.push_back(d.code);
    }
  }
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  return codes;
}

std::string code_list(const std::vector<std::string>& codes) {
  std::string out = "[";
  for (const auto& c : codes) {
    out += (out.size() > 1 ? ", " : "") + c;
  }
  return out + "]";
}

// One expectation that did not hold, on one line.
void fail(report::ExpectBlockResult& out, int line, const std::string& key, std::string expected, std::string actual) {
  out.failures.push_back({line, out.queue, key, std::move(expected), std::move(actual)});
  ++out.failed;
}

void check_keys(const Expectation& e, const report::QueueReport& r, report::ExpectBlockResult& out) {
  if (e.keys.empty()) {
    return;
  }
  if (!r.config) {
    for (const auto& k : e.keys) {
      fail(out, k.line, k.path, shown(k.expected), k_no_config);
    }
    return;
  }
  const json config = config::to_kumo_json(*r.config);
  for (const auto& k : e.keys) {
    LeafComparer comparer(out, k.line);
    const Found found = find_path(config, k.path);
    if (found.value == nullptr) {
      comparer.fail(found.missing, shown(k.expected), "no such key in the config");
      ++out.failed;
    } else if (!comparer.compare(k.expected, *found.value, k.path)) {
      ++out.failed;
    }
  }
}

std::string attempts_text(const simulate::Timeline& t) {
  return t.attempt_count ? std::to_string(*t.attempt_count) : "no end (every retry is immediate)";
}

void check_timeline(const Expectation& e, const report::QueueReport& r, report::ExpectBlockResult& out) {
  if (e.attempts) {
    const std::string expected = std::to_string(*e.attempts);
    if (!r.timeline) {
      fail(out, e.attempts_line, "attempts", expected, k_no_config);
    } else if (r.timeline->attempt_count != e.attempts) {
      fail(out, e.attempts_line, "attempts", expected, attempts_text(*r.timeline));
    }
  }
  if (e.expires_after) {
    const std::string expected = "at or before " + e.expires_after->text;
    const int line = e.expires_after->line;
    if (!r.timeline) {
      fail(out, line, "expires_after", expected, k_no_config);
    } else if (!r.timeline->expires_at_seconds) {
      fail(out, line, "expires_after", expected, "never expires");
    } else {
      const auto at =
          values::Duration{static_cast<std::uint64_t>(std::max<std::int64_t>(0, *r.timeline->expires_at_seconds)), 0};
      if (at > e.expires_after->at_most) {
        fail(out, line, "expires_after", expected, "expires at " + values::format_humantime(at));
      }
    }
  }
}

void check_findings(const Expectation& e, const report::QueueReport& r, report::ExpectBlockResult& out) {
  const std::vector<std::string> actual = active_codes(r);
  if (e.findings) {
    std::vector<std::string> expected = *e.findings;
    std::sort(expected.begin(), expected.end());
    expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
    if (expected != actual) {
      fail(out, e.findings_line, "findings", code_list(expected), code_list(actual));
    }
  }
  if (e.no_findings && !actual.empty()) {
    fail(out, e.no_findings_line, "no_findings", "[]", code_list(actual));
  }
}

// Keeps what a check run reports: the load's findings and each queue's
// result, by name.
class CollectingSink : public report::ReportSink {
 public:
  void begin(const std::string&) override {}
  void policy(const std::vector<diag::Diagnostic>& diagnostics, const std::vector<lua::LogLine>&) override {
    m_load = diagnostics;
  }
  void queue(const report::QueueReport& r) override { m_queues.emplace(r.queue, r); }
  void late(const std::vector<diag::Diagnostic>&) override {}
  void end(const report::Summary&) override {}
  void finish(const report::Summary&) override {}

  const report::QueueReport* find(const std::string& queue) const {
    auto it = m_queues.find(queue);
    return it == m_queues.end() ? nullptr : &it->second;
  }
  // The first error loading found, as one line.
  std::string load_error() const {
    for (const auto& d : m_load) {
      if (d.severity == diag::Severity::error) {
        std::string where =
            d.location.file.empty() ? "" : d.location.file + ":" + std::to_string(d.location.line) + ": ";
        return where + d.message + " [" + d.code + "]";
      }
    }
    return "an error at load time";
  }

 private:
  std::vector<diag::Diagnostic> m_load;
  std::map<std::string, report::QueueReport> m_queues;
};

QueueSource queues_of(const std::vector<Expectation>& expectations) {
  auto names = std::make_shared<std::vector<std::string>>();
  for (const auto& e : expectations) {
    if (std::find(names->begin(), names->end(), e.queue) == names->end()) {
      names->push_back(e.queue);
    }
  }
  auto next = std::make_shared<std::size_t>(0);
  return [names, next]() -> std::optional<QueueInput> {
    if (*next >= names->size()) {
      return std::nullopt;
    }
    return QueueInput{(*names)[(*next)++], std::nullopt, std::nullopt};
  };
}

}  // namespace

const std::vector<std::string_view>& expectation_words() {
  static const std::vector<std::string_view> words = {"queue", "attempts", "expires_after", "findings", "no_findings"};
  return words;
}

report::ExpectBlockResult evaluate_expectation(const Expectation& e, const report::QueueReport& r) {
  report::ExpectBlockResult out;
  out.line = e.line;
  out.queue = e.queue;
  out.checks =
      e.keys.size() + (e.attempts ? 1 : 0) + (e.expires_after ? 1 : 0) + (e.findings ? 1 : 0) + (e.no_findings ? 1 : 0);
  check_keys(e, r, out);
  check_timeline(e, r, out);
  check_findings(e, r, out);
  // In the file's order, so a reader goes down the file with the output.
  std::stable_sort(out.failures.begin(), out.failures.end(),
                   [](const auto& a, const auto& b) { return a.line < b.line; });
  return out;
}

}  // namespace kumo::pipeline

namespace kumo::pipeline {

report::ExpectationFileResult run_expectations(CheckRequest request, const std::vector<Expectation>& expectations,
                                               const std::string& file) {
  report::ExpectationFileResult out;
  out.path = file;
  out.policy = request.policy_path;
  request.queues = queues_of(expectations);
  CollectingSink sink;
  const report::Summary summary = run_check(request, sink);
  if (!summary.policy_loaded) {
    out.load_error = sink.load_error();
    return out;
  }
  for (const auto& e : expectations) {
    const report::QueueReport* r = sink.find(e.queue);
    out.blocks.push_back(evaluate_expectation(e, r != nullptr ? *r : report::QueueReport{e.queue}));
  }
  return out;
}

}  // namespace kumo::pipeline
