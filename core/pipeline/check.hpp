// The `check` pipeline: load the policy, evaluate each sample queue, locate
// and sort the findings, hand each result to a sink.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/lua/host.hpp"
#include "core/pipeline/baseline.hpp"
#include "core/pipeline/suppress.hpp"
#include "core/report/report.hpp"
#include "core/simulate/retry_timeline.hpp"

namespace kumo::pipeline {

// One queue to check, as its source read it: a name, or a reason the input
// holds no usable name there (a queues-file line too long to be one). A
// bad input line is a finding for that line, not the end of the run, so a
// streamed JSON document stays whole.
struct QueueInput {
  std::string name;
  std::optional<std::string> problem;  // set: report KQ911 with this text, do not evaluate
  // Where the name was read (a queues-file line): KQ911 is placed there.
  // Set only for a name that can be reported (it has a problem, or is not
  // printable ASCII, which the evaluation checks); unset for -q names and
  // default samples ("queue names").
  std::optional<diag::Location> source;
};

// Yields the next queue, or nullopt when there are no more.
using QueueSource = std::function<std::optional<QueueInput>()>;

inline constexpr std::size_t k_default_max_samples = 1000;

// With CheckRequest::read_ahead, how many results the calling thread
// evaluates before it hands them to the sink (see HeldResults).
inline constexpr std::size_t k_results_held = 16;

struct CheckRequest {
  std::string policy_path;    // as the user gave it: used in every location
  std::string policy_source;  // its text
  lua::HostOptions host;
  // Empty: use the default sample queues (built-in plus domain-like string
  // literals of the policy).
  std::optional<QueueSource> queues;
  // `queues` may be read one queue ahead of the one running (a file, not a
  // stream whose next line may come later), so that the next name's slot
  // in the table of names seen is fetched while this queue runs; results
  // evaluated on the calling thread are then handed to the sink
  // k_results_held at a time (the last ones when the queues end).
  bool read_ahead = false;
  simulate::TimelineOptions timeline;  // how each queue's retry timeline is simulated
  // Fill QueueReport::provenance (JSON output, --explain-keys): it reads
  // the policy's tokens and data files per queue, so only when shown.
  bool provenance = false;
  // --max-samples: how many default sample queues at most (built-in ones
  // first, then the policy's literals, then its data files' queues).
  std::size_t max_samples = k_default_max_samples;
  CodeSelection selection;           // --select, --ignore
  std::optional<Baseline> baseline;  // --baseline
  // --jobs: queues are evaluated on up to this many threads, each with its
  // own Lua state that loads the policy once; results reach the sink in
  // input order all the same. 1 evaluates on the calling thread (diff and
  // test keep that), as does a run with a --run-timeout.
  std::size_t jobs = 1;
  // With jobs > 1: this many queues are first evaluated on the calling
  // thread, and the workers start only if more follow, so a short run
  // (default samples, a few -q) pays for no thread and no second load.
  // 0 starts the workers at once (an explicit --jobs does).
  std::size_t sequential_prefix = 0;
};

// A config's retry timeline with its KQ2xx findings (key set, no location).
struct TimelineResult {
  simulate::Timeline timeline;
  std::vector<diag::Diagnostic> findings;
};

// --- Interface ---

// Runs the whole check, streaming results into `sink`; returns the totals.
report::Summary run_check(const CheckRequest& request, report::ReportSink& sink);

// The retry keys of a config, as the simulator takes them.
simulate::RetryPolicy retry_policy(const config::QueueConfig& c);

// Simulates a config's retry schedule and previews its max_message_rate
// (options.burst messages due together), with the findings of both; the one
// path shared by `check` and `timeline`.
TimelineResult evaluate_timeline(const config::QueueConfig& c, const simulate::TimelineOptions& options);

// The default sample queues for a policy source (documented in docs/usage.md):
// the built-in set, then (sorted) every literal the policy compares with
// domain, tenant, campaign or routing_domain, and every domain-like string
// literal that is not the name of an event in `event_names`, a module name
// or a named field's value. run_check then adds data_queues() once those
// have run.
std::vector<std::string> default_queues(const std::string& policy_source, const std::vector<std::string>& event_names,
                                        std::size_t max_samples = k_default_max_samples);

// Queues named by the data files the policy loaded (kumo.toml_load and
// friends), read in the layout of KumoMTA's queue helper: [queue.DOMAIN]
// gives DOMAIN ("*.x.com" gives sub.x.com), [queue.DOMAIN.TENANT]
// TENANT@DOMAIN, [queue.DOMAIN.TENANT.CAMPAIGN] CAMPAIGN:TENANT@DOMAIN,
// [tenant.TENANT] TENANT@gmail.com and [tenant.TENANT.campaigns.CAMPAIGN]
// CAMPAIGN:TENANT@gmail.com; [queue.default] and option keys are skipped.
std::vector<std::string> data_queues(const lua::PolicyHost& host);

}  // namespace kumo::pipeline
