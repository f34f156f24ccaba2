// What a `check` run found, one queue at a time: the data every renderer
// reads. Computed by core/pipeline, never printed by it.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/queue_config.hpp"
#include "core/diag/diagnostic.hpp"
#include "core/lua/host.hpp"
#include "core/report/splice.hpp"
#include "core/simulate/retry_timeline.hpp"
#include "core/values/queue_name.hpp"

namespace kumo::report {

// Where a config key's value was set: a literal in the policy (or a module
// it requires), a value in a data file the policy loaded (queues.toml), a
// value the policy computed (located at the make_queue_config call), or
// KumoMTA's default (no location).
struct KeyOrigin {
  enum class From { policy, data, computed, kumo_default };
  std::string key;
  From from = From::kumo_default;
  std::optional<diag::Location> location;

  friend bool operator==(const KeyOrigin&, const KeyOrigin&) = default;
};

// One origin per config key, in KumoMTA's key order; shared by the queues
// whose keys were all set alike (pipeline::ValueTracer); null for none.
using Provenance = std::shared_ptr<const std::vector<KeyOrigin>>;

// "policy", "data", "computed", "default".
const char* origin_name(KeyOrigin::From from);

struct QueueReport {
  std::string queue;      // exactly as given
  bool evaluated = true;  // false: the name was refused before any handler ran
  values::QueueName parts;
  config::SharedConfig config;             // empty when KumoMTA would fail
  std::optional<lua::HandlerRef> handler;  // empty for the built-in default
  // When there is a config; shared by every queue whose config has the same
  // retry keys (the simulation is done once per distinct schedule).
  std::shared_ptr<const simulate::Timeline> timeline;
  std::vector<diag::Diagnostic> diagnostics;  // sorted
  std::vector<lua::LogLine> logs;
  Provenance provenance;  // null without a config (or when not asked for); its text cut where it was made
};

// `timeline --spool-in AGE`: what kumod does at restart with a spooled
// message of that age (reference §4.4).
struct SpoolInResult {
  values::Duration age;
  simulate::SpoolIn decision;
};

// What `timeline` shows: one queue's retry schedule, from a policy's queue
// or from settings given on the command line.
struct TimelineResult {
  std::optional<std::string> queue;               // the policy's queue; none for settings
  std::optional<simulate::RetryPolicy> settings;  // none: no config
  std::optional<simulate::Timeline> timeline;
  std::vector<diag::Diagnostic> diagnostics;  // the active findings
  bool policy_loaded = true;
  std::optional<SpoolInResult> spool_in;  // --spool-in, when there are settings
};

struct Summary {
  std::size_t queues = 0;
  std::size_t errors = 0;
  std::size_t warnings = 0;
  std::size_t infos = 0;
  std::size_t suppressed = 0;  // findings a kumo-lint: disable comment covers (in none of the above)
  std::size_t baselined = 0;   // findings the --baseline file holds (in none of the above)
  bool policy_loaded = true;   // for a run's total: every policy loaded
  std::size_t policies = 1;    // policies this summary covers
};

// A run of several policies: each one's counts summed.
Summary combined(const std::vector<Summary>& each);

// Cuts every policy-controlled text of a result to the limits of
// core/diag (diag::k_max_name_bytes for the queue name, its parts and file
// names; findings with diag::cut_policy_text), so that what reaches any
// renderer is bounded. The pipeline calls these once per result, before
// the sink sees it. What the policy printed is cut where it is captured
// (core/lua); here only the file names of its lines.
void cut_policy_text(QueueReport& r);
void cut_policy_text(std::vector<diag::Diagnostic>& diagnostics);
void cut_policy_text(std::vector<lua::LogLine>& logs);
void cut_policy_text(std::vector<KeyOrigin>& provenance);

// A result laid out away from its sink, all but its findings: the sink
// writes those at `findings_at` (an offset into `text`), once the run has
// filtered and counted them in input order (suppressions, --select, KQ913
// once per line). A view into the batch it was laid out in: its text and
// the splices that go into it (offsets into `text`, ascending; one at
// findings_at goes before the findings). A result that had no findings
// when it was laid out has none to write (the run's steps only mark or
// drop findings, never add one): its renderer may lay out the empty list
// itself and give k_no_findings.
struct RenderedQueue {
  static constexpr std::size_t k_no_findings = static_cast<std::size_t>(-1);

  std::string_view text;
  std::size_t findings_at = 0;  // or k_no_findings
  std::span<const Splice> splices;
  // `text` stays where it lies until the sink's release_rendered(): the
  // sink may lend it to its output instead of copying it.
  bool lend = false;
};

// Lays out one result as its sink's queue() would write it, away from the
// sink: on a worker thread (one renderer per thread, each with its own
// caches). What the layout shows besides the findings depends on nothing
// the sink learns in input order, so the sink then only writes it
// (ReportSink::rendered), and rendering scales with --jobs.
class QueueRenderer {
 public:
  virtual ~QueueRenderer() = default;
  // Appends the layout of `r` to `out` (a batch's results go into one
  // buffer: no allocation per result, none freed on another thread), and
  // the splices it refers to instead of copying, their offsets from the
  // start of what it appended; returns where its findings go, from there
  // too, or RenderedQueue::k_no_findings.
  virtual std::size_t render(const QueueReport& r, BatchText& out) = 0;
};

// Receives a run as it happens, so that a million queues stream through in
// constant memory. Implementations render; they decide nothing. A run is
// one or more policies, each from begin() to end(), then finish() once.
class ReportSink {
 public:
  virtual ~ReportSink() = default;
  // A renderer of this policy's results, or none when the format writes
  // results only in order (the default). Asked on the sink's thread,
  // between begin() and end().
  virtual std::unique_ptr<QueueRenderer> renderer() { return nullptr; }
  // A result `renderer()` laid out, its findings (r.diagnostics) now final:
  // written where queue(r) would write it, as queue(r) would.
  virtual void rendered(const QueueReport& r, const RenderedQueue& laid_out) {
    (void)laid_out;
    queue(r);
  }
  // The text of the results given to rendered() with `lend` is about to
  // be reused: what still refers to it is written out first.
  virtual void release_rendered() {}
  virtual void begin(const std::string& policy_path) = 0;
  // Findings and output from loading the policy (before any queue).
  virtual void policy(const std::vector<diag::Diagnostic>& diagnostics, const std::vector<lua::LogLine>& logs) = 0;
  virtual void queue(const QueueReport& result) = 0;
  // Findings known only once every queue has run (suppression comments
  // that suppressed nothing), just before end().
  virtual void late(const std::vector<diag::Diagnostic>& diagnostics) = 0;
  // The policy is done: its own totals.
  virtual void end(const Summary& summary) = 0;
  // The run is done: every policy's totals combined (the same as end()'s
  // for a run of one). A format that is one document closes it here.
  virtual void finish(const Summary& total) = 0;
};

}  // namespace kumo::report
