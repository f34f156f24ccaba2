// KumoMTA's queue helper data (queues.toml, read by policy-extras/queue.lua)
// checked where the mistakes are: each finding points at the TOML line and
// column of the key or value, not at the line of queue.lua that fails.
//
// queue.lua sorts every key it meets by trying it: a key make_queue_config
// accepts is a queue option; anything else under [queue.'domain'] is taken
// for a tenant, and under a tenant for a campaign. So a misspelt option or
// a value kumod rejects is taken for a tenant whose settings are a string,
// and merging the file fails for every queue (KQ401, KQ402). A
// default_tenant that no [tenant] defines makes kumod refuse every message
// without a tenant header (KQ403).
#pragma once

#include <vector>

#include "core/config/helper_data.hpp"

namespace kumo::config {

// Whether a parsed data file has the shape of queue helper data: a table
// with a `queue` or a `tenant` table at its top level.
bool is_queue_helper_data(const lua::Value& root);

// The findings for `root` (a parsed queues.toml), each located by `where`.
std::vector<diag::Diagnostic> check_queue_helper_data(const lua::Value& root, const DataLocator& where);

}  // namespace kumo::config
