// kumo.make_queue_config's table → QueueConfig, accepting and rejecting
// exactly what KumoMTA does (reference §0, §1, §5), reporting every problem
// rather than serde's first, and warning about values KumoMTA accepts but
// mishandles.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/queue_config.hpp"
#include "core/diag/diagnostic.hpp"
#include "core/values/lua_value.hpp"

namespace kumo::config {

struct ConversionResult {
  // Empty exactly when KumoMTA would reject the table.
  std::optional<QueueConfig> config;
  // Errors and warnings with `key` set and no location: the caller knows
  // where the table came from.
  std::vector<diag::Diagnostic> findings;
  // The error KumoMTA raises for this table (first problem found), without
  // the "deserialize error: " prefix; empty when accepted.
  std::string kumo_error;
};

// --- Interface ---

// Converts the argument of kumo.make_queue_config.
ConversionResult convert_queue_config(const lua::Value& params);

// The QueueConfig keys in KumoMTA's declaration order.
const std::vector<std::string_view>& queue_config_keys();

}  // namespace kumo::config
