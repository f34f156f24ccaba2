#include "core/pipeline/check.hpp"

#include "core/config/convert.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "core/diag/codes.hpp"
#include "core/pipeline/check_parts.hpp"
#include "core/pipeline/provenance.hpp"
#include "core/pipeline/suppress.hpp"
#include "core/policy/lua_source.hpp"
#include "core/simulate/retry_findings.hpp"
#include "core/util/bounded_cache.hpp"
#include "core/util/text.hpp"
#include "core/values/queue_name.hpp"

namespace kumo::pipeline {

namespace {

// Default samples stop here (the built-in queues, then literals in sorted
// order): a policy with a million domain literals must not mean a million
// queues. Give -q or --queues-file to check more.

// Mailbox providers most policies special-case, plain and with tenant,
// campaign and routing domain (documented in docs/usage.md).
const std::vector<std::string> k_builtin_queues = {
    "gmail.com",
    "outlook.com",
    "yahoo.com",
    "tenant@gmail.com",
    "campaign:tenant@outlook.com",
    "campaign:tenant@yahoo.com!smarthost.example.net",
};

bool looks_like_domain(const std::string& s) {
  // Lower-case labels with a letters-only TLD; file names are not domains.
  static const std::regex k_domain(R"(^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$)");
  static const char* const k_file_suffixes[] = {".lua", ".toml", ".json", ".yaml", ".txt", ".pem", ".key", ".csv"};
  if (s.size() > 253 || !std::regex_match(s, k_domain)) {
    return false;
  }
  for (const char* suffix : k_file_suffixes) {
    std::string_view sv(suffix);
    if (s.size() >= sv.size() && s.compare(s.size() - sv.size(), sv.size(), sv) == 0) {
      return false;
    }
  }
  return s[0] != '*';
}

// Keeps the suppressor's files in step with what the policy has read: a
// module a handler requires, or a data file it loads, brings its comments
// before that handler's findings are filtered.
class SuppressionFiles {
 public:
  SuppressionFiles(const lua::PolicyHost& host, const CheckRequest& request, Suppressor& suppressor)
      : m_host(host), m_request(request), m_suppressor(suppressor) {}

  void sync() {
    if (m_host.files_read_count() == m_seen) {
      return;
    }
    m_seen = m_host.files_read_count();
    for (const auto& f : m_host.files_read()) {
      if (m_suppressor.knows(f.name)) {
        continue;
      }
      if (!f.data) {
        bool is_policy = f.name == m_request.policy_path;
        m_suppressor.add_file({f.name}, is_policy ? m_request.policy_source : read_source_text(f.resolved), "--");
        continue;
      }
      // Findings in a data file carry the name the policy gave it.
      m_suppressor.add_file({f.name}, read_source_text(f.resolved), comment_marker_for(f.resolved));
    }
  }

 private:
  const lua::PolicyHost& m_host;
  const CheckRequest& m_request;
  Suppressor& m_suppressor;
  std::size_t m_seen = 0;
};

simulate::Timeline add_timeline(const config::QueueConfig& c, TimelineCache& timelines, lua::Evaluation& ev,
                                KeyLocator& locator, const std::string& policy_path) {
  TimelineResult result = timelines.get(c);  // a copy: its findings are placed per queue
  for (auto& d : result.findings) {
    // The built-in default has no make_queue_config call: point at the policy.
    d.location = ev.config_location.value_or(diag::Location{policy_path, 0, std::nullopt});
    locator.refine(d);
    ev.diagnostics.push_back(std::move(d));
  }
  return std::move(result.timeline);
}

// A tenant or campaign name that can stand in a queue name.
bool usable_name_part(const std::string& s) {
  return !s.empty() && s.size() <= 253 && s.find_first_of(":@! \t\r\n") == std::string::npos;
}

// Why KumoMTA could never have this queue name, if so.
std::optional<std::string> queue_name_problem(const std::string& name) {
  if (!util::is_valid_utf8(name)) {
    return "queue name " + util::quoted(name) + " is not valid UTF-8; it was not evaluated";
  }
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return "queue name " + util::quoted(name) + " contains a control character; it was not evaluated";
    }
  }
  return std::nullopt;
}

}  // namespace

simulate::RetryPolicy retry_policy(const config::QueueConfig& c) {
  return {c.retry_interval, c.max_retry_interval, c.max_age};
}

TimelineResult evaluate_timeline(const config::QueueConfig& c, const simulate::TimelineOptions& options) {
  simulate::RetryPolicy policy = retry_policy(c);
  simulate::Timeline timeline = simulate::simulate_retries(policy, options);
  std::vector<diag::Diagnostic> findings = simulate::timeline_findings(policy, timeline);
  if (c.max_message_rate) {
    timeline.rate_limit = simulate::preview_rate(*c.max_message_rate, c.max_age, options.burst);
    std::vector<diag::Diagnostic> rate = simulate::rate_preview_findings(*timeline.rate_limit);
    findings.insert(findings.end(), rate.begin(), rate.end());
  }
  return {std::move(timeline), std::move(findings)};
}

std::vector<std::string> default_queues(const std::string& policy_source, const std::vector<std::string>& event_names,
                                        std::size_t max_samples) {
  auto tokens = policy::tokenize(policy_source);
  std::set<std::string> found;  // sorted, no repeats, in n log n: a policy may hold a million literals
  auto add = [&found](std::string name) { found.insert(std::move(name)); };
  // Values the handler branches on are the queues most worth evaluating.
  for (const auto& d : policy::compared_literals(tokens, "domain")) {
    add(d);
  }
  for (const auto& t : policy::compared_literals(tokens, "tenant")) {
    add(t + "@gmail.com");
  }
  for (const auto& c : policy::compared_literals(tokens, "campaign")) {
    add(c + ":tenant@gmail.com");
  }
  // Keys of the tables the handler looks tenants and campaigns up in
  // (`TENANT_POOLS[tenant]`): domains come from every literal below.
  for (const auto& t : policy::indexed_table_keys(tokens, "tenant")) {
    if (usable_name_part(t)) {
      add(t + "@gmail.com");
    }
  }
  for (const auto& c : policy::indexed_table_keys(tokens, "campaign")) {
    if (usable_name_part(c)) {
      add(c + ":tenant@gmail.com");
    }
  }
  for (const auto& r : policy::compared_literals(tokens, "routing_domain")) {
    add("gmail.com!" + r);
  }
  for (const auto& literal : policy::sample_literals(tokens)) {
    bool is_event = std::find(event_names.begin(), event_names.end(), literal) != event_names.end();
    if (looks_like_domain(literal) && !is_event) {
      add(literal);
    }
  }
  std::vector<std::string> out = k_builtin_queues;
  out.resize(std::min(out.size(), max_samples));
  std::set<std::string> taken(out.begin(), out.end());
  for (const auto& f : found) {
    if (out.size() >= max_samples) {
      break;
    }
    if (taken.insert(f).second) {
      out.push_back(f);
    }
  }
  return out;
}

namespace {

// A key of a queues.toml section that is an option, not a tenant or campaign.
bool is_queue_option(const std::string& key) {
  static const char* const k_helper_keys[] = {"overall_max_message_rate", "routing_domain", "campaigns", "tenants",
                                              "require_authz"};
  for (const char* k : k_helper_keys) {
    if (key == k) {
      return true;
    }
  }
  const auto& keys = config::queue_config_keys();
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// A domain section's name as a sample domain: "*.example.com" is sampled
// as "sub.example.com" (the wildcard's own queue name is not a domain).
std::optional<std::string> sample_domain(const std::string& section) {
  std::string domain = section.rfind("*.", 0) == 0 ? "sub." + section.substr(2) : section;
  if (!looks_like_domain(domain)) {
    return std::nullopt;
  }
  return domain;
}

}  // namespace

std::vector<std::string> data_queues(const lua::PolicyHost& host) {
  std::set<std::string> found;
  for (const auto& file : host.data_files()) {
    const auto* positions = host.data_positions(file);
    for (const auto& p : positions ? *positions : std::vector<lua::DataPosition>{}) {
      const auto& path = p.key_path;
      if (!p.is_table || path.size() < 2 || path.size() > 4) {
        continue;
      }
      bool parts_usable = std::all_of(path.begin() + 2, path.end(), [](const std::string& part) {
        return usable_name_part(part) && !is_queue_option(part);
      });
      if (path[0] == "queue" && parts_usable) {
        auto domain = sample_domain(path[1]);
        if (!domain) {
          continue;
        }
        if (path.size() == 2) {
          found.insert(*domain);
        } else if (path.size() == 3) {
          found.insert(path[2] + "@" + *domain);
        } else {
          found.insert(path[3] + ":" + path[2] + "@" + *domain);
        }
      } else if (path[0] == "tenant" && usable_name_part(path[1])) {
        if (path.size() == 2) {
          found.insert(path[1] + "@gmail.com");
        } else if (path.size() == 4 && path[2] == "campaigns" && usable_name_part(path[3])) {
          found.insert(path[3] + ":" + path[1] + "@gmail.com");
        }
      }
    }
  }
  return {found.begin(), found.end()};
}

namespace {

// The default samples: those read from the policy's text, then, once
// those have run (so data files a handler loads on its first call are
// read), the queues named in those data files. One cap for both.
QueueSource default_samples(std::vector<std::string> from_text, const lua::PolicyHost& host, std::size_t max_samples) {
  struct State {
    std::vector<std::string> names;
    std::set<std::string> taken;
    std::size_t next = 0;
    bool data_read = false;
  };
  auto st = std::make_shared<State>();
  st->taken.insert(from_text.begin(), from_text.end());
  st->names = std::move(from_text);
  return [st, &host, max_samples]() -> std::optional<QueueInput> {
    if (st->next >= st->names.size() && !st->data_read) {
      st->data_read = true;
      for (auto& q : data_queues(host)) {
        if (st->names.size() >= max_samples) {
          break;
        }
        if (st->taken.insert(q).second) {
          st->names.push_back(std::move(q));
        }
      }
    }
    if (st->next >= st->names.size()) {
      return std::nullopt;
    }
    return QueueInput{st->names[st->next++], std::nullopt};
  };
}

}  // namespace

report::Summary run_check(const CheckRequest& request, report::ReportSink& sink) {
  report::Summary summary;
  sink.begin(request.policy_path);
  lua::PolicyHost host(request.host);
  lua::LoadResult loaded = host.load(request.policy_path, request.policy_source);
  KeyLocator locator(request.policy_path, request.policy_source, host);
  ValueTracer tracer(
      host, request.policy_path,
      [&locator](const std::string& file) -> const std::vector<policy::Token>& { return locator.tokens_of(file); });
  Suppressor suppressor(request.selection);
  SuppressionFiles suppression_files(host, request, suppressor);
  Baseline baseline = request.baseline ? *request.baseline : Baseline{};
  auto filter = [&](std::vector<diag::Diagnostic>& diagnostics) {
    suppression_files.sync();
    suppressor.apply(diagnostics);
    baseline.apply(diagnostics);
  };
  // Comments that suppressed nothing are reported only when every handler
  // could run: after a failed load nothing was checked.
  auto finish = [&](bool include_unused) {
    auto late = suppressor.leftovers(include_unused);
    baseline.apply(late);
    count_findings(summary, late);
    report::cut_policy_text(late);
    sink.late(late);
    sink.end(summary);
    return summary;
  };
  for (auto& d : loaded.diagnostics) {
    locator.refine(d);
  }
  filter(loaded.diagnostics);
  sort_unique(loaded.diagnostics);
  count_findings(summary, loaded.diagnostics);
  report::cut_policy_text(loaded.diagnostics);
  report::cut_policy_text(loaded.logs);
  sink.policy(loaded.diagnostics, loaded.logs);
  if (!loaded.ok) {
    summary.policy_loaded = false;
    return finish(false);
  }

  QueueSource next =
      request.queues ? *request.queues
                     : default_samples(default_queues(request.policy_source, host.event_names(), request.max_samples),
                                       host, request.max_samples);
  SeenNames seen;
  TimelineCache timelines(request.timeline);
  while (std::optional<QueueInput> input = next()) {
    const std::string* name = &input->name;
    if (!input->problem && !seen.insert(*name)) {
      continue;
    }
    report::QueueReport r;
    r.queue = *name;
    r.parts = values::parse_queue_name(*name);
    if (auto problem = input->problem ? input->problem : queue_name_problem(*name)) {
      auto d = diag::make_diagnostic(diag::Code::invalid_queue_name, *problem,
                                     input->source.value_or(diag::Location{"queue names", 0, std::nullopt}));
      d.queue = r.queue;
      r.evaluated = false;
      r.diagnostics.push_back(std::move(d));
      filter(r.diagnostics);
      count_findings(summary, r.diagnostics);
      ++summary.queues;
      report::cut_policy_text(r);
      sink.queue(r);
      continue;
    }
    lua::Evaluation ev = host.evaluate(r.parts);
    for (auto& d : ev.diagnostics) {
      locator.refine(d);
      d.queue = r.queue;
    }
    if (ev.config) {
      r.timeline = add_timeline(*ev.config, timelines, ev, locator, request.policy_path);
      for (auto& d : ev.diagnostics) {
        d.queue = r.queue;
      }
    }
    for (auto& d : ev.diagnostics) {
      tracer.place_at_origin(d, ev, r.parts);
    }
    if (request.provenance) {
      r.provenance = tracer.provenance(ev, r.parts);
    }
    filter(ev.diagnostics);
    sort_unique(ev.diagnostics);
    r.config = std::move(ev.config);
    r.handler = ev.handler;
    r.diagnostics = std::move(ev.diagnostics);
    r.logs = std::move(ev.logs);
    count_findings(summary, r.diagnostics);
    ++summary.queues;
    report::cut_policy_text(r);
    sink.queue(r);
  }
  return finish(true);
}

}  // namespace kumo::pipeline
