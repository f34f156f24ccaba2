// `timeline` from inline settings: a make_queue_config{...} table built from
// KEY=VALUE pairs instead of a policy, converted and validated exactly as
// `check` converts a policy's table, then simulated.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/queue_config.hpp"
#include "core/diag/diagnostic.hpp"
#include "core/simulate/retry_timeline.hpp"
#include "core/values/lua_value.hpp"

namespace kumo::pipeline {

struct Setting {
  std::string key;    // one of timeline_setting_keys()
  std::string value;  // as typed
};

struct SettingsTimeline {
  std::optional<config::QueueConfig> config;   // empty when kumod would reject the settings
  std::optional<simulate::Timeline> timeline;  // when there is a config
  std::vector<diag::Diagnostic> diagnostics;   // sorted, located at the source label
};

// --- Interface ---

// The keys that decide the retry schedule, then max_message_rate (its value
// is always a string): the only keys settings may name.
const std::vector<std::string_view>& timeline_setting_keys();

// The Lua value a policy would write for `text`: all digits is integer
// seconds (a float beyond i64, as Lua reads such a literal), anything else a
// string parsed as humantime.
lua::Value setting_value(std::string_view text);

// Converts `settings` (keys already checked; an empty list gives kumod's
// defaults) and simulates; every finding is located at file `source`.
SettingsTimeline timeline_from_settings(const std::vector<Setting>& settings, const simulate::TimelineOptions& options,
                                        const std::string& source);

}  // namespace kumo::pipeline
