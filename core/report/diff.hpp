// What `kumo-lint diff OLD NEW` found: per queue, the config keys, retry
// timeline and findings that differ between two runs. Computed by
// core/pipeline/diff.cpp, rendered by render_diff.cpp; plain data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kumo::report {

// One config key whose KumoMTA-serialized value differs, at the deepest
// key that did ("protocol.smtp.mx_list"); "config" when one side has none.
struct ConfigChange {
  std::string key;
  nlohmann::json old_value;
  nlohmann::json new_value;

  friend bool operator==(const ConfigChange&, const ConfigChange&) = default;
};

// What a reviewer compares of a retry timeline; each part is unset where
// the timeline has none (retries forever, never expires).
struct TimelineDigest {
  std::optional<std::uint64_t> attempt_count;
  std::optional<std::int64_t> last_attempt_seconds;
  std::optional<std::int64_t> expires_at_seconds;
  std::optional<std::string> expiry_reason;

  friend bool operator==(const TimelineDigest&, const TimelineDigest&) = default;
};

// The two sides of a timeline that changed; a side without a config has none.
struct TimelineChange {
  std::optional<TimelineDigest> old_side;
  std::optional<TimelineDigest> new_side;
};

// A finding as one side reported it.
struct DiffFinding {
  std::string code;
  std::string severity;
  std::optional<std::string> key;
  std::string message;
  std::string file;
  std::optional<int> line;

  friend bool operator==(const DiffFinding&, const DiffFinding&) = default;
};

enum class QueueStatus { changed, added, removed };

// "changed", "added", "removed".
const char* status_name(QueueStatus status);

// One queue that differs. Added and removed queues carry nothing else.
struct QueueDiff {
  std::string queue;
  QueueStatus status = QueueStatus::changed;
  std::vector<ConfigChange> changes;       // sorted by key
  std::optional<TimelineChange> timeline;  // none: the same timeline
  std::vector<DiffFinding> findings_added;
  std::vector<DiffFinding> findings_removed;
};

struct DiffSummary {
  std::size_t changed = 0;
  std::size_t added = 0;
  std::size_t removed = 0;
  std::size_t unchanged = 0;
};

struct DiffReport {
  std::string old_name;  // OLD and NEW as given on the command line
  std::string new_name;
  std::vector<QueueDiff> queues;  // only those that differ, in the run's queue order
  DiffSummary summary;

  bool differs() const { return !queues.empty(); }
};

}  // namespace kumo::report
