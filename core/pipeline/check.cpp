#include "core/pipeline/check.hpp"

#include "core/config/convert.hpp"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <thread>
#include <utility>

#include "core/diag/codes.hpp"
#include "core/pipeline/check_parts.hpp"
#include "core/pipeline/ordered_pool.hpp"
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

std::shared_ptr<const simulate::Timeline> add_timeline(const config::SharedConfig& c, TimelineCache& timelines,
                                                       lua::Evaluation& ev, KeyLocator& locator,
                                                       const std::string& policy_path) {
  const auto& shared = timelines.get(c);
  for (auto d : shared.findings) {  // a copy: the findings are placed per queue
    // The built-in default has no make_queue_config call: point at the policy.
    d.location = ev.config_location.value_or(diag::Location{policy_path, 0, std::nullopt});
    locator.refine(d);
    ev.diagnostics.push_back(std::move(d));
  }
  return shared.timeline;
}

// A tenant or campaign name that can stand in a queue name.
bool usable_name_part(const std::string& s) {
  return !s.empty() && s.size() <= 253 && s.find_first_of(":@! \t\r\n") == std::string::npos;
}

// Why KumoMTA could never have this queue name, if so.
std::optional<std::string> queue_name_problem(const std::string& name) {
  if (util::is_printable_ascii(name)) {
    return std::nullopt;  // most names: one pass, a word at a time
  }
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
// read), the queues named in those data files (`data_names`, asked once).
// One cap for both.
QueueSource default_samples(std::vector<std::string> from_text, std::function<std::vector<std::string>()> data_names,
                            std::size_t max_samples) {
  struct State {
    std::vector<std::string> names;
    std::set<std::string> taken;
    std::size_t next = 0;
    bool data_read = false;
  };
  auto st = std::make_shared<State>();
  st->taken.insert(from_text.begin(), from_text.end());
  st->names = std::move(from_text);
  return [st, data_names = std::move(data_names), max_samples]() -> std::optional<QueueInput> {
    if (st->next >= st->names.size() && !st->data_read) {
      st->data_read = true;
      for (auto& q : data_names()) {
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

// What the run needs to know of a host once it has read a new file: every
// file it read (their suppression comments apply to its findings) and, with
// default samples, the queues its data files name. A host's files only grow.
struct HostNews {
  std::vector<lua::PolicyHost::FileRead> files_read;
  std::vector<std::string> data_queues;
};

// One queue's result before the run-wide steps (suppression, counting).
struct Evaluated {
  report::QueueReport report;
  std::optional<HostNews> news;
  // Laid out by a worker's renderer, all but the findings (the sink
  // writes it with them): where in its batch's text, as offsets, and which
  // of the batch's splices are its own.
  struct LaidOut {
    std::size_t begin = 0;
    std::size_t findings_at = 0;  // from begin
    std::size_t end = 0;
    std::size_t first_splice = 0;
    std::size_t end_splice = 0;
  };
  std::optional<LaidOut> laid_out;
};

// A worker's results for one batch of queues, and the text its renderer
// laid them out in (one buffer for the batch).
struct EvaluatedBatch {
  std::vector<Evaluated> results;
  report::BatchText text;
  std::size_t worker = 0;  // which made it (Workers gives it back there)
};

// What loading gave: the findings and logs reported for the policy.
struct Loaded {
  lua::LoadResult result;
  std::optional<HostNews> news;
  std::vector<std::string> event_names;
};

// A queue to evaluate: its name, and the input it was read as when that
// has more to report (a problem, or where it was read), else null.
struct QueueRef {
  std::string_view name;
  const QueueInput* whole = nullptr;
};

// The queues of one batch (check --jobs), as the calling thread hands them
// out: their names in one buffer, the rare input with a problem or a place
// kept whole. A name in a string of its own was allocated on the reading
// thread and freed on a worker (a cross-thread free, which the reading
// thread's allocator then collected on its slow path) and fetched by the
// worker from the other core's cache, a miss per name; a batch's names are
// one stream, and its buffers go back to the reader to be reused.
class QueueBatch {
 public:
  void add(QueueInput&& input) {
    m_names += input.name;
    m_ends.push_back(m_names.size());
    if (input.problem || input.source) {
      m_whole.emplace_back(m_ends.size() - 1, std::move(input));
    }
  }
  std::size_t size() const { return m_ends.size(); }
  bool empty() const { return m_ends.empty(); }
  QueueRef operator[](std::size_t i) const {
    const std::size_t begin = i == 0 ? 0 : m_ends[i - 1];
    return {std::string_view(m_names).substr(begin, m_ends[i] - begin), whole(i)};
  }
  void clear() {
    m_names.clear();
    m_ends.clear();
    m_whole.clear();
  }

 private:
  const QueueInput* whole(std::size_t i) const {
    if (m_whole.empty()) {
      return nullptr;
    }
    auto it = std::lower_bound(m_whole.begin(), m_whole.end(), i,
                               [](const auto& entry, std::size_t index) { return entry.first < index; });
    return it != m_whole.end() && it->first == i ? &it->second : nullptr;
  }

  std::string m_names;
  std::vector<std::size_t> m_ends;                          // where each name ends in m_names
  std::vector<std::pair<std::size_t, QueueInput>> m_whole;  // by index, in order
};

// A Lua state and the pieces that read it per queue. Findings are located
// and traced by the host that produced them: each host knows only the files
// its own calls read. One per thread (check --jobs N).
class QueueEvaluator {
 public:
  explicit QueueEvaluator(const CheckRequest& request)
      : m_request(request),
        m_host(request.host),
        m_locator(request.policy_path, request.policy_source, m_host),
        m_tracer(
            m_host, request.policy_path,
            [this](const std::string& file) -> const std::vector<policy::Token>& { return m_locator.tokens_of(file); }),
        m_timelines(request.timeline) {}

  Loaded load() {
    Loaded loaded{m_host.load(m_request.policy_path, m_request.policy_source), std::nullopt, {}};
    for (auto& d : loaded.result.diagnostics) {
      m_locator.refine(d);
    }
    loaded.news = news();
    loaded.event_names = m_host.event_names();
    return loaded;
  }

  // Runs one queue into `out`, a new Evaluated where the result is kept (a
  // report is some 400 bytes of strings and vectors: built in place, not
  // moved); its findings located, not yet suppressed, sorted or counted.
  void evaluate(QueueRef input, Evaluated& out) {
    report::QueueReport& r = out.report;
    r.queue = input.name;
    r.parts = values::parse_queue_name(input.name);
    const QueueInput* whole = input.whole;
    if (auto problem = whole && whole->problem ? whole->problem : queue_name_problem(r.queue)) {
      const diag::Location where =
          whole && whole->source ? *whole->source : diag::Location{"queue names", 0, std::nullopt};
      auto d = diag::make_diagnostic(diag::Code::invalid_queue_name, *problem, where);
      d.queue = r.queue;
      r.evaluated = false;
      r.diagnostics.push_back(std::move(d));
      out.news = news();
      return;
    }
    lua::Evaluation ev = m_host.evaluate(r.parts);
    for (auto& d : ev.diagnostics) {
      m_locator.refine(d);
      d.queue = r.queue;
    }
    if (ev.config) {
      const std::size_t before = ev.diagnostics.size();
      r.timeline = add_timeline(ev.config, m_timelines, ev, m_locator, m_request.policy_path);
      for (std::size_t i = before; i < ev.diagnostics.size(); ++i) {
        ev.diagnostics[i].queue = r.queue;
      }
    }
    for (auto& d : ev.diagnostics) {
      m_tracer.place_at_origin(d, ev, r.parts);
    }
    if (m_request.provenance) {
      r.provenance = m_tracer.provenance(ev, r.parts);
    }
    r.config = std::move(ev.config);
    r.handler = std::move(ev.handler);
    r.diagnostics = std::move(ev.diagnostics);
    r.logs = std::move(ev.logs);
    out.news = news();
  }

 private:
  // What the host read since the last call, if anything.
  std::optional<HostNews> news() {
    if (m_host.files_read_count() == m_files_seen) {
      return std::nullopt;
    }
    m_files_seen = m_host.files_read_count();
    HostNews news{m_host.files_read(), {}};
    if (!m_request.queues) {
      news.data_queues = data_queues(m_host);
    }
    return news;
  }

  const CheckRequest& m_request;
  lua::PolicyHost m_host;
  KeyLocator m_locator;
  ValueTracer m_tracer;
  TimelineCache m_timelines;
  std::size_t m_files_seen = 0;
};

// The run-wide steps, on the calling thread, in input order: suppression
// comments and --baseline, counting, and handing each result to the sink.
class RunCollector {
 public:
  RunCollector(const CheckRequest& request, report::ReportSink& sink)
      : m_request(request),
        m_sink(sink),
        m_suppressor(request.selection),
        m_baseline(request.baseline ? *request.baseline : Baseline{}) {}

  void policy(Loaded& loaded) {
    learn(loaded.news);
    auto& diagnostics = loaded.result.diagnostics;
    filter(diagnostics);
    sort_unique(diagnostics);
    count_findings(m_summary, diagnostics);
    report::cut_policy_text(diagnostics);
    report::cut_policy_text(loaded.result.logs);
    m_sink.policy(diagnostics, loaded.result.logs);
    m_summary.policy_loaded = loaded.result.ok;
  }

  // A renderer for a worker thread, when the sink's format has one.
  std::unique_ptr<report::QueueRenderer> renderer() { return m_sink.renderer(); }

  // `batch_text`: what the result's laid_out offsets point into. The
  // result is changed in place, not kept: it is freed by its owner.
  void queue(Evaluated& evaluated, const report::BatchText* batch_text = nullptr) {
    learn(evaluated.news);
    report::QueueReport& r = evaluated.report;
    // These mark or drop findings, never add one: a result laid out with
    // none still has none (RenderedQueue::k_no_findings).
    drop_repeated_shared_state(r.diagnostics);
    filter(r.diagnostics);
    if (r.evaluated) {
      sort_unique(r.diagnostics);
    }
    count_findings(m_summary, r.diagnostics);
    ++m_summary.queues;
    if (const auto& at = evaluated.laid_out; at && batch_text) {
      // Its policy text was cut where it was laid out.
      const std::span<const report::Splice> splices(batch_text->splices);
      m_sink.rendered(r, {std::string_view(batch_text->text).substr(at->begin, at->end - at->begin), at->findings_at,
                          splices.subspan(at->first_splice, at->end_splice - at->first_splice),
                          /*lend=*/true});  // the batch is released before it is reused (Workers::collect)
      return;
    }
    report::cut_policy_text(r);
    m_sink.queue(r);
  }

  // The batch text queue() was given is about to be reused.
  void release_batch() { m_sink.release_rendered(); }

  // The queues named by every data file any host has loaded, sorted.
  std::vector<std::string> data_queues() const { return {m_data_queues.begin(), m_data_queues.end()}; }

  // Comments that suppressed nothing are reported only when every handler
  // could run: after a failed load nothing was checked.
  report::Summary finish() {
    auto late = m_suppressor.leftovers(m_summary.policy_loaded);
    m_baseline.apply(late);
    count_findings(m_summary, late);
    report::cut_policy_text(late);
    m_sink.late(late);
    m_sink.end(m_summary);
    return m_summary;
  }

 private:
  // A module a handler requires, or a data file it loads, brings its
  // comments before that handler's findings are filtered.
  void learn(const std::optional<HostNews>& news) {
    if (!news) {
      return;
    }
    for (const auto& f : news->files_read) {
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
    m_data_queues.insert(news->data_queues.begin(), news->data_queues.end());
  }

  // KQ913 is reported once per file:line by each host; with several hosts
  // (--jobs), each would report it at its own first queue. The first in
  // input order keeps it, as one host would have.
  void drop_repeated_shared_state(std::vector<diag::Diagnostic>& diagnostics) {
    const std::string_view code = diag::code_info(diag::Code::shared_state).code;
    std::erase_if(diagnostics, [&](const diag::Diagnostic& d) {
      return d.code == code && !m_shared_state_reported.insert({d.location.file, d.location.line}).second;
    });
  }

  void filter(std::vector<diag::Diagnostic>& diagnostics) {
    m_suppressor.apply(diagnostics);
    m_baseline.apply(diagnostics);
  }

  const CheckRequest& m_request;
  report::ReportSink& m_sink;
  report::Summary m_summary;
  Suppressor m_suppressor;
  Baseline m_baseline;
  std::set<std::string> m_data_queues;
  std::set<std::pair<std::string, int>> m_shared_state_reported;
};

// The queues of a source that were not seen before (SeenNames); a bad
// input line is always handed out, to be reported. With `read_ahead`,
// the next queue is read while this one runs and its slot in the table of
// names seen fetched from memory meanwhile (a cache miss per queue, at a
// million names: 5% of a text run's samples). Only for queues given (and
// read from a file): the default samples ask for the data files' queues
// once the policy's have all run, which reading ahead would ask too soon.
class DistinctQueues {
 public:
  DistinctQueues(QueueSource source, bool read_ahead) : m_source(std::move(source)), m_read_ahead(read_ahead) {}

  // The next queue not seen before, null after the last: valid until the
  // next call (the caller may move from it). Inputs are read into two
  // slots in turn, not moved from one to the next.
  QueueInput* next() {
    while (QueueInput* input = read()) {
      if (input->problem || m_seen.insert(m_fingerprint[m_current])) {
        return input;
      }
    }
    return nullptr;
  }

 private:
  // The next input, in m_slot[m_current].
  QueueInput* read() {
    if (!m_read_ahead) {
      return fill(m_current);
    }
    if (!m_started) {
      m_started = true;
      fill(m_current ^ 1);
    }
    m_current ^= 1;
    if (!m_slot[m_current]) {
      return nullptr;
    }
    fill(m_current ^ 1);
    return &*m_slot[m_current];
  }

  // Reads the source into `slot`; reading ahead, its slot in the table is
  // fetched while the queue before it runs.
  QueueInput* fill(std::size_t slot) {
    m_slot[slot] = m_source();
    if (!m_slot[slot]) {
      return nullptr;
    }
    m_fingerprint[slot] = SeenNames::fingerprint(m_slot[slot]->name);
    if (m_read_ahead) {
      m_seen.prefetch(m_fingerprint[slot]);  // read now, looked up a queue later
    }
    return &*m_slot[slot];
  }

  QueueSource m_source;
  bool m_read_ahead;
  bool m_started = false;
  SeenNames m_seen;
  std::optional<QueueInput> m_slot[2];
  std::uint64_t m_fingerprint[2] = {0, 0};
  std::size_t m_current = 0;
};

// The queues given, or the default samples: those read from the policy's
// text, then the data files' (`data_names`, asked once the first have run).
QueueSource queues_to_check(const CheckRequest& request, const Loaded& loaded,
                            std::function<std::vector<std::string>()> data_names) {
  if (request.queues) {
    return *request.queues;
  }
  return default_samples(default_queues(request.policy_source, loaded.event_names, request.max_samples),
                         std::move(data_names), request.max_samples);
}

// The threads of a parallel run (--jobs N): the calling thread and up to
// N - 1 workers, each with its own QueueEvaluator (one Lua state per
// thread, as the limits' per-thread state expects). The calling thread has
// loaded the policy (its findings are the ones reported); workers start
// one at a time while queues wait that no idle worker would take (a run of
// a few queues loads the policy a few times, not N times), and each loads
// the policy once for itself. The calling thread reads queues and hands
// them out in batches; when the window is full, or at the end, it
// evaluates a batch no worker has taken rather than wait: N threads
// evaluate on N cores, and no extra thread reads names beside them (N
// workers and a reading thread were three runnable threads for --jobs 2
// on two cores; measured against that, no faster beyond this VM's noise,
// but one Lua state fewer and the thread count --jobs promises).
//
// Results are collected into `run` in input order by whichever thread
// finds the oldest batch ready and the collecting lock free: mostly the
// thread that just made it, while its results and text are still in its
// core's cache. Waiting for room in the window or for the end with no
// batch to evaluate, the calling thread collects the oldest batch itself
// only when it is ready and no worker has taken it. The collecting lock
// keeps the run's steps one at a time and in input order; the first
// failure (an evaluation's, or the run's own) is kept there, so nothing
// after it is written, and the calling thread throws it.
class Workers {
 public:
  // `own`: the calling thread's evaluator, loaded; `max_workers` threads
  // besides it.
  Workers(const CheckRequest& request, std::size_t max_workers, RunCollector& run, QueueEvaluator& own)
      : m_request(request),
        m_max_workers(max_workers),
        m_run(run),
        m_pool((max_workers + 1) * k_window_per_thread),
        m_own(own),
        m_own_renderer(run.renderer()) {}

  ~Workers() {
    m_pool.close();
    for (auto& t : m_threads) {
      t.join();
    }
  }

  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;

  // Hands a queue out in a batch of m_batch_size; when the window is full,
  // this thread first evaluates batches no worker has taken, then collects
  // or waits for the oldest.
  void submit(QueueInput&& input) {
    m_batch.add(std::move(input));
    if (m_batch.size() >= m_batch_size) {
      submit_batch();
      // Until a batch comes back, how big results are laid out is unknown:
      // the window then holds small batches only.
      const std::size_t bytes_per_result = m_bytes_per_result.load(std::memory_order_relaxed);
      m_batch_size = std::min(m_batch_size * 2, bytes_per_result == 0 ? 2 * k_first_batch_size : batch_limit());
    }
  }

  // Collects every result still due; throws the run's failure, if any.
  void drain() {
    submit_batch();
    while (evaluate_waiting_batch() || collect_next(1)) {
    }
  }

 private:
  // Queues handed to a worker at once: a queue takes a few microseconds, so
  // waking a thread per queue would cost more than the work. Batches start
  // small, so that a short run is spread over the workers, and double up
  // to k_max_batch_size: each hand-over wakes threads, which on a virtual
  // machine costs as much as tens of queues (at 1M queues, batches of 32
  // spent more CPU in the kernel than batches of 512 saved in memory).
  static constexpr std::size_t k_first_batch_size = 32;
  static constexpr std::size_t k_max_batch_size = 512;
  // Batches held per evaluating thread before the oldest is collected: room for a slow
  // batch at the head without idling the others, and a bounded memory.
  static constexpr std::size_t k_window_per_thread = 4;
  // The laid-out text a batch should hold, about: text some 700 bytes per
  // queue, JSON under 1 KB (its config, timeline and provenance, some 10 KB
  // more, are spliced in from the renderer's cache, not copied): batches
  // of 512 either way. With the window, what is in flight stays near 2 MiB of text
  // per thread whatever the format. Measured at 1M JSON queues, --jobs 2,
  // when JSON's timelines were copied into the batch: 2 MiB batches peaked
  // at 101 MiB RSS, 512 KiB ones at 56-66, in the same time.
  static constexpr std::size_t k_batch_bytes = 512u << 10;
  // Collected batches held for the thread that made them to free and reuse, as many as
  // it can have in flight: with fewer, a worker whose batches were all
  // still out started a new one, whose text grew by copying (at 200k JSON
  // queues, --jobs 2: a third of batches, 580 instructions a queue).
  static constexpr std::size_t k_spares_per_thread = k_window_per_thread;

  // Batches no bigger than k_batch_bytes of text at the size results were
  // laid out at so far, and never smaller than the first.
  std::size_t batch_limit() const {
    const std::size_t by_bytes =
        k_batch_bytes / std::max<std::size_t>(m_bytes_per_result.load(std::memory_order_relaxed), 1);
    return std::clamp(by_bytes, k_first_batch_size, k_max_batch_size);
  }

  void submit_batch() {
    if (m_batch.empty()) {
      return;
    }
    while (m_pool.in_flight() >= m_pool.window() && evaluate_waiting_batch()) {
    }
    collect_next(m_pool.window());
    m_pool.submit(std::exchange(m_batch, spare_inputs()));
    if (m_threads.size() < m_max_workers && m_pool.wants_worker()) {
      std::unique_ptr<report::QueueRenderer> renderer;
      {
        std::lock_guard lock(m_collect_mutex);  // the sink is in use by whoever collects
        renderer = m_run.renderer();
      }
      m_pool.worker_starting();
      m_threads.emplace_back([this, renderer = std::move(renderer), worker = m_threads.size()]() mutable {
        run_other(std::move(renderer), worker);
      });
    }
  }

  // On the calling thread: while at least `in_flight` batches are out,
  // waits until the oldest is ready or a worker has collected it, and
  // collects it if no worker did. Whether this thread collected one;
  // throws the run's failure, once there is one.
  bool collect_next(std::size_t in_flight) {
    while (true) {
      m_pool.wait_until_ready(in_flight);
      std::lock_guard lock(m_collect_mutex);  // a worker collecting holds it
      if (m_collect_error) {
        std::rethrow_exception(m_collect_error);
      }
      if (m_pool.in_flight() < in_flight) {
        return false;
      }
      try {
        if (std::optional<EvaluatedBatch> batch = m_pool.try_collect()) {
          collect(std::move(*batch));
          return true;
        }
      } catch (...) {
        m_collect_error = std::current_exception();
        throw;
      }
    }
  }

  // On the calling thread: evaluates the oldest batch no worker has taken,
  // if any, as a worker would (delivering it and collecting what is ready).
  // Whether there was one.
  bool evaluate_waiting_batch() {
    auto job = m_pool.try_take();
    if (!job) {
      return false;
    }
    process(*job, m_own, m_own_renderer.get(), m_max_workers);  // its spare batches after the workers'
    return true;
  }

  // On a worker, after it delivered: collects every batch ready in order,
  // unless another thread is collecting (which then finds them) or the run
  // has failed. A failure is kept for the calling thread to throw.
  void collect_ready() {
    std::unique_lock lock(m_collect_mutex, std::try_to_lock);
    if (!lock.owns_lock() || m_collect_error) {
      return;
    }
    try {
      while (std::optional<EvaluatedBatch> batch = m_pool.try_collect()) {
        collect(std::move(*batch));
      }
    } catch (...) {
      m_collect_error = std::current_exception();
    }
  }

  // m_collect_mutex held.
  void collect(EvaluatedBatch batch) {
    try {
      for (auto& evaluated : batch.results) {
        m_run.queue(evaluated, &batch.text);
      }
    } catch (...) {
      m_run.release_batch();  // nothing written may point into it once it is given back
      throw;
    }
    m_run.release_batch();
    if (!batch.results.empty()) {
      m_bytes_per_result.store(std::max<std::size_t>(batch.text.text.size() / batch.results.size(), 1),
                               std::memory_order_relaxed);
    }
    give_back(std::move(batch));
  }

  // A collected batch goes back to the worker that made it, which frees
  // its results and reuses its text buffer's capacity. Freed here, on the
  // collecting thread, every string of every result was a free across
  // threads (the allocator's slow path: 12% of a JSON run's samples), and
  // a text buffer of megabytes was reset page by page at every batch.
  void give_back(EvaluatedBatch batch) {
    std::lock_guard lock(m_spare_mutex);
    if (batch.worker >= m_spares.size()) {
      m_spares.resize(batch.worker + 1);
    }
    auto& spares = m_spares[batch.worker];
    if (spares.size() < k_spares_per_thread) {
      spares.push_back(std::move(batch));
    }  // else freed here: a worker that has stopped taking batches
  }

  // A batch's queues, evaluated: its buffers go back to the calling thread.
  void give_back_inputs(QueueBatch inputs) {
    std::lock_guard lock(m_spare_mutex);
    if (m_spare_inputs.size() < m_pool.window()) {
      m_spare_inputs.push_back(std::move(inputs));
    }
  }

  // An empty batch for the calling thread to fill, reusing a given-back one's buffers.
  QueueBatch spare_inputs() {
    std::lock_guard lock(m_spare_mutex);
    if (m_spare_inputs.empty()) {
      return {};
    }
    QueueBatch inputs = std::move(m_spare_inputs.back());
    m_spare_inputs.pop_back();
    inputs.clear();
    return inputs;
  }

  EvaluatedBatch spare_batch(std::size_t worker) {
    std::lock_guard lock(m_spare_mutex);
    if (worker >= m_spares.size() || m_spares[worker].empty()) {
      return {};
    }
    EvaluatedBatch batch = std::move(m_spares[worker].back());
    m_spares[worker].pop_back();
    return batch;
  }

  // A worker's load findings are the calling thread's again; one whose
  // load fails (a timeout on a busy machine) takes no queues and the
  // others take them all.
  void run_other(std::unique_ptr<report::QueueRenderer> renderer, std::size_t worker) {
    std::optional<QueueEvaluator> evaluator;
    bool ok = false;
    try {
      evaluator.emplace(m_request);
      ok = evaluator->load().result.ok;
    } catch (...) {
      ok = false;
    }
    work(evaluator, ok, renderer.get(), worker);
  }

  // With a renderer, a result is laid out here but for its findings, at
  // the end of `text`; its policy text is cut first, as the collector would.
  static void prerender(Evaluated& e, report::QueueRenderer* renderer, report::BatchText& text) {
    if (renderer != nullptr) {
      report::cut_policy_text(e.report);
      const std::size_t begin = text.text.size();
      const std::size_t first_splice = text.splices.size();
      const std::size_t findings_at = renderer->render(e.report, text);
      e.laid_out = Evaluated::LaidOut{begin, findings_at, text.text.size(), first_splice, text.splices.size()};
    }
  }

  void work(std::optional<QueueEvaluator>& evaluator, bool loaded, report::QueueRenderer* renderer,
            std::size_t worker) {
    if (!loaded) {
      m_pool.gave_up();
      return;
    }
    m_pool.started();
    while (auto job = m_pool.take()) {
      if (!process(*job, *evaluator, renderer, worker)) {
        return;  // the run ends when this result is collected
      }
    }
  }

  // One batch evaluated and laid out, delivered, and what is ready
  // collected; false when evaluating it failed (delivered as its failure).
  bool process(std::pair<std::size_t, QueueBatch>& job, QueueEvaluator& evaluator, report::QueueRenderer* renderer,
               std::size_t worker) {
    try {
      EvaluatedBatch batch = spare_batch(worker);  // the last one's results freed here, where they were made
      batch.results.clear();
      batch.text.clear();
      batch.worker = worker;
      batch.results.reserve(job.second.size());
      // k_results_held evaluated, then laid out: as HeldResults does, so
      // that each path's code stays in the instruction cache.
      for (std::size_t from = 0; from < job.second.size(); from += k_results_held) {
        const std::size_t to = std::min(from + k_results_held, job.second.size());
        for (std::size_t i = from; i < to; ++i) {
          evaluator.evaluate(job.second[i], batch.results.emplace_back());
        }
        for (std::size_t i = from; i < to; ++i) {
          prerender(batch.results[i], renderer, batch.text);
        }
      }
      give_back_inputs(std::move(job.second));
      m_pool.deliver(job.first, std::move(batch));
    } catch (...) {
      m_pool.fail(job.first, std::current_exception());
      return false;
    }
    collect_ready();
    return true;
  }

  const CheckRequest& m_request;
  std::size_t m_max_workers;
  RunCollector& m_run;  // used under m_collect_mutex once a worker runs
  std::mutex m_collect_mutex;
  std::exception_ptr m_collect_error;  // the run's first failure; m_collect_mutex
  OrderedPool<QueueBatch, EvaluatedBatch> m_pool;
  QueueBatch m_batch;
  std::size_t m_batch_size = k_first_batch_size;
  std::atomic<std::size_t> m_bytes_per_result = 0;  // in the last batch collected; 0 before the first
  std::mutex m_spare_mutex;
  std::vector<std::vector<EvaluatedBatch>> m_spares;  // by worker
  std::vector<QueueBatch> m_spare_inputs;             // for the calling thread's next batches
  std::vector<std::thread> m_threads;
  QueueEvaluator& m_own;  // the calling thread's
  std::unique_ptr<report::QueueRenderer> m_own_renderer;
};

// Results evaluated on the calling thread, collected a few at a time: a
// queue's path through the handler, the conversion and the timeline is
// more code than the CPU's instruction cache holds, and so is the run-wide
// path (filters, counts, rendering, writing). Alternating the two per queue
// evicted each by the other; K evaluations, then K collections, keep each
// cached while it repeats (callgrind's cache model, 30k queues: instruction
// cache misses 16.6M -> 10.0M in text, 20.0M -> 10.7M in JSON). Only when
// the queues can be read ahead: a streamed queue's result is written before
// the next line is read, as before.
class HeldResults {
 public:
  explicit HeldResults(bool hold) : m_limit(hold ? k_results_held : 1) {
    m_held.reserve(m_limit);
    m_collecting.reserve(m_limit);
  }

  // Evaluates `input`; collects what is held into `run` once full.
  void evaluate(QueueEvaluator& evaluator, const QueueInput& input, RunCollector& run) {
    try {
      evaluator.evaluate(QueueRef{input.name, &input}, m_held.emplace_back());
    } catch (...) {
      m_held.pop_back();  // not a result
      throw;
    }
    if (m_held.size() >= m_limit) {
      collect(run);
    }
  }

  // Everything held, into `run`, in input order; none of it again if the
  // sink fails part way (then the run ends).
  void collect(RunCollector& run) {
    std::swap(m_held, m_collecting);
    for (auto& evaluated : m_collecting) {
      run.queue(evaluated);
    }
    m_collecting.clear();
  }

 private:
  std::size_t m_limit;  // k_results_held: 64 measured no better
  std::vector<Evaluated> m_held;
  std::vector<Evaluated> m_collecting;  // swapped with m_held: both keep their room
};

// --jobs 1: everything on the calling thread. With more, the first
// sequential_prefix queues too (none when --jobs was asked for); then
// batches for up to jobs - 1 workers and this thread (Workers). This
// thread's evaluator's load findings are the ones reported.
report::Summary run_with_prefix(const CheckRequest& request, RunCollector& run, std::size_t jobs) {
  QueueEvaluator evaluator(request);
  Loaded loaded = evaluator.load();
  run.policy(loaded);
  if (!loaded.result.ok) {
    return run.finish();
  }
  const bool read_ahead = request.queues && request.read_ahead;
  HeldResults held(read_ahead);
  std::optional<Workers> workers;
  QueueSource next = queues_to_check(request, loaded, [&workers, &held, &run] {
    held.collect(run);
    if (workers) {
      workers->drain();
    }
    return run.data_queues();
  });
  DistinctQueues distinct(std::move(next), read_ahead);
  std::size_t on_this_thread = 0;
  try {
    while (QueueInput* input = distinct.next()) {
      if (!workers && (jobs <= 1 || on_this_thread < request.sequential_prefix)) {
        held.evaluate(evaluator, *input, run);
        ++on_this_thread;
        continue;
      }
      if (!workers) {
        held.collect(run);  // before any worker's result
        workers.emplace(request, jobs - 1, run, evaluator);
      }
      workers->submit(std::move(*input));
    }
  } catch (...) {
    // A failure ends the run (a queue source or an evaluation that throws):
    // the results before it are written first, as without holding, and
    // all of them: workers collect on their own, so stopping short would
    // write a different number each run. A failure in writing them is
    // earlier in input order, and is thrown instead.
    held.collect(run);
    if (workers) {
      workers->drain();
    }
    throw;
  }
  held.collect(run);
  if (workers) {
    workers->drain();
  }
  return run.finish();
}

}  // namespace

report::Summary run_check(const CheckRequest& request, report::ReportSink& sink) {
  sink.begin(request.policy_path);
  RunCollector run(request, sink);
  // --run-timeout cuts off every queue after the one running when it is
  // reached, in input order: which those are depends on running them one
  // after the other, so a run with it stays on one thread.
  const bool parallel = request.jobs > 1 && !request.host.run_timeout_seconds;
  return run_with_prefix(request, run, parallel ? request.jobs : 1);
}

}  // namespace kumo::pipeline
