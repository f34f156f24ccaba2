#include "core/pipeline/diff.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string_view>
#include <tuple>

#include <nlohmann/json.hpp>

#include "core/pipeline/baseline.hpp"
#include "core/report/render.hpp"

namespace kumo::pipeline {

namespace {

using nlohmann::json;

// The member `name` of `object` when it is of the kind `is` accepts.
template <typename Is>
const json* member_of(const json& object, const char* name, Is is) {
  if (!object.is_object()) {
    return nullptr;
  }
  auto it = object.find(name);
  return it != object.end() && is(*it) ? &*it : nullptr;
}

const json* number_member(const json& object, const char* name) {
  return member_of(object, name, [](const json& v) { return v.is_number_integer(); });
}

std::string text_member(const json& object, const char* name) {
  const json* v = member_of(object, name, [](const json& m) { return m.is_string(); });
  return v ? v->get<std::string>() : std::string();
}

// The last attempt's time: the periodic tail's last, else the last listed
// (what check's summary line names as "the last at").
std::optional<std::int64_t> last_attempt_seconds(const json& timeline) {
  const json* tail = member_of(timeline, "summary", [](const json& v) { return v.is_object(); });
  if (tail) {
    const json* last = number_member(*tail, "last_at_seconds");
    return last ? std::optional<std::int64_t>(last->get<std::int64_t>()) : std::nullopt;
  }
  const json* attempts = member_of(timeline, "attempts", [](const json& v) { return v.is_array() && !v.empty(); });
  const json* at = attempts ? number_member(attempts->back(), "at_seconds") : nullptr;
  return at ? std::optional<std::int64_t>(at->get<std::int64_t>()) : std::nullopt;
}

// A timeline as check's JSON writes it (report::timeline_json), read back:
// a run and a saved document are compared through the same text.
std::optional<report::TimelineDigest> timeline_digest(const json& timeline) {
  if (!timeline.is_object()) {
    return std::nullopt;
  }
  report::TimelineDigest d;
  if (const json* count = number_member(timeline, "attempt_count")) {
    d.attempt_count = count->get<std::uint64_t>();
  }
  if (const json* expires = number_member(timeline, "expires_at_seconds")) {
    d.expires_at_seconds = expires->get<std::int64_t>();
  }
  if (const json* expiry = member_of(timeline, "expiry", [](const json& v) { return v.is_object(); })) {
    d.expiry_reason = text_member(*expiry, "reason");
  }
  if (d.attempt_count) {
    d.last_attempt_seconds = last_attempt_seconds(timeline);
  }
  return d;
}

report::DiffFinding finding_from_json(const json& d) {
  report::DiffFinding f{text_member(d, "code"),    text_member(d, "severity"), std::nullopt,
                        text_member(d, "message"), text_member(d, "file"),     std::nullopt};
  if (std::string key = text_member(d, "key"); !key.empty()) {
    f.key = std::move(key);
  }
  if (const json* line = number_member(d, "line")) {
    f.line = line->get<int>();
  }
  return f;
}

bool active(const json& d) {
  auto flag = [&d](const char* name) {
    const json* v = member_of(d, name, [](const json& m) { return m.is_boolean(); });
    return v && v->get<bool>();
  };
  return d.is_object() && !flag("suppressed") && !flag("baselined");
}

}  // namespace

DiffQueue diff_queue_from_result(const json& result) {
  DiffQueue q;
  q.queue = text_member(result, "queue");
  const json* config = member_of(result, "config", [](const json& v) { return v.is_object(); });
  q.config = config ? *config : json(nullptr);
  if (const json* timeline = member_of(result, "timeline", [](const json& v) { return v.is_object(); })) {
    q.timeline = timeline_digest(*timeline);
  }
  if (const json* diagnostics = member_of(result, "diagnostics", [](const json& v) { return v.is_array(); })) {
    for (const auto& d : *diagnostics) {
      if (active(d)) {
        q.findings.push_back(finding_from_json(d));
      }
    }
  }
  return q;
}

bool is_json_document(const std::string& text) { return json::accept(text); }

util::Expected<DiffSide, std::string> side_from_check_document(const std::string& text) {
  constexpr const char* k_not_check_output =
      "is JSON but not `kumo-lint check --format json` output (no format_version and results)";
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || doc.find("format_version") == doc.end()) {
    return util::unexpected(std::string(k_not_check_output));
  }
  const json* policy = &doc;
  if (const json* policies = member_of(doc, "policies", [](const json& v) { return v.is_array(); })) {
    if (policies->size() != 1) {
      return util::unexpected("holds the results of " + std::to_string(policies->size()) +
                              " policies; diff compares one policy's: run check on that policy alone");
    }
    policy = &policies->front();
  }
  const json* results = member_of(*policy, "results", [](const json& v) { return v.is_array(); });
  if (!results) {
    return util::unexpected(std::string(k_not_check_output));
  }
  DiffSide side;
  side.policy_path = text_member(*policy, "policy");
  for (const auto& result : *results) {
    side.queues.push_back(diff_queue_from_result(result));
  }
  return side;
}

std::vector<report::ConfigChange> config_changes(const json& old_config, const json& new_config) {
  std::vector<report::ConfigChange> out;
  auto walk = [&out](auto& self, const json& a, const json& b, const std::string& path) -> void {
    if (a == b) {
      return;
    }
    if (!a.is_object() || !b.is_object()) {
      out.push_back({path.empty() ? "config" : path, a, b});
      return;
    }
    std::set<std::string> keys;
    for (const json* side : {&a, &b}) {
      for (const auto& item : side->items()) {
        keys.insert(item.key());
      }
    }
    static const json k_absent = nullptr;
    for (const auto& key : keys) {
      auto in_a = a.find(key);
      auto in_b = b.find(key);
      self(self, in_a != a.end() ? *in_a : k_absent, in_b != b.end() ? *in_b : k_absent,
           path.empty() ? key : path + "." + key);
    }
  };
  walk(walk, old_config, new_config, "");
  return out;
}

namespace {

// What a finding is matched on: not its place (lines move in any edit).
using FindingKey = std::tuple<std::string, std::string, std::string>;

// `message` with every `policy` in it written "<policy>".
std::string without_policy_path(std::string message, const std::string& policy) {
  if (policy.empty()) {
    return message;
  }
  constexpr std::string_view k_placeholder = "<policy>";
  for (auto at = message.find(policy); at != std::string::npos; at = message.find(policy, at + k_placeholder.size())) {
    message.replace(at, policy.size(), k_placeholder);
  }
  return message;
}

FindingKey finding_key(const report::DiffFinding& f, const std::string& policy) {
  return {f.code, f.key.value_or(""), without_line_numbers(without_policy_path(f.message, policy))};
}

// The findings of `of` (a side of `of_policy`) that `against` does not
// hold, each entry of `against` matching one at most.
std::vector<report::DiffFinding> unmatched(const std::vector<report::DiffFinding>& of, const std::string& of_policy,
                                           const std::vector<report::DiffFinding>& against,
                                           const std::string& against_policy) {
  std::map<FindingKey, std::size_t> left;
  for (const auto& f : against) {
    ++left[finding_key(f, against_policy)];
  }
  std::vector<report::DiffFinding> out;
  for (const auto& f : of) {
    auto it = left.find(finding_key(f, of_policy));
    if (it != left.end() && it->second > 0) {
      --it->second;
    } else {
      out.push_back(f);
    }
  }
  return out;
}

}  // namespace

std::pair<std::vector<report::DiffFinding>, std::vector<report::DiffFinding>> finding_changes(
    const std::vector<report::DiffFinding>& old_findings, const std::vector<report::DiffFinding>& new_findings,
    const std::string& old_policy, const std::string& new_policy) {
  return {unmatched(new_findings, new_policy, old_findings, old_policy),
          unmatched(old_findings, old_policy, new_findings, new_policy)};
}

namespace {

// The first result of each queue a side holds.
std::map<std::string, const DiffQueue*> by_queue(const DiffSide& side) {
  std::map<std::string, const DiffQueue*> out;
  for (const auto& q : side.queues) {
    out.emplace(q.queue, &q);
  }
  return out;
}

report::QueueDiff compare_queue(const DiffQueue& old_q, const DiffQueue& new_q, const std::string& old_policy,
                                const std::string& new_policy) {
  report::QueueDiff d;
  d.queue = new_q.queue;
  d.changes = config_changes(old_q.config, new_q.config);
  if (old_q.timeline != new_q.timeline) {
    d.timeline = report::TimelineChange{old_q.timeline, new_q.timeline};
  }
  std::tie(d.findings_added, d.findings_removed) =
      finding_changes(old_q.findings, new_q.findings, old_policy, new_policy);
  return d;
}

bool differs(const report::QueueDiff& d) {
  return !d.changes.empty() || d.timeline || !d.findings_added.empty() || !d.findings_removed.empty();
}

}  // namespace

report::DiffReport diff_sides(const DiffSide& old_side, const DiffSide& new_side,
                              const std::vector<std::string>& order) {
  report::DiffReport out;
  const auto old_queues = by_queue(old_side);
  const auto new_queues = by_queue(new_side);
  for (const auto& name : order) {
    auto o = old_queues.find(name);
    auto n = new_queues.find(name);
    if (o == old_queues.end() && n == new_queues.end()) {
      continue;
    }
    if (o == old_queues.end() || n == new_queues.end()) {
      const bool added = o == old_queues.end();
      out.queues.push_back({name, added ? report::QueueStatus::added : report::QueueStatus::removed});
      ++(added ? out.summary.added : out.summary.removed);
      continue;
    }
    report::QueueDiff d = compare_queue(*o->second, *n->second, old_side.policy_path, new_side.policy_path);
    if (differs(d)) {
      out.queues.push_back(std::move(d));
      ++out.summary.changed;
    } else {
      ++out.summary.unchanged;
    }
  }
  return out;
}

namespace {

// Collects a run's results as diff compares them, through check's JSON
// form of each (so a run and a saved document read alike).
class SideCollector : public report::ReportSink {
 public:
  explicit SideCollector(DiffSide& side) : m_side(side) {}

  void begin(const std::string&) override {}
  void policy(const std::vector<diag::Diagnostic>& diagnostics, const std::vector<lua::LogLine>&) override {
    load_findings = diagnostics;
  }
  void queue(const report::QueueReport& r) override {
    m_side.queues.push_back(diff_queue_from_result(report::queue_json(r, true, false)));
  }
  void late(const std::vector<diag::Diagnostic>&) override {}
  void end(const report::Summary&) override {}
  void finish(const report::Summary&) override {}

  std::vector<diag::Diagnostic> load_findings;

 private:
  DiffSide& m_side;
};

QueueSource queue_list(std::vector<QueueInput> queues) {
  auto list = std::make_shared<std::vector<QueueInput>>(std::move(queues));
  auto next = std::make_shared<std::size_t>(0);
  return [list, next]() -> std::optional<QueueInput> {
    return *next < list->size() ? std::optional<QueueInput>((*list)[(*next)++]) : std::nullopt;
  };
}

// A side being compared: a document's results, or a policy's so far.
struct Side {
  const CheckRequest* policy = nullptr;
  DiffSide results;
};

Side side_of(const std::variant<CheckRequest, DiffSide>& given) {
  if (const auto* request = std::get_if<CheckRequest>(&given)) {
    Side side{request, {}};
    side.results.policy_path = request->policy_path;
    return side;
  }
  return {nullptr, std::get<DiffSide>(given)};
}

// Runs the policy of `side` on `queues` (none: its default samples),
// appending its results; false, with `outcome` told why, when it did not load.
bool evaluate(Side& side, std::optional<std::vector<QueueInput>> queues, DiffOutcome& outcome) {
  CheckRequest request = *side.policy;
  request.queues = queues ? std::optional<QueueSource>(queue_list(std::move(*queues))) : std::nullopt;
  SideCollector collector(side.results);
  if (run_check(request, collector).policy_loaded) {
    return true;
  }
  outcome.failed_policy = request.policy_path;
  outcome.load_findings = std::move(collector.load_findings);
  return false;
}

// The names each side lacks of `names`, as queue inputs.
std::vector<QueueInput> missing(const Side& side, const std::vector<std::string>& names) {
  std::set<std::string> has;
  for (const auto& q : side.results.queues) {
    has.insert(q.queue);
  }
  std::vector<QueueInput> out;
  for (const auto& name : names) {
    if (!has.contains(name)) {
      out.push_back(QueueInput{name, std::nullopt});
    }
  }
  return out;
}

// Without -q: every side's own queues (a policy's default samples, a
// document's results), sorted; then each policy is run on those it lacks.
std::optional<std::vector<std::string>> union_of_samples(Side& old_side, Side& new_side, DiffOutcome& outcome) {
  std::set<std::string> names;
  for (Side* side : {&old_side, &new_side}) {
    if (side->policy && !evaluate(*side, std::nullopt, outcome)) {
      return std::nullopt;
    }
    for (const auto& q : side->results.queues) {
      names.insert(q.queue);
    }
  }
  std::vector<std::string> order(names.begin(), names.end());
  for (Side* side : {&old_side, &new_side}) {
    std::vector<QueueInput> rest = missing(*side, order);
    if (side->policy && !rest.empty() && !evaluate(*side, std::move(rest), outcome)) {
      return std::nullopt;
    }
  }
  return order;
}

// With -q: each policy runs on the list; the order is the list's.
std::optional<std::vector<std::string>> listed_queues(Side& old_side, Side& new_side,
                                                      const std::vector<QueueInput>& queues, DiffOutcome& outcome) {
  for (Side* side : {&old_side, &new_side}) {
    if (side->policy && !evaluate(*side, queues, outcome)) {
      return std::nullopt;
    }
  }
  std::vector<std::string> order;
  std::set<std::string> seen;
  for (const auto& q : queues) {
    if (seen.insert(q.name).second) {
      order.push_back(q.name);
    }
  }
  return order;
}

}  // namespace

DiffOutcome run_diff(const DiffRequest& request) {
  DiffOutcome outcome;
  Side old_side = side_of(request.old_side);
  Side new_side = side_of(request.new_side);
  auto order = request.queues ? listed_queues(old_side, new_side, *request.queues, outcome)
                              : union_of_samples(old_side, new_side, outcome);
  if (order) {
    outcome.report = diff_sides(old_side.results, new_side.results, *order);
  }
  outcome.report.old_name = request.old_name;
  outcome.report.new_name = request.new_name;
  return outcome;
}

}  // namespace kumo::pipeline
