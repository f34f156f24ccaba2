// QueueConfig in the form KumoMTA serializes it (reference §1.4): what
// resolve-queue-config prints and what indexing a config object returns.
#pragma once

#include <nlohmann/json.hpp>

#include "core/config/queue_config.hpp"

namespace kumo::config {

// All 13 keys; durations as humantime strings, unset optionals as null,
// throttles canonical, enums by variant name, protocol fully filled in.
// nlohmann::json keeps object keys sorted, as serde_json does here.
nlohmann::json to_kumo_json(const QueueConfig& q);

nlohmann::json protocol_to_kumo_json(const Protocol& p);

}  // namespace kumo::config
