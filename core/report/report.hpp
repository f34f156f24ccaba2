// What a `check` run found, one queue at a time: the data every renderer
// reads. Computed by core/pipeline, never printed by it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/config/queue_config.hpp"
#include "core/diag/diagnostic.hpp"
#include "core/lua/host.hpp"
#include "core/simulate/retry_timeline.hpp"
#include "core/values/queue_name.hpp"

namespace kumo::report {

struct QueueReport {
  std::string queue;  // exactly as given
  bool evaluated = true;  // false: the name was refused before any handler ran
  values::QueueName parts;
  std::optional<config::QueueConfig> config;  // empty when KumoMTA would fail
  std::optional<lua::HandlerRef> handler;     // empty for the built-in default
  std::optional<simulate::Timeline> timeline;  // when there is a config
  std::vector<diag::Diagnostic> diagnostics;  // sorted
  std::vector<lua::LogLine> logs;
};

struct Summary {
  std::size_t queues = 0;
  std::size_t errors = 0;
  std::size_t warnings = 0;
  std::size_t infos = 0;
  bool policy_loaded = true;
};

// Receives a run as it happens, so that a million queues stream through in
// constant memory. Implementations render; they decide nothing.
class ReportSink {
 public:
  virtual ~ReportSink() = default;
  virtual void begin(const std::string& policy_path) = 0;
  // Findings and output from loading the policy (before any queue).
  virtual void policy(const std::vector<diag::Diagnostic>& diagnostics, const std::vector<lua::LogLine>& logs) = 0;
  virtual void queue(const QueueReport& result) = 0;
  virtual void end(const Summary& summary) = 0;
};

}  // namespace kumo::report
