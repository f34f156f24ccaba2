// KumoMTA's sources helper data (sources.toml, read by
// policy-extras/sources.lua) checked where the mistakes are: each finding
// points at the TOML line and column of the key or value.
//
// sources.lua type-checks the whole file when it loads it (a Record per
// section, each [source.'name'] key tried by kumo.make_egress_source), on
// the first get_egress_source or get_egress_pool call. One bad key or
// value makes that load fail, so every source and pool of the helper fails
// to resolve, and with them every queue whose egress_pool it defines.
#pragma once

#include <vector>

#include "core/config/helper_data.hpp"

namespace kumo::config {

// Whether a parsed data file has the shape of sources helper data: a table
// with a `source` or a `pool` table at its top level.
bool is_sources_helper_data(const lua::Value& root);

// The findings for `root` (a parsed sources.toml), each located by `where`.
std::vector<diag::Diagnostic> check_sources_helper_data(const lua::Value& root, const DataLocator& where);

}  // namespace kumo::config
